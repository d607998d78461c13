/**
 * Drives the console the way a keyboard does, through ink-testing-library: render it against a
 * server, press keys, and wait until a frame shows what the operator should see (calls to the
 * server are real, so frames arrive when the answers do).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { stripVTControlCharacters } from "node:util"
import type { PromiseClient } from "@senderid/client"
import { render } from "ink-testing-library"
import { App } from "../../src/App.tsx"
import type { TabScreen } from "../../src/Navigation.ts"

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
  const frame = () => stripVTControlCharacters(instance.lastFrame() ?? "")
  /** Waits for the next tick, then for a frame that passes `check` (5 s at most). */
  const waitFor = async (check: string | RegExp | ((frame: string) => boolean), timeout = 5000) => {
    const test =
      typeof check === "string"
        ? (f: string) => f.includes(check)
        : check instanceof RegExp
          ? (f: string) => check.test(f)
          : check
    const until = Date.now() + timeout
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      const current = frame()
      if (test(current)) return current
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${String(check)}; the last frame:\n${current}`)
    }
  }
  /** Types keys one at a time, letting Ink handle each before the next. */
  const press = async (...keys: ReadonlyArray<string>) => {
    for (const key of keys) {
      instance.stdin.write(key)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  const type = async (text: string) => {
    for (const char of text) await press(char)
  }
  return { ...instance, frame, waitFor, press, type }
}
