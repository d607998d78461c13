/**
 * `pnpm bench` (HTTP): the message sender's hot routes — the authenticated active list, send
 * eligibility (one number and a batch), the book and registration — each beside a bare Hono route, the same route with the caller fixed (no HMAC), and
 * the raw-engine reference (`rawReference.ts`), all served by one server process and measured in one
 * run, in rounds, so the ratios compare like with like on a noisy machine. For each: req/s, p50, p99
 * and the server's CPU time per request, read from the server process itself (it barely moves when
 * the machine is busy; req/s does). Figures are medians over the rounds. Then a soak of mixed
 * requests reports the server's RSS along the way.
 *
 * Every authenticated request carries its own signature (new date and salt, never reused), signed
 * before each timed run: signing inside the run costs the load generator ~25 µs a request on the
 * core it shares with the server.
 *
 *   SENDERID_BENCH_SECONDS=10 SENDERID_BENCH_ROUNDS=5 pnpm bench    longer runs, steadier figures
 *   SENDERID_BENCH_SOAK=0 pnpm bench                                 no soak
 */
import { spawn } from "node:child_process"
import { createHmac, randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import autocannon from "autocannon"
import pg from "pg"

const seconds = Number(process.env.SENDERID_BENCH_SECONDS ?? "4")
const rounds = Number(process.env.SENDERID_BENCH_ROUNDS ?? "3")
const connections = Number(process.env.SENDERID_BENCH_CONNECTIONS ?? "16")
const soakRequests = Number(process.env.SENDERID_BENCH_SOAK ?? "1000000")
/** A comma-separated subset of the scenarios below, to look at a few routes quickly. */
const only = process.env.SENDERID_BENCH_ONLY?.split(",")
const accounts = 1000

interface Key {
  readonly accountId: string
  readonly apiKey: string
  readonly secret: string
}

/** One bench server process (`server.ts`) with `env`, seeded with `count` accounts, until `stop`. */
const startServer = async (count: number, env: Record<string, string> = {}) => {
  const dataDirectory = mkdtempSync(join(tmpdir(), "senderid-bench-"))
  const child = spawn(process.execPath, [join(import.meta.dirname, "server.ts")], {
    env: { ...process.env, ...env, BENCH_DATA_DIR: dataDirectory, BENCH_ACCOUNTS: String(count) },
    stdio: ["pipe", "pipe", "inherit"]
  })
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    let buffered = ""
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8")
      const complete = buffered.split("\n").slice(0, -1)
      const line = complete.find((l) => l.startsWith('{"ready"'))
      if (line !== undefined) resolve(JSON.parse(line) as { port: number })
    })
    child.on("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  return {
    origin: `http://127.0.0.1:${port}`,
    keys: JSON.parse(readFileSync(join(dataDirectory, "keys.json"), "utf8")) as ReadonlyArray<Key>,
    stop: async () => {
      child.stdin.end()
      child.kill("SIGTERM")
      await exited
      rmSync(dataDirectory, { recursive: true, force: true })
    }
  }
}

let { origin, keys, stop } = await startServer(accounts)
let nextKey = 0
let nextNumber = 0

/** SOLAPI's header, signed now with a fresh salt for the next account in turn. */
const authorization = () => {
  const key = keys[nextKey++ % keys.length] as Key
  const date = new Date().toISOString()
  const salt = randomBytes(16).toString("hex")
  const signature = createHmac("sha256", key.secret)
    .update(date + salt)
    .digest("hex")
  return `HMAC-SHA256 apiKey=${key.apiKey}, date=${date}, salt=${salt}, signature=${signature}`
}

/** Headers signed ahead for one run: enough for the fastest route at this machine's pace. */
let presigned: Array<string> = []
const nextAuthorization = () => presigned.pop() ?? authorization()

// A number no earlier request registered (mobile numbers 0102xxxxxxx, valid and distinct).
const newNumber = () => JSON.stringify({ phoneNumber: `0102${String(nextNumber++).padStart(7, "0")}` })

interface Scenario {
  readonly name: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly signed: boolean
  readonly body?: () => string
}

interface Measured {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  /** The server's CPU time (user + system) per request, in µs. */
  readonly cpu: number
  readonly failed: number
}

const serverCpu = async () =>
  (await (await fetch(`${origin}/__bench/cpu`)).json()) as {
    cpuMicros: number
    rss: number
    heapUsed: number
  }

const load = (scenario: Scenario, duration: number, amount?: number) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: origin,
        connections,
        ...(amount === undefined ? { duration } : { amount }),
        requests: [
          {
            method: scenario.method,
            path: scenario.path,
            setupRequest: (request) => ({
              ...request,
              headers: {
                ...request.headers,
                "content-type": "application/json",
                ...(scenario.signed ? { authorization: nextAuthorization() } : {})
              },
              ...(scenario.body === undefined ? {} : { body: scenario.body() })
            })
          }
        ]
      },
      (error, result) => (error ? reject(error) : resolve(result))
    )
  })

const measure = async (scenario: Scenario): Promise<Measured> => {
  // One second of warm-up per route (JIT, page cache, books read into memory), not counted.
  presigned = scenario.signed ? Array.from({ length: 20_000 }, authorization) : []
  await load(scenario, 1)
  // Dated now, so they stay well inside the 15-minute window while the run uses them.
  presigned = scenario.signed ? Array.from({ length: seconds * 40_000 }, authorization) : []
  const before = await serverCpu()
  const result = await load(scenario, seconds)
  const after = await serverCpu()
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.requests.total),
    failed: result.non2xx + result.errors
  }
}

const register = () => newNumber()
/** A batch for the eligibility route: the seeded numbers of the first accounts, ACTIVE and PENDING. */
const BATCH = 100
const batch = JSON.stringify({
  phoneNumbers: Array.from({ length: BATCH }, (_, i) => `070${String(20_000_000 + i).padStart(8, "0")}`)
})
const scenarios = {
  bareGet: {
    name: "bare Hono GET (JSON array)",
    method: "GET",
    path: "/bare/senderid/v1/numbers/active",
    signed: false
  },
  barePost: {
    name: "bare Hono POST (echo JSON)",
    method: "POST",
    path: "/bare/senderid/v1/numbers",
    signed: false,
    body: register
  },
  activeRaw: {
    name: "raw: GET /numbers/active",
    method: "GET",
    path: "/raw/senderid/v1/numbers/active",
    signed: true
  },
  activeFixed: {
    name: "GET /numbers/active, caller fixed",
    method: "GET",
    path: "/open/senderid/v1/numbers/active",
    signed: true
  },
  active: {
    name: "GET /numbers/active, HMAC",
    method: "GET",
    path: "/senderid/v1/numbers/active",
    signed: true
  },
  eligibilityRaw: {
    name: "raw: GET /eligibility/:number",
    method: "GET",
    path: "/raw/senderid/v1/eligibility/07020000000",
    signed: true
  },
  eligibility: {
    name: "GET /eligibility/:number, HMAC",
    method: "GET",
    path: "/senderid/v1/eligibility/07020000000",
    signed: true
  },
  eligibilityBatchRaw: {
    name: `raw: POST /eligibility (${BATCH} numbers)`,
    method: "POST",
    path: "/raw/senderid/v1/eligibility",
    signed: true,
    body: () => batch
  },
  eligibilityBatch: {
    name: `POST /eligibility (${BATCH}), HMAC`,
    method: "POST",
    path: "/senderid/v1/eligibility",
    signed: true,
    body: () => batch
  },
  bookRaw: {
    name: "raw: GET /numbers (book)",
    method: "GET",
    path: "/raw/senderid/v1/numbers",
    signed: true
  },
  book: { name: "GET /numbers (book), HMAC", method: "GET", path: "/senderid/v1/numbers", signed: true },
  createRaw: {
    name: "raw: POST /numbers",
    method: "POST",
    path: "/raw/senderid/v1/numbers",
    signed: true,
    body: register
  },
  createFixed: {
    name: "POST /numbers, caller fixed",
    method: "POST",
    path: "/open/senderid/v1/numbers",
    signed: true,
    body: register
  },
  create: {
    name: "POST /numbers, HMAC",
    method: "POST",
    path: "/senderid/v1/numbers",
    signed: true,
    body: register
  }
} satisfies Record<string, Scenario>
type ScenarioName = keyof typeof scenarios
const chosen = (Object.keys(scenarios) as Array<ScenarioName>).filter((name) => only?.includes(name) ?? true)

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

const samples = new Map<ScenarioName, Array<Measured>>()
const figures = (name: ScenarioName): Measured => {
  const all = samples.get(name) ?? []
  return {
    rps: median(all.map((m) => m.rps)),
    p50: median(all.map((m) => m.p50)),
    p99: median(all.map((m) => m.p99)),
    cpu: median(all.map((m) => m.cpu)),
    failed: all.reduce((sum, m) => sum + m.failed, 0)
  }
}

/** Every round of the given routes against the current server, then their medians as a table. */
const runRounds = async (names: ReadonlyArray<ScenarioName>) => {
  samples.clear()
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const measured = await measure(scenarios[name])
      samples.set(name, [...(samples.get(name) ?? []), measured])
      if (measured.failed > 0) failures = true
    }
  }
  process.stdout.write(
    `${"route".padEnd(38)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"CPU µs/req".padStart(11)} ${"failed".padStart(7)}\n`
  )
  for (const name of names) {
    const m = figures(name)
    process.stdout.write(
      `${scenarios[name].name.padEnd(38)} ${m.rps.toFixed(0).padStart(8)} ${m.p50.toFixed(1).padStart(7)} ${m.p99.toFixed(1).padStart(7)} ${m.cpu.toFixed(0).padStart(11)} ${String(m.failed).padStart(7)}\n`
    )
  }
}

type Target = readonly [string, number, "≥" | "≤", number]
const report = (targets: ReadonlyArray<Target>) => {
  process.stdout.write("\n")
  for (const [label, value, direction, target] of targets) {
    if (Number.isNaN(value)) continue
    const met = direction === "≥" ? value >= target : value <= target
    process.stdout.write(
      `${label.padEnd(44)} ${value.toFixed(2).padStart(6)}  (target ${direction} ${target})  ${met ? "meets target" : "BELOW TARGET"}\n`
    )
  }
}
let failures = false

process.stdout.write(
  `senderid HTTP bench: ${rounds} rounds of ${seconds} s per route, ${connections} connections, ${accounts} accounts (each with 1 ACTIVE + 1 PENDING number), SQLite WAL synchronous NORMAL\n\n`
)
await runRounds(chosen)

const rpsRatio = (a: ScenarioName, b: ScenarioName) => figures(a).rps / figures(b).rps
const cpuRatio = (a: ScenarioName, b: ScenarioName) => figures(a).cpu / figures(b).cpu
report([
  ["active list req/s ÷ bare GET", rpsRatio("active", "bareGet"), "≥", 0.5],
  ["active list CPU ÷ raw reference", cpuRatio("active", "activeRaw"), "≤", 1.2],
  ["eligibility req/s ÷ bare GET", rpsRatio("eligibility", "bareGet"), "≥", 0.5],
  ["eligibility CPU ÷ raw reference", cpuRatio("eligibility", "eligibilityRaw"), "≤", 1.2],
  ["eligibility batch CPU ÷ raw reference", cpuRatio("eligibilityBatch", "eligibilityBatchRaw"), "≤", 1.2],
  ["book CPU ÷ raw reference", cpuRatio("book", "bookRaw"), "≤", 1.2],
  ["create req/s ÷ bare POST", rpsRatio("create", "barePost"), "≥", 0.12],
  ["create CPU ÷ raw group-commit reference", cpuRatio("create", "createRaw"), "≤", 1.2],
  ["HMAC cost on the active list (CPU)", cpuRatio("active", "activeFixed") - 1, "≤", 0.2],
  ["HMAC cost on create (CPU)", cpuRatio("create", "createFixed") - 1, "≤", 0.2]
])

// The soak: mixed requests (mostly the message sender's reads, some registrations of 5 numbers that
// every account soon holds, so they answer AlreadyRegistered from then on: the data stops growing and
// what the RSS shows is the server's own), the server's RSS read at every tenth of the way.
if (soakRequests > 0) {
  const mixed: ReadonlyArray<Scenario> = [
    scenarios.active,
    scenarios.active,
    scenarios.active,
    scenarios.book,
    {
      ...scenarios.create,
      body: () => JSON.stringify({ phoneNumber: `0103${String(nextNumber++ % 5).padStart(7, "0")}` })
    }
  ]
  const step = Math.max(1, Math.floor(soakRequests / 10))
  const rss: Array<readonly [number, number, number]> = []
  let sent = 0
  presigned = []
  while (sent < soakRequests) {
    const chunk = Math.min(step, soakRequests - sent)
    const perScenario = Math.ceil(chunk / mixed.length)
    for (const scenario of mixed) await load(scenario, 0, perScenario)
    sent += perScenario * mixed.length
    const memory = await serverCpu()
    rss.push([sent, memory.rss, memory.heapUsed])
  }
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
  process.stdout.write(
    `\nsoak: ${sent} mixed requests, server RSS (and V8 heap used), MiB, after each tenth:\n`
  )
  process.stdout.write(`${rss.map(([n, bytes, heap]) => `${n}: ${mib(bytes)} (${mib(heap)})`).join("  ")}\n`)
  const at = (n: number) => rss.find(([count]) => count >= n)?.[1] ?? 0
  const last = rss.at(-1)?.[1] ?? 0
  const growth = last / at(Math.min(100_000, sent)) - 1
  process.stdout.write(
    `RSS growth from ${Math.min(100_000, sent)} to ${sent} requests: ${(growth * 100).toFixed(1)}%  (target < 10%)  ${growth < 0.1 ? "meets target" : "BELOW TARGET"}\n`
  )
}

await stop()

// PostgreSQL: the same routes on a fresh database, beside the raw `pg` reference (a registration in
// 2 round trips). Skipped, saying so, where no PostgreSQL answers.
const postgresAdmin = process.env.SENDERID_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test"
if (process.env.SENDERID_BENCH_POSTGRES !== "off") {
  const admin = new pg.Client({ connectionString: postgresAdmin })
  const reachable = await admin.connect().then(
    () => true,
    () => false
  )
  if (!reachable) {
    process.stdout.write(`\nPostgreSQL at ${postgresAdmin} does not answer: its routes were not measured\n`)
  } else {
    const database = `senderid_bench_${Date.now().toString(36)}`
    await admin.query(`CREATE DATABASE ${database}`)
    const url = new URL(postgresAdmin)
    url.pathname = `/${database}`
    const postgresAccounts = 200
    ;({ origin, keys, stop } = await startServer(postgresAccounts, { BENCH_DATABASE_URL: url.toString() }))
    process.stdout.write(
      `\nthe same on PostgreSQL (${postgresAccounts} accounts), beside raw pg: a registration in 2 round trips\n\n`
    )
    const onPostgres = (
      ["bareGet", "barePost", "activeRaw", "active", "bookRaw", "book", "createRaw", "create"] as const
    ).filter((name) => only?.includes(name) ?? true)
    await runRounds(onPostgres)
    report([
      ["PostgreSQL active list CPU ÷ raw pg", cpuRatio("active", "activeRaw"), "≤", 1.2],
      ["PostgreSQL create req/s ÷ raw pg (2 round trips)", rpsRatio("create", "createRaw"), "≥", 0.8],
      ["PostgreSQL create CPU ÷ raw pg", cpuRatio("create", "createRaw"), "≤", 1.2]
    ])
    await stop()
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }
  await admin.end()
}

if (failures) {
  process.stdout.write("\nsome requests failed: the figures above are not comparable\n")
  process.exitCode = 1
}
