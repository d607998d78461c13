/**
 * An 80×24 terminal in memory for the benchmark: Ink renders into it exactly as into a real one
 * (interactive, throttled, diffed), keys are written to its stdin, and every frame written is
 * timestamped, so the time from a key to the frame it causes can be read off.
 */
import { EventEmitter } from "node:events"
import { performance } from "node:perf_hooks"
import { Writable } from "node:stream"
import { stripVTControlCharacters } from "node:util"

export class FakeStdout extends Writable {
  readonly isTTY = true
  readonly columns = 80
  readonly rows = 24
  /** When each write arrived (performance.now()). */
  readonly writes: Array<number> = []
  /** Everything written, escape sequences removed. */
  text = ""
  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
    this.writes.push(performance.now())
    this.text += stripVTControlCharacters(String(chunk))
    done()
  }
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true
  private pending: string | null = null
  press(data: string) {
    this.pending = data
    this.emit("readable")
    this.emit("data", data)
  }
  read() {
    const data = this.pending
    this.pending = null
    return data
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** Presses `key` and answers how long until the terminal received the next frame (ms). */
export const keyToFrame = async (stdin: FakeStdin, stdout: FakeStdout, key: string, timeout = 2000) => {
  const before = stdout.writes.length
  const start = performance.now()
  stdin.press(key)
  while (stdout.writes.length === before) {
    if (performance.now() - start > timeout)
      throw new Error(`no frame within ${timeout} ms of ${JSON.stringify(key)}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return (stdout.writes[before] ?? start) - start
}

/** Waits until a frame written from now on contains `text`; answers when it was (performance.now()). */
export const frameShowing = async (stdout: FakeStdout, text: string, timeout = 30_000) => {
  const start = performance.now()
  const from = stdout.text.length
  while (!stdout.text.slice(from).includes(text)) {
    if (performance.now() - start > timeout) throw new Error(`no frame showed ${JSON.stringify(text)}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return stdout.writes[stdout.writes.length - 1] ?? performance.now()
}
