/**
 * Bad data and faults: a corrupt or foreign database file, a failed migration, a full disk and a
 * lost PostgreSQL connection each end in a typed error with a clear message, leave nothing
 * half-written, and the registry works again once the fault clears.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { assert, describe, it } from "@effect/vitest"
import { Accounts, AuditEntry, SenderIdRepository, SenderIds } from "@senderid/domain"
import { registryOn } from "@senderid/domain/testing"
import { Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import * as Postgres from "../src/postgres.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as Sqlite from "../src/sqlite.ts"
import { ADMIN_URL, freshDatabase } from "./support/postgres.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-faults-"))
const mobile = (n: number) => `0102${String(n).padStart(7, "0")}`

/** Builds the repository layer and reports how it failed, if it did. */
const openFailure = (filename: string) =>
  Effect.scoped(Layer.build(Sqlite.layer({ filename }))).pipe(
    Effect.match({ onFailure: (error) => error, onSuccess: () => undefined })
  )

describe("a bad SQLite file", () => {
  it.effect("refuses a file that is not a database with a typed error, and opens once it is replaced", () =>
    Effect.gen(function* () {
      const filename = join(directory, "corrupt.db")
      writeFileSync(filename, "this is a spreadsheet export, not a database\n".repeat(200))
      const failure = yield* openFailure(filename)
      assert.strictEqual(failure?._tag, "RepositoryError")
      assert.include(failure?.operation, filename)
      assert.match(String(failure?.cause), /not a database|file is encrypted/u)
      assert.include(readFileSync(filename, "utf8"), "spreadsheet export", "the file was not overwritten")
      rmSync(filename)
      assert.isUndefined(yield* openFailure(filename))
    })
  )

  it.effect("refuses another application's database and leaves its tables untouched", () =>
    Effect.gen(function* () {
      const filename = join(directory, "foreign.db")
      const foreign = new DatabaseSync(filename)
      foreign.exec("CREATE TABLE accounts (login TEXT PRIMARY KEY, password_hash TEXT)")
      foreign.exec("INSERT INTO accounts VALUES ('kim', 'x')")
      foreign.close()
      const failure = yield* openFailure(filename)
      assert.strictEqual(failure?._tag, "RepositoryError")
      const after = new DatabaseSync(filename)
      const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
      const rows = after.prepare("SELECT login FROM accounts").all()
      after.close()
      // The failed migration rolled back whole: no senderid table was left behind.
      assert.notInclude(
        tables.map((t) => t.name),
        "sender_ids"
      )
      assert.deepStrictEqual(
        rows.map((r) => r.login),
        ["kim"]
      )
    })
  )
})

describe("a full disk", () => {
  it.live(
    "fails registrations with a typed error, writes nothing partial, and recovers when space returns",
    () =>
      Effect.gen(function* () {
        const filename = join(directory, "full.db")
        const client = Sqlite.layerClient({ filename })
        const registry = registryOn(Layer.effect(SenderIdRepository, SqlRepository.make)).pipe(
          Layer.provideMerge(client)
        )
        yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* Accounts.use((a) => a.open(AuditEntry.systemActor, "A", { limit: 100_000 }))
          const [{ page_count }] = (yield* sql.unsafe("PRAGMA page_count")) as unknown as [
            { page_count: number }
          ]
          // SQLite's own ceiling on the file size stands in for a full disk: it fails the same way (SQLITE_FULL).
          yield* sql.unsafe(`PRAGMA max_page_count = ${page_count + 8}`)
          let acknowledged = 0
          let failure: { readonly _tag: string } | undefined
          for (let n = 0; n < 5_000 && failure === undefined; n++) {
            const result = yield* SenderIds.use((s) => s.register("A", { phoneNumber: mobile(n) })).pipe(
              Effect.match({ onFailure: (error) => error, onSuccess: () => undefined })
            )
            if (result === undefined) acknowledged++
            else failure = result
          }
          assert.strictEqual(failure?._tag, "RepositoryError")
          assert.match((failure as { message?: string }).message ?? "", /^commit: database or disk is full/u)
          const book = yield* SenderIds.use((s) => s.book("A"))
          assert.strictEqual(book.senderIds.length, acknowledged)
          const [{ integrity_check }] = (yield* sql.unsafe("PRAGMA integrity_check")) as unknown as [
            { integrity_check: string }
          ]
          assert.strictEqual(integrity_check, "ok")
          yield* sql.unsafe("PRAGMA max_page_count = 1073741823")
          yield* SenderIds.use((s) => s.register("A", { phoneNumber: mobile(9_999_999) }))
          assert.strictEqual((yield* SenderIds.use((s) => s.book("A"))).senderIds.length, acknowledged + 1)
        }).pipe(Effect.provide(registry))
      })
  )
})

describe("a lost PostgreSQL connection", () => {
  const url = freshDatabase("faults")
  const database = new URL(url).pathname.slice(1)
  const dropConnections = () =>
    execFileSync(
      "psql",
      [
        ADMIN_URL,
        "-qAtc",
        `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`
      ],
      { encoding: "utf8" }
    )

  it.live("is replaced transparently: registrations after and during the loss succeed", () =>
    Effect.gen(function* () {
      yield* Accounts.use((a) => a.open(AuditEntry.systemActor, "B", { limit: 1_000 }))
      yield* SenderIds.use((s) => s.register("B", { phoneNumber: mobile(1) }))
      assert.isAbove(Number(dropConnections()), 0)
      yield* SenderIds.use((s) => s.register("B", { phoneNumber: mobile(2) }))
      const during = yield* Effect.forEach(
        Array.from({ length: 100 }, (_, i) => mobile(100 + i)),
        (phoneNumber, i) =>
          Effect.gen(function* () {
            if (i === 30) dropConnections()
            return yield* SenderIds.use((s) => s.register("B", { phoneNumber })).pipe(
              Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "success" })
            )
          }),
        { concurrency: 10 }
      )
      // A commit whose acknowledgement was lost may be replayed and meet its own row: never a raw error.
      for (const outcome of during) assert.include(["success", "SenderIdAlreadyRegistered"], outcome)
      const book = yield* SenderIds.use((s) => s.book("B"))
      assert.strictEqual(book.senderIds.length, 102)
    }).pipe(Effect.provide(registryOn(Postgres.layer({ url, maxConnections: 5 }))))
  )

  it.live("reports an unreachable server as a typed error naming the database, not the password", () =>
    Effect.gen(function* () {
      const failure = yield* Effect.scoped(
        Layer.build(Postgres.layer({ url: "postgres://senderid:s3cret@127.0.0.1:1/nowhere" }))
      ).pipe(Effect.flip)
      assert.strictEqual(failure._tag, "RepositoryError")
      assert.include(failure.operation, "127.0.0.1:1/nowhere")
      assert.notInclude(JSON.stringify(failure), "s3cret")
    })
  )
})
