/**
 * Start-up benchmark: the ms from spawning the server to the first 200 from `/health`, the CPU it
 * used until then (user + system; steadier than wall time on a busy machine), and its resident
 * memory (VmRSS) after 2 s idle — for bare Node as the floor, the sources under type stripping
 * (`node src/node.ts`, what `pnpm start` ran before the bundle), `node start.js node` (what
 * `pnpm start` runs: the freshness check, then the bundle) and `pnpm start` itself (pnpm's own
 * start included). Each is started `RUNS` times, interleaved, on a fresh data folder (a first start:
 * migrations, demo keys) and again on that folder (a restart); medians are printed.
 *
 *   pnpm --filter @senderid/api bench:startup       (BENCH_RUNS=… for more or fewer starts)
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { request } from "node:http"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { setTimeout as sleep } from "node:timers/promises"

const RUNS = Number(process.env.BENCH_RUNS ?? "5")
const IDLE_MS = 2000
const API_ROOT = join(import.meta.dirname, "..")
const WORKSPACE = join(API_ROOT, "..", "..")
// Clock ticks per second, for /proc/<pid>/stat's CPU times.
const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || "100")

interface Contender {
  readonly name: string
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly cwd: string
  /** Whether the spawned process is the server itself (pnpm is not), so its CPU and memory are its own. */
  readonly server: boolean
}

const node = (name: string, args: ReadonlyArray<string>): Contender => ({
  name,
  command: process.execPath,
  args,
  cwd: API_ROOT,
  server: true
})
const contenders: ReadonlyArray<Contender> = [
  node("bare Node answering /health", [
    "-e",
    "require('node:http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, '127.0.0.1')"
  ]),
  node("node src/node.ts (type stripping)", ["src/node.ts"]),
  node("node start.js node (the bundle)", ["start.js", "node"]),
  // Only where pnpm is on PATH (it is under `pnpm bench`).
  ...(spawnSync("pnpm", ["--version"]).status === 0
    ? [{ name: "pnpm start", command: "pnpm", args: ["--silent", "start"], cwd: WORKSPACE, server: false }]
    : [])
]

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** The status of one GET /health, or undefined while nothing listens yet. */
const health = (port: number) =>
  new Promise<number | undefined>((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", agent: false }, (res) => {
      res.resume()
      res.on("end", () => resolve(res.statusCode))
    })
    req.once("error", () => resolve(undefined))
    req.end()
  })

const vmRss = (pid: number) => {
  const line = /^VmRSS:\s+(\d+) kB/mu.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return Number(line?.[1] ?? Number.NaN) / 1024
}

/** User + system CPU ms the process has used so far. */
const cpuMs = (pid: number) => {
  // The fields after the command name (which may hold spaces) start at its closing parenthesis.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
  return ((Number(fields[11]) + Number(fields[12])) / TICKS) * 1000
}

/** Starts one server: ms to the first 200, CPU ms by then, and MiB resident after idling when asked. */
const startOnce = async (contender: Contender, dataDirectory: string, measureRss: boolean) => {
  const port = await freePort()
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    SENDERID_DATA_DIR: dataDirectory,
    SENDERID_REQUEST_LOG: "off"
  }
  delete env.DATABASE_URL
  delete env.REDIS_URL
  const start = performance.now()
  // Its own process group, so pnpm's children go with it.
  const child: ChildProcess = spawn(contender.command, contender.args, {
    cwd: contender.cwd,
    env,
    stdio: "ignore",
    detached: true
  })
  const pid = child.pid ?? 0
  let exited = false
  child.once("exit", () => {
    exited = true
  })
  try {
    let status: number | undefined
    while (status !== 200) {
      if (exited) throw new Error(`${contender.name} exited before /health answered`)
      if (performance.now() - start > 30_000) throw new Error(`${contender.name}: no 200 within 30 s`)
      status = await health(port)
      // A refused connection comes back at once: pause a millisecond, not more, between attempts.
      if (status !== 200) await sleep(1)
    }
    const ms = performance.now() - start
    const cpu = contender.server ? cpuMs(pid) : Number.NaN
    if (!measureRss || !contender.server) return { ms, cpu, rss: Number.NaN }
    await sleep(IDLE_MS)
    return { ms, cpu, rss: vmRss(pid) }
  } finally {
    process.kill(-pid, "SIGKILL")
    if (!exited) await new Promise((resolve) => child.once("exit", resolve))
  }
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const format = (value: number, digits: number) => (Number.isNaN(value) ? "—" : value.toFixed(digits))

// A warm-up start of each (a cold page cache; the bundle built if stale, its compile cache filled).
for (const contender of contenders) {
  const folder = mkdtempSync(join(tmpdir(), "senderid-startup-"))
  await startOnce(contender, folder, false)
  rmSync(folder, { recursive: true, force: true })
}

const results = contenders.map(() => ({
  first: [] as Array<number>,
  restart: [] as Array<number>,
  cpu: [] as Array<number>,
  rss: [] as Array<number>
}))
// Interleaved, so a noisy moment on a shared machine hits every contender alike.
for (let run = 0; run < RUNS; run++) {
  for (const [i, contender] of contenders.entries()) {
    const result = results[i]
    if (result === undefined) continue
    const folder = mkdtempSync(join(tmpdir(), "senderid-startup-"))
    result.first.push((await startOnce(contender, folder, false)).ms)
    const restart = await startOnce(contender, folder, true)
    result.restart.push(restart.ms)
    result.cpu.push(restart.cpu)
    result.rss.push(restart.rss)
    rmSync(folder, { recursive: true, force: true })
  }
}

console.log(`start-up of the API (SQLite), median of ${RUNS} starts each; RSS after ${IDLE_MS} ms idle`)
console.table(
  contenders.map(({ name }, i) => ({
    program: name,
    "first start → 200 (ms)": format(median(results[i]?.first ?? []), 0),
    "restart → 200 (ms)": format(median(results[i]?.restart ?? []), 0),
    "restart: CPU (ms)": format(median(results[i]?.cpu ?? []), 0),
    "idle RSS (MiB)": format(median(results[i]?.rss ?? []), 1)
  }))
)
