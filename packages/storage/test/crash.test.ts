/**
 * Durable through crashes: a writer process registering numbers under load is SIGKILLed at random
 * points (mid-transaction included), then the database is opened again and must hold every
 * registration the writer acknowledged, pass the engine's own integrity checks, and keep the tables
 * consistent with each other (held counts, audit trails written with their change, outbox events).
 *
 * What each SQLite `synchronous` mode (both in WAL mode) can lose — NORMAL is `sqlite.ts`'s default:
 * - NORMAL: every commit survives a crash of the process (what this test proves); on power loss or
 *   an OS crash the most recent commits may roll back, but the file is never corrupted.
 * - FULL: also durable through power loss and OS crashes, at the cost of an fsync per commit.
 * Power loss is not simulated here. For PostgreSQL the killed process is the client; the server's
 * durability is its own (`fsync`, `synchronous_commit`).
 *
 * `SENDERID_CRASH_CYCLES` sets the kills per engine (default 50; e.g. 500 for a long run).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { SenderIdRepository } from "@senderid/domain"
import { Data, Effect, Layer, Option } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { afterAll } from "vitest"
import * as Postgres from "../src/postgres.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as Sqlite from "../src/sqlite.ts"
import { freshDatabase } from "./support/postgres.ts"

const CYCLES = Number(process.env.SENDERID_CRASH_CYCLES ?? 50)
/** Numbers each writer run may use; runs start at `cycle * NUMBERS_PER_RUN`, so none is reused. */
const NUMBERS_PER_RUN = 1000
/** Accounts change every few cycles, so account books stay small even over long runs. */
const CYCLES_PER_ACCOUNT_GROUP = 10
const WRITER = join(import.meta.dirname, "crash", "writer.ts")
const FIRST_ACK_TIMEOUT_MILLIS = 30_000
/** Writers started ahead of their run, so their start-up overlaps the run before. */
const STANDBY_WRITERS = 2

if (!Number.isSafeInteger(CYCLES) || CYCLES < 1 || CYCLES * NUMBERS_PER_RUN > 10_000_000) {
  throw new Error(
    `SENDERID_CRASH_CYCLES must be between 1 and 10000, got ${process.env.SENDERID_CRASH_CYCLES}`
  )
}

const directory = mkdtempSync(join(tmpdir(), "senderid-crash-"))
// Node caches compiled modules here, which shortens every writer's start after the first.
const compileCache = join(directory, "compile-cache")
mkdirSync(compileCache)
afterAll(() => rmSync(directory, { recursive: true, force: true }))

interface Ack {
  readonly accountId: string
  readonly phoneNumber: string
}
const keyOf = (ack: Ack) => `${ack.accountId} ${ack.phoneNumber}`

interface Run {
  readonly acks: ReadonlyArray<Ack>
  readonly signal: NodeJS.Signals | null
  readonly code: number | null
  readonly stderr: string
}

class WriterMisbehaved extends Data.TaggedError("WriterMisbehaved")<{ readonly message: string }> {}

interface Writer {
  /** Lets the standby open the database and write; SIGKILLs it `extraMillis` after its
   * `killAfter`-th acknowledgement and returns every line it fully delivered. */
  readonly go: (killAfter: number, extraMillis: number) => Effect.Effect<Run>
}

/** Spawns a writer on standby: it loads its modules while the current run is still going, but
 * opens the database only on `go`, after the previous writer is dead and its work checked. */
const standbyWriter = (writerArgs: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child: ChildProcess = spawn(process.execPath, [WRITER, ...writerArgs], {
        env: { ...process.env, ...env, CRASH_WAIT_FOR_GO: "1", NODE_COMPILE_CACHE: compileCache },
        stdio: ["pipe", "pipe", "pipe"]
      })
      const acks: Array<Ack> = []
      let pending = ""
      let stderr = ""
      let killAfter = Number.POSITIVE_INFINITY
      let extraMillis = 0
      let killScheduled = false
      let timeout: ReturnType<typeof setTimeout> | undefined
      let closed: Run | undefined
      let onClose: ((run: Run) => void) | undefined
      const kill = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
      }
      child.stdin?.on("error", () => {}) // a writer that died early is reported by `close`
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        pending += chunk
        let end = pending.indexOf("\n")
        while (end >= 0) {
          const [accountId, phoneNumber] = pending.slice(0, end).split(" ")
          if (accountId !== undefined && phoneNumber !== undefined) acks.push({ accountId, phoneNumber })
          pending = pending.slice(end + 1)
          end = pending.indexOf("\n")
        }
        if (!killScheduled && acks.length >= killAfter) {
          killScheduled = true
          clearTimeout(timeout)
          if (extraMillis === 0) kill()
          else setTimeout(kill, extraMillis)
        }
      })
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
      })
      // `close` comes after the exit and after both pipes are drained: every delivered line is in.
      child.on("close", (code, signal) => {
        clearTimeout(timeout)
        closed = { acks, signal, code, stderr }
        onClose?.(closed)
      })
      const writer: Writer = {
        go: (after, extra) =>
          Effect.callback<Run>((resume) => {
            if (closed !== undefined) return resume(Effect.succeed(closed))
            onClose = (run) => resume(Effect.succeed(run))
            killAfter = after
            extraMillis = extra
            timeout = setTimeout(kill, FIRST_ACK_TIMEOUT_MILLIS)
            child.stdin?.end("go\n")
            return Effect.sync(kill)
          })
      }
      return { writer, kill }
    }),
    ({ kill }) => Effect.sync(kill)
  ).pipe(Effect.map(({ writer }) => writer))

interface EngineUnderTest {
  readonly name: string
  readonly writerArgs: ReadonlyArray<string>
  /** A new connection to the database each time it is built. */
  readonly client: Layer.Layer<SqlClient.SqlClient, unknown>
  /** The engine's own consistency checks; each problem found is one string. */
  readonly integrity: Effect.Effect<ReadonlyArray<string>, unknown, SqlClient.SqlClient>
  /** What the engine can tell about where the kills landed, for the run's summary line. */
  readonly killsObserved?: Effect.Effect<string, unknown, SqlClient.SqlClient>
}

const sqliteEngine = (synchronous: "NORMAL" | "FULL"): EngineUnderTest => {
  const filename = join(directory, `${synchronous.toLowerCase()}.db`)
  return {
    name: `SQLite, WAL + synchronous ${synchronous}`,
    writerArgs: ["sqlite", filename, synchronous],
    client: Sqlite.layerClient({ filename, synchronous }),
    integrity: Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const integrity = yield* sql<{ integrity_check: string }>`PRAGMA integrity_check`
      const foreignKeys = yield* sql<Record<string, unknown>>`PRAGMA foreign_key_check`
      return [
        ...integrity.filter((row) => row.integrity_check !== "ok").map((row) => row.integrity_check),
        ...foreignKeys.map((row) => `foreign key: ${JSON.stringify(row)}`)
      ]
    })
  }
}

const postgresEngine = (url: string): EngineUnderTest => ({
  name: "PostgreSQL",
  writerArgs: ["postgres", url],
  client: Postgres.layerClient({ url, maxConnections: 2 }),
  // amcheck verifies heap pages and that every btree index matches its table (heapallindexed).
  integrity: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE EXTENSION IF NOT EXISTS amcheck`
    const heap = yield* sql<{ relname: string; blkno: unknown; msg: string }>`
      SELECT c.relname, v.blkno, v.msg FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace, LATERAL verify_heapam(c.oid) v
      WHERE n.nspname = 'public' AND c.relkind = 'r'`
    yield* sql`SELECT bt_index_check(c.oid, true) FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_am am ON am.oid = c.relam
      WHERE n.nspname = 'public' AND am.amname = 'btree'`
    const invalid = yield* sql<{ index: string }>`SELECT indexrelid::regclass::text AS index FROM pg_index
      WHERE NOT indisvalid OR NOT indisready`
    const orphans = yield* sql<{ handle_key: string }>`SELECT s.handle_key FROM sender_ids s
      WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = s.account_id)`
    return [
      ...heap.map((row) => `heap ${row.relname} block ${String(row.blkno)}: ${row.msg}`),
      ...invalid.map((row) => `invalid index ${row.index}`),
      ...orphans.map((row) => `sender ID ${row.handle_key} without its account`)
    ]
  }),
  // The server rolls back the transaction a killed client left open (statistics lag a little).
  killsObserved: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ rolled_back: unknown }>`SELECT xact_rollback AS rolled_back
      FROM pg_stat_database WHERE datname = current_database()`
    return `; ${String(rows[0]?.rolled_back)} transactions rolled back by the server`
  })
})

/** The rules that tie the tables together; each query lists the rows that break one. */
const invariantQueries = {
  "an account's held count differs from its sender_ids rows": `
    SELECT a.account_id, a.held, COUNT(s.handle_key) AS rows FROM accounts a
    LEFT JOIN sender_ids s ON s.account_id = a.account_id
    GROUP BY a.account_id, a.held HAVING a.held <> COUNT(s.handle_key)`,
  "an account holds more than its limit": `
    SELECT account_id, held, lim FROM accounts WHERE held < 0 OR held > lim`,
  "a sender ID's log_length differs from its audit entries, or their seq has holes": `
    SELECT s.handle_key, s.log_length, COUNT(e.seq) AS entries, MIN(e.seq) AS first, MAX(e.seq) AS last
    FROM sender_ids s LEFT JOIN audit_entries e ON e.subject = s.handle_key
    GROUP BY s.handle_key, s.log_length
    HAVING COUNT(e.seq) <> s.log_length OR COALESCE(MIN(e.seq), 0) <> 0
      OR COALESCE(MAX(e.seq), -1) <> s.log_length - 1`,
  "an audit entry names another account than its sender ID": `
    SELECT e.subject, e.seq, e.account_id FROM audit_entries e
    JOIN sender_ids s ON s.handle_key = e.subject WHERE e.account_id <> s.account_id`,
  "an audit entry without its change (no live sender ID or account; the writer never deletes)": `
    SELECT e.subject, e.seq FROM audit_entries e
    WHERE NOT EXISTS (SELECT 1 FROM sender_ids s WHERE s.handle_key = e.subject)
      AND NOT EXISTS (SELECT 1 FROM accounts a WHERE e.subject = 'account:' || a.account_id)`,
  "an account without its opening audit entry, or with holes in its trail": `
    SELECT a.account_id, COUNT(e.seq) AS entries FROM accounts a
    LEFT JOIN audit_entries e ON e.subject = 'account:' || a.account_id
    GROUP BY a.account_id
    HAVING COUNT(e.seq) = 0 OR MIN(e.seq) <> 0 OR MAX(e.seq) <> COUNT(e.seq) - 1`,
  "a registration without its outbox event, or an event without its registration": `
    SELECT a.account_id, COUNT(s.handle_key) AS rows,
      (SELECT COUNT(*) FROM outbox o WHERE o.account_id = a.account_id) AS events
    FROM accounts a LEFT JOIN sender_ids s ON s.account_id = a.account_id
    GROUP BY a.account_id
    HAVING COUNT(s.handle_key) <> (SELECT COUNT(*) FROM outbox o WHERE o.account_id = a.account_id)`
} as const

/** Reopens the database and checks it; fails with every problem found, in detail. */
const verify = (engine: EngineUnderTest, when: string, fresh: ReadonlyArray<Ack>, all: ReadonlyArray<Ack>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const repository = yield* SenderIdRepository
    const context = `${engine.name}, ${when}`

    const notFound: Array<Ack> = []
    for (const ack of fresh) {
      const found = yield* repository.findSenderId(ack.accountId, ack.phoneNumber)
      if (Option.isNone(found)) notFound.push(ack)
    }
    assert.deepStrictEqual(
      notFound.map(keyOf),
      [],
      `${context}: acknowledged registrations missing (findSenderId)`
    )

    const rows = yield* sql<{ account_id: string; phone_number: string }>`
      SELECT account_id, phone_number FROM sender_ids`
    const stored = new Set(
      rows.map((row) => keyOf({ accountId: row.account_id, phoneNumber: row.phone_number }))
    )
    const lost = all.map(keyOf).filter((key) => !stored.has(key))
    assert.deepStrictEqual(lost, [], `${context}: registrations acknowledged in earlier runs are gone`)

    assert.deepStrictEqual(yield* engine.integrity, [], `${context}: integrity check`)

    for (const [rule, query] of Object.entries(invariantQueries)) {
      const broken = yield* sql.unsafe<Record<string, unknown>>(query)
      assert.deepStrictEqual(
        broken.map((row) => ({ ...row })),
        [],
        `${context}: ${rule}`
      )
    }
    return rows.length
  }).pipe(
    Effect.provide(
      Layer.effect(SenderIdRepository, SqlRepository.make).pipe(Layer.provideMerge(engine.client))
    )
  )

const randomInt = (below: number) => Math.floor(Math.random() * below)

const crashCycles = (engine: EngineUnderTest) =>
  Effect.gen(function* () {
    const started = Date.now()
    const acknowledged: Array<Ack> = []
    let stored = 0
    const standby = (cycle: number) =>
      standbyWriter(engine.writerArgs, {
        CRASH_FIRST_NUMBER: String(cycle * NUMBERS_PER_RUN),
        CRASH_NUMBERS: String(NUMBERS_PER_RUN),
        CRASH_ACCOUNT_PREFIX: `crash-g${Math.floor(cycle / CYCLES_PER_ACCOUNT_GROUP)}`
      })
    // Writers for the next runs load their modules (most of a run's time) while this one works.
    const ready: Array<Writer> = []
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      while (ready.length < STANDBY_WRITERS + 1 && cycle + ready.length < CYCLES) {
        ready.push(yield* standby(cycle + ready.length))
      }
      const current = ready.shift()
      if (current === undefined) break
      const killAfter = 1 + randomInt(8)
      const extraMillis = randomInt(4) === 0 ? 0 : randomInt(30)
      const run = yield* current.go(killAfter, extraMillis)
      if (run.signal !== "SIGKILL" || run.acks.length === 0) {
        return yield* new WriterMisbehaved({
          message: `${engine.name}, run ${cycle + 1}: ended with ${run.signal ?? `code ${run.code}`} after ${run.acks.length} acknowledgements\n${run.stderr}`
        })
      }
      acknowledged.push(...run.acks)
      stored = yield* verify(engine, `after kill ${cycle + 1}`, run.acks, acknowledged)
    }
    // Once more at the end, every acknowledged registration through the repository itself.
    yield* verify(engine, "at the end", acknowledged, acknowledged)
    const observed =
      engine.killsObserved === undefined
        ? ""
        : yield* engine.killsObserved.pipe(Effect.provide(engine.client))
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(
      `${engine.name}: ${CYCLES} kills in ${seconds} s; ${acknowledged.length} acknowledged registrations ` +
        `checked, ${stored} stored (${stored - acknowledged.length} committed but unacknowledged at the kill)${observed}`
    )
    assert.strictEqual(new Set(acknowledged.map(keyOf)).size, acknowledged.length, "numbers were reused")
  })

const engines = [sqliteEngine("NORMAL"), sqliteEngine("FULL"), postgresEngine(freshDatabase("crash"))]

describe("durability through SIGKILL", { timeout: 120_000 + CYCLES * 10_000 }, () => {
  for (const engine of engines) {
    it.live(
      `${engine.name}: after ${CYCLES} kills mid-write, every acknowledged registration is kept and the tables agree`,
      () => crashCycles(engine)
    )
  }
})
