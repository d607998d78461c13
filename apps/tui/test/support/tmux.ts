/**
 * A terminal for the end-to-end test: a tmux server of its own (`-L`), one 80×24 session running a
 * command, keys sent with `send-keys`, the screen read back with `capture-pane`. The pane stays
 * after the command exits, so its last words and exit status can be read too; the exit itself is an
 * event (the shell signals a tmux `wait-for` channel).
 */
import { execFile, execFileSync } from "node:child_process"
import { promisify } from "node:util"

/** What a screen shows while an answer is on its way: not yet the screen a wait is for. */
const STILL_LOADING = /loading…/iu

export interface Terminal {
  readonly send: (...keys: ReadonlyArray<string>) => void
  /** Sends text literally (no key names), as typing it would. */
  readonly type: (text: string) => void
  /** What the terminal shows now. */
  readonly screen: () => string
  /** The screen with the lines scrolled above it: what a command printed before it exited. */
  readonly transcript: () => string
  /**
   * Waits until the screen shows `check` with nothing still loading, and answers with it. tmux
   * tells nobody when a screen changes, so this reads it every 50 ms until then; `timeout` is only
   * how long before it gives up and fails.
   */
  readonly waitFor: (
    check: string | RegExp | ((screen: string) => boolean),
    timeout?: number
  ) => Promise<string>
  /** The command's exit status, once it has exited. */
  readonly exited: () => Promise<number>
  readonly kill: () => void
}

export const hasTmux = () => {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

export const openTerminal = (command: ReadonlyArray<string>, size = { columns: 80, rows: 24 }): Terminal => {
  const socket = `senderid-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const tmux = (...args: ReadonlyArray<string>) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" })
  const quoted = command.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(" ")
  // The pane outlives the command (remain-on-exit), so a refusal printed on exit can still be read.
  tmux(
    "start-server",
    ";",
    "set-option",
    "-g",
    "remain-on-exit",
    "on",
    ";",
    "new-session",
    "-d",
    "-s",
    "ops",
    "-x",
    String(size.columns),
    "-y",
    String(size.rows),
    // The shell reports the exit status itself (tmux's own `pane_dead_status` is not always set in
    // time), then signals the exit; a `wait-for` that starts later still sees the signal.
    `${quoted}; echo "[exited $?]"; tmux -L ${socket} wait-for -S exited`
  )
  const screen = () => tmux("capture-pane", "-p", "-J", "-t", "ops")
  const transcript = () => tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "ops")
  const exited = async () => {
    await promisify(execFile)("tmux", ["-L", socket, "wait-for", "exited"], { timeout: 30_000 })
    const reported = /\[exited (\d+)\]/u.exec(transcript())?.[1]
    if (reported === undefined) throw new Error(`the exit status is not on the screen:\n${transcript()}`)
    return Number(reported)
  }
  return {
    send: (...keys) => tmux("send-keys", "-t", "ops", ...keys),
    type: (text) => tmux("send-keys", "-t", "ops", "-l", text),
    screen,
    transcript,
    waitFor: async (check, timeout = 20_000) => {
      const passes =
        typeof check === "string"
          ? (s: string) => s.includes(check)
          : check instanceof RegExp
            ? (s: string) => check.test(s)
            : check
      const until = Date.now() + timeout
      for (;;) {
        const current = screen()
        if (!STILL_LOADING.test(current) && passes(current)) return current
        if (Date.now() > until)
          throw new Error(`timed out waiting for ${String(check)}; the screen:\n${current}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    exited,
    kill: () => {
      try {
        tmux("kill-server")
      } catch {
        // Already gone.
      }
    }
  }
}
