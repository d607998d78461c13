/**
 * The benchmark's server process: the real app over a SQLite file (WAL, synchronous NORMAL) on
 * @hono/node-server, next to the baselines the figures are compared with — a bare Hono JSON route,
 * the same app with a caller fixed from the key (no HMAC check, no key lookup, no replay claim), and
 * the raw-engine reference (`rawReference.ts` on a copy of the seeded file, or `rawPostgresReference.ts`
 * with `BENCH_DATABASE_URL`). Seeds accounts (each
 * with one ACTIVE and one PENDING number), prints their keys, and answers `GET /__bench/cpu` with its
 * own CPU time and RSS, so the load generator can tell the server's cost per request.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { serve } from "@hono/node-server"
import { Accounts, ApiKeys, AuditEntry, DevelopmentCalls, SenderIds } from "@senderid/domain"
import { type AppOptions, Credentials, makeApp, Signature } from "@senderid/server"
import { Effect, Layer, Logger, ManagedRuntime, Option, References } from "effect"
import { Hono } from "hono"
import { fromEnvironment } from "../src/NodeConfig.ts"
import { hmacSha256 } from "../src/NodeCrypto.ts"
import * as NodeServices from "../src/NodeServices.ts"
import { makeRawPostgresReference } from "./rawPostgresReference.ts"
import { makeRawReference } from "./rawReference.ts"

const accounts = Number(process.env.BENCH_ACCOUNTS ?? "1000")
/** Set: the app (and the reference) on this PostgreSQL database instead of a SQLite file. */
const databaseUrl = process.env.BENCH_DATABASE_URL
const config = fromEnvironment({
  SENDERID_DATA_DIR: process.env.BENCH_DATA_DIR ?? "",
  ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
  SENDERID_SQLITE_SYNCHRONOUS: "NORMAL",
  // `automatic` measures what SQLite's own checkpoints inside commits cost (the p99 of creates).
  ...(process.env.SENDERID_SQLITE_CHECKPOINTS === undefined
    ? {}
    : { SENDERID_SQLITE_CHECKPOINTS: process.env.SENDERID_SQLITE_CHECKPOINTS })
})
// Silent: the development ARS provider would log a PIN per seeded number.
const runtime = ManagedRuntime.make(
  Layer.mergeAll(NodeServices.layer(config), Logger.layer([]), Layer.succeed(References.TracerEnabled, false))
)

const actor = AuditEntry.operatorActor("bench")
const seeded = await runtime.runPromise(
  Effect.forEach(
    Array.from({ length: accounts }, (_, i) => i),
    (i) =>
      Effect.gen(function* () {
        const accountId = `BENCH${String(i).padStart(5, "0")}`
        yield* Accounts.use((a) => a.open(actor, accountId, { limit: 1000 }))
        const credentials = yield* Credentials.generateCredentials()
        yield* ApiKeys.use((k) =>
          k.issue({ ...credentials, scopes: ["senderid:read", "senderid:write"], accountId })
        )
        const senderIds = yield* SenderIds
        const active = `070${String(20_000_000 + i * 2).padStart(8, "0")}`
        const pending = `070${String(20_000_001 + i * 2).padStart(8, "0")}`
        yield* senderIds.add(accountId, { phoneNumber: active })
        yield* senderIds.add(accountId, { phoneNumber: pending })
        const call = yield* senderIds.startArs(accountId, active)
        const pin = yield* DevelopmentCalls.use((c) => c.lastPin(active)).pipe(Effect.map(Option.getOrThrow))
        yield* senderIds.completeArs(accountId, active, { transactionId: call.transactionId, token: pin })
        return { accountId, ...credentials }
      }),
    { concurrency: 4 }
  )
)

const accountOf = new Map(seeded.map((s) => [s.apiKey, s.accountId]))

// The same caller the HMAC path would find, taken from the header's apiKey without checking anything.
const fixedCaller: AppOptions = {
  rateLimit: false,
  authenticator: (authorization) =>
    Signature.parseAuthorization(authorization).pipe(
      Effect.orDie,
      Effect.map((parsed) => ({
        apiKey: parsed.apiKey,
        secret: "",
        scopes: ["senderid:read", "senderid:write"] as const,
        accountId: accountOf.get(parsed.apiKey) ?? null,
        operatorId: null,
        serviceId: null
      }))
    )
}

// On SQLite the reference works on its own copy of the seeded registry (the app is its file's only
// writer); on PostgreSQL it shares the database, as a second instance would.
const raw = (() => {
  if (databaseUrl !== undefined) return makeRawPostgresReference(databaseUrl, seeded)
  const rawFile = join(config.dataDirectory, "raw-reference.db")
  const seededFile = new DatabaseSync(NodeServices.sqliteFile(config))
  seededFile.exec(`VACUUM INTO '${rawFile}'`)
  seededFile.close()
  return makeRawReference(rawFile, join(config.dataDirectory, "raw-signatures.db"), seeded)
})()

const root = new Hono()
root.get("/__bench/cpu", (c) => {
  const { user, system } = process.cpuUsage()
  const memory = process.memoryUsage()
  return c.json({ cpuMicros: user + system, rss: memory.rss, heapUsed: memory.heapUsed })
})
root.route("/raw", raw.app)
const bareActive = ["07020000000", "07020000002"]
root.get("/bare/senderid/v1/numbers/active", (c) => c.json(bareActive))
root.post("/bare/senderid/v1/numbers", async (c) => c.json(await c.req.json()))
root.route("/open", makeApp(runtime, fixedCaller))
root.route("/", makeApp(runtime, { rateLimit: false, hmacSha256 }))

serve({ fetch: root.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  writeFileSync(join(config.dataDirectory, "keys.json"), JSON.stringify(seeded))
  process.stdout.write(`${JSON.stringify({ ready: true, port: info.port })}\n`)
})
let stopping = false
// SIGTERM and the end of stdin both arrive when the load generator is done: stop once.
const stop = () => {
  if (stopping) return
  stopping = true
  void runtime
    .dispose()
    .then(() => raw.close())
    .then(() => process.exit(0))
}
process.once("SIGTERM", stop)
// The load generator holds our stdin: when it ends (even by a crash), so do we.
process.stdin.on("end", stop).resume()
