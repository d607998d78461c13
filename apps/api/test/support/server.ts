/**
 * Starts the server as `pnpm start` does (`node start.js node`: the bundle, built before the tests by
 * `bundle.ts`) — a real process on a real port, with its own data folder — and reads its stdout
 * line by line, so tests see exactly what an operator sees, and can wait for a line as the event it is.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"

const API_ROOT = join(import.meta.dirname, "..", "..")

export interface RunningServer {
  readonly origin: string
  readonly dataDirectory: string
  readonly process: ChildProcess
  /** Everything printed so far, one entry per line. */
  readonly lines: Array<string>
  /** The first line, printed already or later, that passes `test`; fails after `timeout` ms. */
  readonly waitForLine: (test: (line: string) => boolean, timeout?: number) => Promise<string>
  /** Resolves with the exit code once the process has ended and all it printed has been read. */
  readonly exited: Promise<number | null>
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

const running = new Set<ChildProcess>()
afterAll(() => {
  for (const child of running) child.kill("SIGKILL")
})

export const tempDataDirectory = () => mkdtempSync(join(tmpdir(), "senderid-api-"))

export const startServer = async (
  options: { readonly dataDirectory?: string; readonly env?: Record<string, string> } = {}
): Promise<RunningServer> => {
  const dataDirectory = options.dataDirectory ?? tempDataDirectory()
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    SENDERID_DATA_DIR: dataDirectory,
    INIT_CWD: dataDirectory,
    ...options.env
  }
  // A DATABASE_URL inherited from the shell would silently move a SQLite test onto PostgreSQL.
  if (options.env?.DATABASE_URL === undefined) delete env.DATABASE_URL
  if (options.env?.REDIS_URL === undefined) delete env.REDIS_URL
  const child = spawn(process.execPath, ["start.js", "node"], {
    cwd: API_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  running.add(child)
  const lines: Array<string> = []
  const watchers = new Set<(line: string) => void>()
  const printed = (line: string) => {
    lines.push(line)
    for (const watcher of watchers) watcher(line)
  }
  // `close`, not `exit`: it comes after both pipes are drained, so every line is in.
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      running.delete(child)
      resolve(code)
    })
  )
  const waitForLine = (test: (line: string) => boolean, timeout = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find(test)
      if (seen !== undefined) return resolve(seen)
      const watcher = (line: string) => {
        if (!test(line)) return
        watchers.delete(watcher)
        clearTimeout(deadline)
        resolve(line)
      }
      const deadline = setTimeout(() => {
        watchers.delete(watcher)
        reject(new Error(`no such line within ${timeout} ms; printed:\n${lines.join("\n")}`))
      }, timeout)
      watchers.add(watcher)
    })
  let buffered = ""
  const origin = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8")
      const complete = buffered.split("\n")
      buffered = complete.pop() ?? ""
      for (const line of complete) {
        printed(line)
        if (line.includes('"senderid listening"')) resolve((JSON.parse(line) as { origin: string }).origin)
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) printed(line)
    })
    void exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening:\n${lines.join("\n")}`))
    )
  })
  return {
    origin,
    dataDirectory,
    process: child,
    lines,
    waitForLine,
    exited,
    stop: (signal = "SIGTERM") => {
      child.kill(signal)
      return exited
    }
  }
}

/** The demo keys a first start prints in its banner. */
export const firstStartKeys = (lines: ReadonlyArray<string>) => {
  const keyLine = (label: string) => {
    const line = lines.find((l) => l.trimStart().startsWith(label)) ?? ""
    const [, apiKey = "", secret = ""] = /(NCS[0-9A-Z]{13})\s+secret\s+([0-9A-Z]{32})/u.exec(line) ?? []
    return { apiKey, secret }
  }
  return { customer: keyLine("customer key"), operator: keyLine("operator key") }
}

/** Runs a shell line (the banner's curl line) and returns its stdout. */
export const shell = (line: string) => execFileSync("bash", ["-c", line], { encoding: "utf8" })
