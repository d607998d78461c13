/**
 * The registry at a glance: sender IDs by status and pending reviews by kind as bars, and how many
 * verifications lapse in each of the coming weeks as a chart, so a busy week shows before it comes.
 */
import { Box } from "ink"
import { useApi } from "../Api.tsx"
import { Bars } from "../components/Bars.tsx"
import { Notice, useNotice } from "../components/Notice.tsx"
import { Text } from "../components/Text.tsx"
import { useKeymap } from "../Keyboard.tsx"
import type { ScreenProps } from "../Navigation.ts"
import { useReloadOnShow, useRemote } from "../Remote.ts"
import { statusTone, Toned } from "../theme.tsx"

const STATUSES = ["PENDING", "ACTIVE", "INACTIVE", "DUPLICATED", "EXPIRED", "REJECTED"] as const
const KINDS = [
  { kind: "EVIDENCE", label: "evidence" },
  { kind: "DUPLICATE_UNLOCK", label: "dup. unlock" },
  { kind: "LIMITATION", label: "limit raise" }
] as const
const WEEKS = 8

export const Dashboard = ({ active, width, height }: ScreenProps) => {
  const api = useApi()
  const stats = useRemote(() => api.getStats({ query: { weeks: WEEKS } }), [api])
  useReloadOnShow(active, stats.reload)
  const { notice } = useNotice(stats.error)
  useKeymap(["dashboard"], { refresh: stats.reload }, { active })
  const value = stats.value
  const half = Math.floor((width - 2) / 2)
  const held = value === undefined ? 0 : STATUSES.reduce((sum, s) => sum + value.senderIds[s], 0)
  const waiting = value === undefined ? 0 : KINDS.reduce((sum, k) => sum + value.reviews[k.kind], 0)
  return (
    <Box flexDirection="column" width={width} height={height}>
      {value === undefined ? (
        <Text>{stats.loading ? "Loading the registry's figures…" : ""}</Text>
      ) : (
        <>
          <Text>
            <Text bold>{value.accounts}</Text> {value.accounts === 1 ? "account" : "accounts"}
            {value.suspendedAccounts > 0 ? (
              <Toned tone="bad"> ({value.suspendedAccounts} suspended)</Toned>
            ) : null}
            {" · "}
            <Text bold>{held}</Text> {held === 1 ? "sender ID" : "sender IDs"}
            {" · "}
            <Text bold>{waiting}</Text> {waiting === 1 ? "review" : "reviews"} waiting
          </Text>
          <Box marginTop={1}>
            <Box flexDirection="column" width={half}>
              <Text bold>Sender IDs by status</Text>
              <Bars
                labelWidth={10}
                barWidth={Math.max(4, half - 18)}
                rows={STATUSES.map((s) => ({ label: s, value: value.senderIds[s], tone: statusTone(s) }))}
              />
            </Box>
            <Box flexDirection="column" width={half} marginLeft={2}>
              <Text bold>Reviews waiting, by kind</Text>
              <Bars
                labelWidth={11}
                barWidth={Math.max(4, half - 19)}
                rows={KINDS.map((k) => ({ label: k.label, value: value.reviews[k.kind], tone: "warn" }))}
              />
            </Box>
          </Box>
          <Box marginTop={1} flexDirection="column">
            <Text bold>Verifications lapsing, week by week ahead</Text>
            <Bars
              labelWidth={13}
              barWidth={Math.max(4, width - 22)}
              rows={value.expiries.map((week, i) => ({
                label: `${i === 0 ? "this wk" : `+${i} wk`} ${week.from.slice(5, 10)}`,
                value: week.count,
                tone: i === 0 ? "bad" : i === 1 ? "warn" : "accent"
              }))}
            />
          </Box>
        </>
      )}
      <Notice notice={notice} />
    </Box>
  )
}
