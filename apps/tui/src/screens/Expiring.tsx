/**
 * Verifications about to lapse across every account, soonest first, with days left and whether
 * they renew themselves: who to remind before their numbers stop working. `+`/`-` look further or
 * nearer ahead.
 */
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
import { useReloadOnShow, useRemote } from "../Remote.ts"
import { Toned } from "../theme.tsx"

const WINDOWS = [7, 14, 30, 60, 90, 180, 366] as const
const LIMIT = 1000

export const Expiring = ({ active, width, height, open }: ScreenProps) => {
  const api = useApi()
  const [windowIndex, setWindowIndex] = useState(2)
  const days = WINDOWS[windowIndex] ?? 30
  const expiring = useRemote(
    () => api.listExpiring({ query: { withinDays: days, limit: LIMIT } }),
    [api, days]
  )
  const rows = expiring.value?.senderIds ?? []
  const { notice } = useNotice(expiring.error)
  const listHeight = Math.max(3, height - 2 - NOTICE_HEIGHT)
  const cursor = useCursor(rows.length, listHeight - 1)
  useReloadOnShow(active, expiring.reload)
  useKeymap(
    SCREEN_SCOPES.expiring ?? [],
    {
      ...cursor.handlers,
      refresh: expiring.reload,
      widen: () => setWindowIndex((i) => Math.min(i + 1, WINDOWS.length - 1)),
      narrow: () => setWindowIndex((i) => Math.max(i - 1, 0)),
      open: () => {
        const row = rows[cursor.index]
        if (row !== undefined) open({ screen: "detail", accountId: row.accountId, senderId: row })
      }
    },
    { active }
  )
  const now = Date.now()
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>Expiring within {days} days</Text> · {positionText(cursor.index, rows.length)}
        {rows.length === LIMIT ? ` (the first ${LIMIT})` : ""}
        {expiring.loading ? " · loading…" : ""}
      </Text>
      <Text bold wrap="truncate">
        {`${cell("expires (UTC)", 18)}${cell("left", 6)}${cell("account", 20)}${cell("number", 14)}${cell("status", 10)}renews`}
      </Text>
      <VirtualList
        items={rows}
        selected={cursor.index}
        height={listHeight - 1}
        rowKey={(s) => s.handleKey}
        empty={expiring.loading || expiring.error !== undefined ? "" : `Nothing lapses within ${days} days.`}
        renderRow={(s, isSelected) => {
          const daysLeft = Math.max(0, Math.floor((Date.parse(s.expireAt ?? "") - now) / 86_400_000))
          const left = cell(`${daysLeft}d`, 6)
          return (
            <>
              {cell(shortDate(s.expireAt), 18)}
              {isSelected || daysLeft > 7 ? left : <Toned tone={daysLeft < 2 ? "bad" : "warn"}>{left}</Toned>}
              {cell(s.accountId, 20)}
              {cell(s.phoneNumber, 14)}
              {cell(s.suspension === undefined ? s.status : "SUSPENDED", 10)}
              {s.autoExtension === true ? "yes" : "no"}
            </>
          )
        }}
      />
      <Notice notice={notice} />
    </Box>
  )
}
