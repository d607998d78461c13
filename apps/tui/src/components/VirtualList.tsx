/**
 * A list that renders only the rows that fit: 10,000 numbers cost the same frame as 20. The
 * cursor is a separate hook so a screen can move it from its keymap and read the selected item.
 */
import { Box } from "ink"
import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react"
import type { Handlers } from "../Keyboard.tsx"
import { Toned } from "../theme.tsx"
import { Text } from "./Text.tsx"

export interface Cursor {
  readonly index: number
  readonly set: (index: number) => void
  /** The list actions of the keymap, moving within `count` rows. */
  readonly handlers: Handlers
}

export const useCursor = (count: number, pageSize: number): Cursor => {
  const [index, setIndex] = useState(0)
  const clamp = useCallback((i: number) => Math.max(0, Math.min(i, count - 1)), [count])
  // A shorter list (a filter, a removed row) never leaves the cursor past its end.
  useEffect(() => {
    if (index > count - 1) setIndex(Math.max(0, count - 1))
  }, [count, index])
  const page = Math.max(1, pageSize - 1)
  const handlers = useMemo<Handlers>(
    () => ({
      up: () => setIndex((i) => clamp(i - 1)),
      down: () => setIndex((i) => clamp(i + 1)),
      pageUp: () => setIndex((i) => clamp(i - page)),
      pageDown: () => setIndex((i) => clamp(i + page)),
      first: () => setIndex(0),
      last: () => setIndex(clamp(count - 1))
    }),
    [clamp, count, page]
  )
  return { index: Math.min(index, Math.max(0, count - 1)), set: (i) => setIndex(clamp(i)), handlers }
}

/** The first visible row: the cursor sits mid-window where it can, the window never runs past the end. */
export const windowStart = (selected: number, count: number, height: number): number =>
  Math.max(0, Math.min(selected - Math.floor(height / 2), count - height))

export interface VirtualListProps<A> {
  readonly items: ReadonlyArray<A>
  readonly selected: number
  readonly height: number
  readonly rowKey: (item: A, index: number) => string
  readonly renderRow: (item: A, selected: boolean) => ReactNode
  readonly empty: string
  /** Whether the selection is shown (only the list that has the keyboard shows it). */
  readonly focused?: boolean
}

export const VirtualList = <A,>({
  items,
  selected,
  height,
  rowKey,
  renderRow,
  empty,
  focused = true
}: VirtualListProps<A>) => {
  if (items.length === 0)
    return (
      <Box height={height}>
        <Toned tone="muted">{empty}</Toned>
      </Box>
    )
  const start = windowStart(selected, items.length, height)
  const visible = items.slice(start, start + height)
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {visible.map((item, offset) => {
        const isSelected = focused && start + offset === selected
        return (
          <Box key={rowKey(item, start + offset)} flexShrink={0}>
            <Text inverse={isSelected} wrap="truncate">
              {renderRow(item, isSelected)}
            </Text>
          </Box>
        )
      })}
    </Box>
  )
}

/** "12–31 of 10000" for a list's header. */
export const positionText = (selected: number, count: number) =>
  count === 0 ? "0 rows" : `${selected + 1} of ${count}`
