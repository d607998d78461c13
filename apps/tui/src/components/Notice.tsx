/**
 * The line under a screen where results and errors appear, so a failed call is read where it
 * happened and the operator never leaves the screen to see why.
 */
import { Box } from "ink"
import { useCallback, useState } from "react"
import { type Tone, Toned } from "../theme.tsx"

export interface NoticeValue {
  readonly tone: Tone
  readonly text: string
}

export const useNotice = () => {
  const [notice, setNotice] = useState<NoticeValue | undefined>(undefined)
  const say = useCallback((tone: Tone, text: string) => setNotice({ tone, text }), [])
  const clear = useCallback(() => setNotice(undefined), [])
  return { notice, say, clear }
}

export const Notice = ({ notice }: { notice: NoticeValue | undefined }) => (
  <Box height={1} flexShrink={0}>
    {notice === undefined ? null : (
      <Toned tone={notice.tone} wrap="truncate">
        {notice.tone === "bad" ? "✗ " : notice.tone === "good" ? "✓ " : ""}
        {notice.text}
      </Toned>
    )}
  </Box>
)
