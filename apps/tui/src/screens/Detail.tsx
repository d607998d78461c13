/**
 * One number in full: its status and how it was verified, when it lapses, any suspension, its
 * evidence and duplicate-unlock requests, and the audit timeline — every change, who made it, with
 * which key and request, and the status before and after.
 */
import type { OperatorWire, Wire } from "@senderid/contract"
import { Box, Text } from "ink"
import { useApi } from "../Api.tsx"
import { cell, shortDate } from "../components/Columns.ts"
import { Notice } from "../components/Notice.tsx"
import { useCursor, VirtualList } from "../components/VirtualList.tsx"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { useReloadOnShow, useRemote } from "../Remote.ts"
import { statusTone, Toned } from "../theme.tsx"

type Entry = OperatorWire.AuditEntryView

const transition = (e: Entry) =>
  e.statusBefore === e.statusAfter
    ? (e.statusAfter ?? "")
    : `${e.statusBefore ?? "∅"}→${e.statusAfter ?? "∅"}`

export const Detail = ({
  active,
  width,
  height,
  accountId,
  senderId
}: ScreenProps & { accountId: string; senderId: Wire.SenderIdView }) => {
  const api = useApi()
  const trail = useRemote(
    () => api.getAuditTrailByHandle({ params: { handleKey: senderId.handleKey } }),
    [api, senderId.handleKey]
  )
  const entries = trail.value?.entries ?? []
  const timelineHeight = Math.max(2, height - 9)
  const cursor = useCursor(entries.length, timelineHeight)
  useReloadOnShow(active, trail.reload)
  useKeymap(SCREEN_SCOPES.detail ?? [], { ...cursor.handlers, refresh: trail.reload }, { active })
  const unlock = senderId.unlockDuplicate
  const pendingEvidence = senderId.approvalDocuments.filter((a) => a.status === "PENDING").length
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>{senderId.phoneNumber}</Text> · {accountId} ·{" "}
        <Toned tone={statusTone(senderId.status)}>{senderId.status}</Toned> · verified by{" "}
        {senderId.method ?? "—"}
      </Text>
      <Text wrap="truncate">
        expires {shortDate(senderId.expireAt)}
        {senderId.autoExtension === true ? " (auto-extends)" : ""} · registered{" "}
        {shortDate(senderId.dateCreated)} · changed {shortDate(senderId.dateUpdated)}
      </Text>
      <Text wrap="truncate">
        {senderId.suspension === undefined ? (
          "not suspended"
        ) : (
          <Toned tone="bad">
            suspended since {shortDate(senderId.suspension.since)}: {senderId.suspension.reason}
          </Toned>
        )}
        {" · next: "}
        {(senderId.necessaryMeasures ?? []).join(", ") || "nothing"}
      </Text>
      <Text wrap="truncate">
        evidence: {senderId.approvalDocuments.length} submitted, {pendingEvidence} waiting · duplicate unlock:{" "}
        {unlock.status === null ? "none" : `${unlock.status} (${unlock.name ?? "?"})`}
      </Text>
      <Text bold>
        Audit timeline ({entries.length}
        {trail.loading ? ", loading…" : ""})
      </Text>
      <Text bold wrap="truncate">
        {`${cell("when (UTC)", 17)}${cell("actor", 18)}${cell("status", 20)}what`}
      </Text>
      <VirtualList
        items={entries}
        selected={cursor.index}
        height={timelineHeight}
        rowKey={(_, index) => String(index)}
        empty={trail.loading ? "" : "No entries."}
        renderRow={(e) =>
          `${cell(shortDate(e.createAt), 17)}${cell(`${e.actor.type.toLowerCase()} ${e.actor.id}`, 18)}${cell(
            transition(e),
            20
          )}${e.message}`
        }
      />
      <Notice notice={trail.error === undefined ? undefined : { tone: "bad", text: trail.error }} />
    </Box>
  )
}
