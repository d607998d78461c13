/**
 * Start-up time to the first frame, in a real terminal (a pty from `script`), side by side in one
 * run: bare Node printing one word; the smallest Ink program; `senderid-ops` (the built bin) to its
 * first frame and to a dashboard filled from the real API (`apps/api`, SQLite). Each is started
 * `RUNS` times; the medians and the ratios to the baselines are printed.
 */
import { spawn } from "node:child_process"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { stripVTControlCharacters } from "node:util"
import { startApiServer } from "../test/support/apiServer.ts"

const RUNS = 10
const HERE = import.meta.dirname
const NODE = process.execPath

const quote = (part: string) => `'${part.replaceAll("'", `'\\''`)}'`

/** Starts `command` in a pty and answers the ms until its output shows each marker, in order. */
const timeToOutput = (command: ReadonlyArray<string>, markers: ReadonlyArray<string>) =>
  new Promise<Array<number>>((resolve, reject) => {
    const start = performance.now()
    const child = spawn("script", ["-qfec", command.map(quote).join(" "), "/dev/null"], {
      stdio: ["pipe", "pipe", "inherit"],
      detached: true,
      env: { ...process.env, TERM: "xterm-256color", COLUMNS: "80", LINES: "24" }
    })
    let text = ""
    const seen: Array<number> = []
    const timer = setTimeout(() => finish(new Error(`timed out; output so far: ${text.slice(-400)}`)), 20_000)
    const finish = (error?: Error) => {
      clearTimeout(timer)
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL")
      } catch {
        // Already gone.
      }
      if (error === undefined) resolve(seen)
      else reject(error)
    }
    child.stdout.on("data", (chunk: Buffer) => {
      text += stripVTControlCharacters(chunk.toString("utf8"))
      while (seen.length < markers.length && text.includes(markers[seen.length] ?? ""))
        seen.push(performance.now() - start)
      if (seen.length === markers.length) finish()
    })
  })

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const main = async () => {
  const api = await startApiServer()
  try {
    const ops = [
      NODE,
      // The bench's own build (package.json `bench`), so a test run rebuilding dist/ cannot pull it away.
      join(HERE, "..", "dist-bench", "bin.js"),
      "--url",
      api.origin,
      "--key",
      api.operator.apiKey,
      "--secret",
      api.operator.apiSecret
    ]
    const bare: Array<number> = []
    const hello: Array<number> = []
    const first: Array<number> = []
    const filled: Array<number> = []
    // Interleaved, so a noisy moment on a shared machine hits every contender alike.
    for (let run = 0; run < RUNS; run++) {
      bare.push(...(await timeToOutput([NODE, "-e", "process.stdout.write('ready')"], ["ready"])))
      hello.push(...(await timeToOutput([NODE, join(HERE, "inkHello.ts")], ["ready"])))
      const [toFirst, toFilled] = await timeToOutput(ops, ["senderid-ops ·", "reviews waiting"])
      first.push(toFirst ?? Number.NaN)
      filled.push(toFilled ?? Number.NaN)
    }
    const rows = [
      { program: "node -e (bare Node)", "median ms": median(bare) },
      { program: "smallest Ink program", "median ms": median(hello) },
      { program: "senderid-ops: first frame", "median ms": median(first) },
      { program: "senderid-ops: dashboard filled from the API", "median ms": median(filled) }
    ].map((row) => ({
      ...row,
      "median ms": row["median ms"].toFixed(0),
      "× bare Node": (row["median ms"] / median(bare)).toFixed(2),
      "× smallest Ink": (row["median ms"] / median(hello)).toFixed(2)
    }))
    console.log(`start-up to first frame, in a pty, median of ${RUNS} starts each`)
    console.table(rows)
  } finally {
    await api.stop()
  }
}

await main()
