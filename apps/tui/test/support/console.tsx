/**
 * Drives the console the way a keyboard does, through ink-testing-library: render it against a
 * server, press keys, and wait until a frame shows what the operator should see (calls to the
 * server are real, so frames arrive when the answers do). No timers: waits end at the settled
 * frame that answers them (`frames.ts`).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { PromiseClient } from "@senderid/client"
import { render } from "ink-testing-library"
import { App } from "../../src/App.tsx"
import type { TabScreen } from "../../src/Navigation.ts"
import { afterPendingEffects, type FrameCheck, watchFrames } from "./frames.ts"

export const KEYS = {
  up: "\u001B[A",
  down: "\u001B[B",
  pageDown: "\u001B[6~",
  end: "\u001B[F",
  enter: "\r",
  escape: "\u001B",
  tab: "\t"
} as const

export const renderConsole = (
  client: PromiseClient,
  options: { initial?: TabScreen; colour?: boolean; directory?: string } = {}
) => {
  const instance = render(
    <App
      client={client}
      server="http://test"
      colour={options.colour ?? false}
      // Never the source tree: what a test saves goes to a folder of its own.
      directory={options.directory ?? mkdtempSync(join(tmpdir(), "senderid-tui-start-"))}
      {...(options.initial === undefined ? {} : { initial: options.initial })}
    />
  )
  const frames = watchFrames(instance)

  // Ink holds a lone Esc for a moment: a key close behind it would read as Alt+key. So after Esc
  // the test waits for what Esc does before the next key, as a person would.
  let escapeUnanswered = false
  const waitFor = async (check: FrameCheck, timeout?: number) => {
    const frame = await frames.waitFor(check, timeout)
    escapeUnanswered = false
    return frame
  }

  /**
   * Presses keys in order, each once React has settled what the one before did. Ink handles a key
   * as it is written, so when `press` returns its frame is drawn (an Esc's, held by Ink, excepted).
   */
  const press = async (...keys: ReadonlyArray<string>) => {
    for (const key of keys) {
      if (escapeUnanswered)
        throw new Error("a key right after Esc reads as Alt+key: wait for what Esc does first")
      await afterPendingEffects()
      instance.stdin.write(key)
      escapeUnanswered = key === KEYS.escape
    }
    await afterPendingEffects()
  }
  const type = async (text: string) => {
    for (const char of text) await press(char)
  }
  return { ...instance, frame: frames.frame, waitFor, press, type }
}
