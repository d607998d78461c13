/**
 * `pnpm bench` (HTTP): requests per second, p50 and p99 of the authenticated SOLAPI routes next to
 * a bare Hono JSON route and next to the same routes with the caller fixed (no HMAC), all served by
 * one server process and measured in one run, so the ratios compare like with like on a noisy machine.
 * Every authenticated request carries its own signature (new date and salt, never reused). They are
 * signed before each timed run: signing inside the run costs the load generator ~25 µs a request
 * on the core it shares with nothing else, which capped the signed routes at ~21k req/s whatever
 * the server did.
 *
 *   SENDERID_BENCH_SECONDS=10 pnpm bench      longer runs, steadier figures
 */
import { spawn } from "node:child_process"
import { createHmac, randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import autocannon from "autocannon"

const seconds = Number(process.env.SENDERID_BENCH_SECONDS ?? "5")
const connections = Number(process.env.SENDERID_BENCH_CONNECTIONS ?? "16")
const accounts = 1000

interface Key {
  readonly accountId: string
  readonly apiKey: string
  readonly secret: string
}

const dataDirectory = mkdtempSync(join(tmpdir(), "senderid-bench-"))
const server = spawn(process.execPath, [join(import.meta.dirname, "server.ts")], {
  env: { ...process.env, BENCH_DATA_DIR: dataDirectory, BENCH_ACCOUNTS: String(accounts) },
  stdio: ["pipe", "pipe", "inherit"]
})
const { port } = await new Promise<{ port: number }>((resolve, reject) => {
  let buffered = ""
  server.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8")
    const complete = buffered.split("\n").slice(0, -1)
    const line = complete.find((l) => l.startsWith('{"ready"'))
    if (line !== undefined) resolve(JSON.parse(line) as { port: number })
  })
  server.on("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
})
const keys = JSON.parse(readFileSync(join(dataDirectory, "keys.json"), "utf8")) as ReadonlyArray<Key>

const origin = `http://127.0.0.1:${port}`
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
const signAhead = (count: number): Array<string> => Array.from({ length: count }, authorization)
let presigned: Array<string> = []
const nextAuthorization = () => presigned.pop() ?? authorization()

const newNumber = () => JSON.stringify({ phoneNumber: `0102${String(nextNumber++).padStart(7, "0")}` })

interface Scenario {
  readonly name: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly signed: boolean
}

interface Measured {
  readonly name: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly non2xx: number
  readonly errors: number
}

const measure = (scenario: Scenario): Promise<Measured> =>
  new Promise((resolve, reject) => {
    autocannon(
      {
        url: origin,
        connections,
        duration: seconds,
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
              ...(scenario.method === "POST" ? { body: newNumber() } : {})
            })
          }
        ]
      },
      (error, result) => {
        if (error) return reject(error)
        resolve({
          name: scenario.name,
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors
        })
      }
    )
  })

const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "bare Hono GET (JSON array)",
    method: "GET",
    path: "/bare/senderid/v1/numbers/active",
    signed: false
  },
  {
    name: "GET /numbers/active, caller fixed",
    method: "GET",
    path: "/open/senderid/v1/numbers/active",
    signed: true
  },
  { name: "GET /numbers/active, HMAC", method: "GET", path: "/senderid/v1/numbers/active", signed: true },
  { name: "bare Hono POST (echo JSON)", method: "POST", path: "/bare/senderid/v1/numbers", signed: false },
  { name: "POST /numbers, caller fixed", method: "POST", path: "/open/senderid/v1/numbers", signed: true },
  { name: "POST /numbers, HMAC", method: "POST", path: "/senderid/v1/numbers", signed: true }
]

process.stdout.write(
  `senderid HTTP bench: ${seconds} s per route, ${connections} connections, ${accounts} accounts (each with 1 ACTIVE + 1 PENDING number), SQLite WAL synchronous NORMAL\n\n`
)
const results: Array<Measured> = []
for (const scenario of scenarios) {
  // One second of warm-up per route (JIT, SQLite page cache), not counted.
  await new Promise<void>((resolve) =>
    autocannon({ url: `${origin}${scenario.path}`, connections, duration: 1 }, () => resolve())
  )
  // Dated now, so they stay well inside the 15-minute window while the run uses them.
  presigned = scenario.signed ? signAhead(seconds * 60_000) : []
  results.push(await measure(scenario))
}
server.stdin.end()
server.kill("SIGTERM")
rmSync(dataDirectory, { recursive: true, force: true })

const row = (m: Measured) =>
  `${m.name.padEnd(38)} ${m.rps.toFixed(0).padStart(8)} ${m.p50.toFixed(1).padStart(7)} ${m.p99.toFixed(1).padStart(7)} ${String(m.non2xx + m.errors).padStart(7)}`
process.stdout.write(
  `${"route".padEnd(38)} ${"req/s".padStart(8)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"failed".padStart(7)}\n`
)
for (const m of results) process.stdout.write(`${row(m)}\n`)

const [bareGet, openGet, hmacGet, barePost, openPost, hmacPost] = results as [
  Measured,
  Measured,
  Measured,
  Measured,
  Measured,
  Measured
]
const ratio = (a: Measured, b: Measured) => a.rps / b.rps
const verdict = (ok: boolean) => (ok ? "meets target" : "BELOW TARGET")
const lines = [
  [
    "create (POST /numbers, HMAC) ÷ bare POST",
    ratio(hmacPost, barePost),
    "≥ 0.25",
    ratio(hmacPost, barePost) >= 0.25
  ],
  ["active list (GET, HMAC) ÷ bare GET", ratio(hmacGet, bareGet), "≥ 0.50", ratio(hmacGet, bareGet) >= 0.5],
  [
    "HMAC cost on GET /numbers/active",
    1 - ratio(hmacGet, openGet),
    "≤ 0.20",
    1 - ratio(hmacGet, openGet) <= 0.2
  ],
  [
    "HMAC cost on POST /numbers",
    1 - ratio(hmacPost, openPost),
    "≤ 0.20",
    1 - ratio(hmacPost, openPost) <= 0.2
  ]
] as const
process.stdout.write("\n")
for (const [label, value, target, ok] of lines) {
  process.stdout.write(
    `${label.padEnd(44)} ${value.toFixed(2).padStart(6)}  (target ${target})  ${verdict(ok)}\n`
  )
}
if (results.some((m) => m.errors > 0 || m.non2xx > 0)) {
  process.stdout.write("\nsome requests failed: the figures above are not comparable\n")
  process.exitCode = 1
}
