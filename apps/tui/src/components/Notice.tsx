/**
 * The lines under a screen where results and errors appear, so a failed call is read where it
 * happened and the operator never leaves the screen to see why. The latest message wins: a load
 * that fails, then an action that succeeds, shows the success; a load that fails again shows again.
 */
import { Box } from "ink"
import { useCallback, useEffect, useRef, useState } from "react"
import type { LoadError } from "../Remote.ts"
import { type Tone, Toned } from "../theme.tsx"

/** Two lines: long server messages (a number rule, a limit) are read whole at 80 columns. */
export const NOTICE_HEIGHT = 2

export interface NoticeValue {
  readonly tone: Tone
  readonly text: string
}

/** The screen's message line, fed by its actions (`say`) and by its loads' failures. */
export const useNotice = (loadError?: LoadError) => {
  const [notice, setNotice] = useState<NoticeValue | undefined>(undefined)
  const shown = useRef<LoadError | undefined>(undefined)
  useEffect(() => {
    if (loadError !== undefined) {
      shown.current = loadError
      setNotice({ tone: "bad", text: loadError.text })
    } else if (shown.current !== undefined) {
      // The load recovered: its error goes, unless something newer replaced it already.
      const recovered = shown.current.text
      shown.current = undefined
      setNotice((current) => (current?.tone === "bad" && current.text === recovered ? undefined : current))
    }
  }, [loadError])
  const say = useCallback((tone: Tone, text: string) => setNotice({ tone, text }), [])
  const clear = useCallback(() => setNotice(undefined), [])
  return { notice, say, clear }
}

export const Notice = ({ notice }: { notice: NoticeValue | undefined }) => (
  <Box height={NOTICE_HEIGHT} flexShrink={0} overflow="hidden">
    {notice === undefined ? null : (
      <Toned tone={notice.tone} wrap="wrap">
        {notice.tone === "bad" ? "✗ " : notice.tone === "good" ? "✓ " : ""}
        {notice.text}
      </Toned>
    )}
  </Box>
)
