/**
 * Counts as horizontal bars, scaled to the largest, with eighth-blocks so small differences still
 * show: how operators take in a distribution at a glance. Plain block characters only, so the bars
 * survive any SSH session and `NO_COLOR`.
 */
import { Box } from "ink"
import { type Tone, Toned } from "../theme.tsx"
import { Text } from "./Text.tsx"

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

/** A bar `width` cells wide at most; any count above zero shows at least a sliver. */
export const barText = (value: number, max: number, width: number): string => {
  if (value <= 0 || max <= 0 || width <= 0) return ""
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8))
  return "█".repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? "")
}

export interface BarRow {
  readonly label: string
  readonly value: number
  readonly tone?: Tone
}

export const Bars = ({
  rows,
  labelWidth,
  barWidth
}: {
  rows: ReadonlyArray<BarRow>
  labelWidth: number
  barWidth: number
}) => {
  const max = Math.max(0, ...rows.map((r) => r.value))
  const valueWidth = Math.max(1, ...rows.map((r) => String(r.value).length))
  return (
    <Box flexDirection="column">
      {rows.map((row) => (
        <Text key={row.label} wrap="truncate">
          {row.label.padEnd(labelWidth).slice(0, labelWidth)} {String(row.value).padStart(valueWidth)}{" "}
          <Toned tone={row.tone ?? "accent"}>{barText(row.value, max, barWidth)}</Toned>
        </Text>
      ))}
    </Box>
  )
}
