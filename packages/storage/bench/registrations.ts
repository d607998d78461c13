/**
 * Registrations per second and their latency on SQLite (synchronous NORMAL and FULL) and
 * PostgreSQL, each printed next to the same engine's raw single-row transaction rate measured in
 * this run, through the same driver — the ratio is what the registry costs on top of the engine.
 * Run with `pnpm bench`; `SENDERID_BENCH_SECONDS` sets each measurement's length (default 4).
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { Accounts, AuditEntry, SenderIdRepository, SenderIds } from "@senderid/domain"
import { registryOn } from "@senderid/domain/testing"
import { Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import * as Postgres from "../src/postgres.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as Sqlite from "../src/sqlite.ts"

const SECONDS = Number(process.env.SENDERID_BENCH_SECONDS ?? 4)
const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const ACCOUNTS = 2_000

interface Measurement {
  readonly perSecond: number
  readonly p50: number
  readonly p99: number
  readonly count: number
}

/** Runs `operation` from `concurrency` fibers for the configured time; latencies in ms. */
const measure = <E, R>(concurrency: number, operation: (n: number) => Effect.Effect<unknown, E, R>) =>
  Effect.gen(function* () {
    const latencies: Array<number> = []
    let next = 0
    const started = performance.now()
    const deadline = started + SECONDS * 1000
    yield* Effect.forEach(
      Array.from({ length: concurrency }),
      () =>
        Effect.gen(function* () {
          while (performance.now() < deadline) {
            const n = next++
            const t0 = performance.now()
            yield* operation(n)
            latencies.push(performance.now() - t0)
          }
        }),
      { concurrency: "unbounded", discard: true }
    )
    const elapsed = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
    return {
      perSecond: latencies.length / elapsed,
      p50: at(0.5),
      p99: at(0.99),
      count: latencies.length
    } satisfies Measurement
  })

/** The engine alone: one single-row INSERT per transaction, through the same SqlClient. */
const rawTransactions = (concurrency: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql.unsafe("CREATE TABLE IF NOT EXISTS bench_raw (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
    const prefix = Date.now().toString(36)
    return yield* measure(concurrency, (n) =>
      sql.withTransaction(sql`INSERT INTO bench_raw (k, v) VALUES (${`${prefix}-${n}`}, ${"x".repeat(64)})`)
    )
  })

/** The registry: `SenderIds.register` (validation, reads, the commit with its audit entry and
 * event, and the account book SOLAPI returns), spread over many accounts. */
const registrations = (concurrency: number) =>
  Effect.gen(function* () {
    const run = Date.now().toString(36)
    const accountOf = (n: number) => `bench-${run}-${n % ACCOUNTS}`
    yield* Effect.forEach(
      Array.from({ length: ACCOUNTS }, (_, i) => i),
      (i) => Accounts.use((a) => a.open(AuditEntry.systemActor, accountOf(i), { limit: 1_000_000 })),
      { concurrency: 4, discard: true }
    )
    return yield* measure(concurrency, (n) =>
      SenderIds.use((s) => s.register(accountOf(n), { phoneNumber: `0102${String(n).padStart(7, "0")}` }))
    )
  })

const engine = <E>(client: Layer.Layer<SqlClient.SqlClient, E>, concurrency: number) =>
  Effect.gen(function* () {
    const raw = yield* rawTransactions(concurrency)
    const registry = yield* registrations(concurrency)
    return { raw, registry }
  }).pipe(
    Effect.provide(
      registryOn(Layer.effect(SenderIdRepository, SqlRepository.make)).pipe(Layer.provideMerge(client))
    )
  )

const psql = (statement: string) =>
  execFileSync("psql", [ADMIN_URL, "-qAtc", statement], { encoding: "utf8" })

const main = Effect.gen(function* () {
  const directory = mkdtempSync(join(tmpdir(), "senderid-bench-"))
  const database = `senderid_bench_${Date.now().toString(36)}`
  psql(`CREATE DATABASE ${database}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${database}`
  const rows: Array<readonly [string, { raw: Measurement; registry: Measurement }]> = []
  try {
    rows.push([
      "SQLite WAL, synchronous NORMAL (1 connection)",
      yield* engine(Sqlite.layerClient({ filename: join(directory, "normal.db") }), 1)
    ])
    rows.push([
      "SQLite WAL, synchronous FULL (1 connection)",
      yield* engine(Sqlite.layerClient({ filename: join(directory, "full.db"), synchronous: "FULL" }), 1)
    ])
    rows.push([
      "PostgreSQL (8 fibers, 8 connections)",
      yield* engine(Postgres.layerClient({ url: url.toString(), maxConnections: 8 }), 8)
    ])
  } finally {
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }
  const fixed = (n: number, digits = 0) => n.toFixed(digits).padStart(8)
  console.log(`\nRegistrations vs the raw engine, ${SECONDS}s each (node ${process.version})\n`)
  console.log(
    "engine                                          raw tx/s  register/s   ratio   p50 ms   p99 ms  raw p99"
  )
  for (const [name, { raw, registry }] of rows) {
    console.log(
      `${name.padEnd(46)}${fixed(raw.perSecond)}  ${fixed(registry.perSecond)}  ${fixed(registry.perSecond / raw.perSecond, 2)} ${fixed(registry.p50, 2)} ${fixed(registry.p99, 2)} ${fixed(raw.p99, 2)}`
    )
  }
  console.log(
    "\nraw: one single-row INSERT per transaction, same driver; register: SenderIds.register with its book;" +
      "\nratio = register/s ÷ raw tx/s; p50/p99: registration latency; raw p99: the raw transaction's."
  )
})

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
