/**
 * Waiting for what an Ink tree (rendered with ink-testing-library) shows, without timers: each
 * frame Ink writes wakes the wait, which ends at the first settled frame that passes the check —
 * one that shows nothing still loading and still passes once React has run the effects of what it
 * drew. So an intermediate frame ("0 rows · loading…", a message an effect is about to replace)
 * never satisfies a wait meant for the answer.
 */
import { stripVTControlCharacters } from "node:util"

/** What a screen shows while an answer is on its way (`· loading…`, `Loading the registry's figures…`). */
const STILL_LOADING = /loading…/iu

/**
 * One turn of the event loop, so React runs the effects of what it has just drawn: an effect may
 * draw again (a message), or subscribe to keys (a prompt that has just appeared). React's scheduler
 * queued that work before this, and runs first (Ink's own `waitUntilRenderFlush` yields the same way).
 */
export const afterPendingEffects = () => new Promise<void>((resolve) => setImmediate(resolve))

export type FrameCheck = string | RegExp | ((frame: string) => boolean)

interface Rendered {
  readonly stdout: { write: (frame: string) => void }
  readonly lastFrame: () => string | undefined
}

export const watchFrames = (instance: Rendered) => {
  const frame = () => stripVTControlCharacters(instance.lastFrame() ?? "")
  const listeners = new Set<() => void>()
  const write = instance.stdout.write
  instance.stdout.write = (written: string) => {
    write(written)
    for (const listener of listeners) listener()
  }

  /**
   * The first settled frame that passes `check`: the current one, or one Ink writes within
   * `timeout` ms (a deadline for the failure message, not a delay: the wait ends at the frame).
   */
  const waitFor = (check: FrameCheck, timeout = 10_000) => {
    const passes =
      typeof check === "string"
        ? (f: string) => f.includes(check)
        : check instanceof RegExp
          ? (f: string) => check.test(f)
          : check
    const settled = (f: string) => !STILL_LOADING.test(f) && passes(f)
    return new Promise<string>((resolve, reject) => {
      const look = () => {
        if (!settled(frame())) return
        listeners.delete(look)
        void afterPendingEffects().then(() => {
          const current = frame()
          if (settled(current)) {
            clearTimeout(deadline)
            resolve(current)
          } else {
            listeners.add(look)
            look()
          }
        })
      }
      const deadline = setTimeout(() => {
        listeners.delete(look)
        reject(new Error(`timed out waiting for ${String(check)}; the last frame:\n${frame()}`))
      }, timeout)
      listeners.add(look)
      look()
    })
  }
  return { frame, waitFor }
}
