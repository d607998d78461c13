/**
 * Webhook deliveries across every account, newest first, with each attempt underneath the
 * selected one (when, how long, the receiver's status or the error): why a customer did or did not
 * hear about a review. `f` shows only pending, delivered or failed ones.
 */
import type { WebhookWire } from "@senderid/contract"
import { Box } from "ink"
import { useState } from "react"
import { useApi } from "../Api.tsx"
import { cell, shortDate } from "../components/Columns.ts"
import { NOTICE_HEIGHT, Notice, useNotice } from "../components/Notice.tsx"
import { Text } from "../components/Text.tsx"
import { positionText, useCursor, VirtualList } from "../components/VirtualList.tsx"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { useMoreAtEnd, usePaged } from "../Paged.ts"
import { useReloadOnShow } from "../Remote.ts"
import { statusTone, Toned } from "../theme.tsx"

type Delivery = WebhookWire.DeliveryView

const STATUS_FILTERS = [undefined, "PENDING", "DELIVERED", "FAILED"] as const

export const Deliveries = ({ active, width, height }: ScreenProps) => {
  const api = useApi()
  const [filter, setFilter] = useState(0)
  const status = STATUS_FILTERS[filter]
  const deliveries = usePaged(
    async (startKey) => {
      const page = await api.listAnyWebhookDeliveries({ query: { limit: 100, startKey, status } })
      return { items: page.deliveries, nextKey: page.nextKey }
    },
    [api, status]
  )
  const { notice } = useNotice(deliveries.error)
  const listHeight = Math.max(3, Math.floor((height - 3) / 2))
  const cursor = useCursor(deliveries.items.length, listHeight)
  const selected = deliveries.items[cursor.index]
  useMoreAtEnd(deliveries, cursor.index)
  useReloadOnShow(active, deliveries.reload)
  useKeymap(
    SCREEN_SCOPES.deliveries ?? [],
    {
      ...cursor.handlers,
      refresh: deliveries.reload,
      cycleFilter: () => {
        setFilter((f) => (f + 1) % STATUS_FILTERS.length)
        cursor.set(0)
      }
    },
    { active }
  )
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>Webhook deliveries</Text> · status: {status ?? "all"} ·{" "}
        {positionText(cursor.index, deliveries.items.length)}
        {deliveries.more ? "+" : ""}
        {deliveries.loading ? " · loading…" : ""}
      </Text>
      <VirtualList
        items={deliveries.items}
        selected={cursor.index}
        height={listHeight}
        rowKey={(d) => d.deliveryId}
        empty={deliveries.loading || deliveries.error !== undefined ? "" : "No deliveries."}
        renderRow={(d: Delivery, isSelected) => (
          <>
            {cell(shortDate(d.dateCreated), 17)}
            {isSelected ? (
              cell(d.status, 10)
            ) : (
              <Toned tone={statusTone(d.status)}>{cell(d.status, 10)}</Toned>
            )}
            {cell(d.eventType, 24)}
            {cell(d.accountId, 14)}
            {`${d.attempts.length} att.`}
          </>
        )}
      />
      <Box
        flexDirection="column"
        height={Math.max(1, height - listHeight - 2 - NOTICE_HEIGHT)}
        overflow="hidden"
        marginTop={1}
      >
        {selected === undefined ? null : <Attempts delivery={selected} />}
      </Box>
      <Notice notice={notice} />
    </Box>
  )
}

const Attempts = ({ delivery }: { delivery: Delivery }) => (
  <>
    <Text wrap="truncate">
      <Text bold>{delivery.eventType}</Text> · event {delivery.eventId} · endpoint {delivery.endpointId}
    </Text>
    <Text wrap="truncate">
      {delivery.nextAttemptAt === null
        ? `${delivery.status.toLowerCase()}`
        : `next attempt ${shortDate(delivery.nextAttemptAt)}`}{" "}
      · {delivery.attempts.length} attempt{delivery.attempts.length === 1 ? "" : "s"}
    </Text>
    {[...delivery.attempts].reverse().map((a) => (
      <Text key={a.attempt} wrap="truncate">
        {cell(`#${a.attempt}`, 5)}
        {cell(shortDate(a.at), 17)}
        {cell(`${a.durationMs} ms`, 9)}
        {a.httpStatus === null ? (
          <Toned tone="bad">{a.error ?? "no answer"}</Toned>
        ) : (
          <Toned tone={a.httpStatus < 300 ? "good" : "bad"}>
            HTTP {a.httpStatus}
            {a.error === null ? "" : ` ${a.error}`}
          </Toned>
        )}
      </Text>
    ))}
  </>
)
