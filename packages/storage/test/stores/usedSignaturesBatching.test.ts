/**
 * Group commit in the SQL replay store: concurrent claims share one multi-row upsert, yet each
 * claim keeps its own answer, its own window and its own failure. Statements are counted through a
 * tracer: every SQL statement the client runs opens a span carrying its text (`db.query.text`).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { UsedSignatures } from "@senderid/domain"
import { Context, type Duration, Effect, Exit, Fiber, Layer, References } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { TestClock } from "effect/testing"
import * as Postgres from "../../src/postgres.ts"
import * as Sqlite from "../../src/sqlite.ts"
import * as UsedSignatureStores from "../../src/usedSignatures.ts"
import { freshDatabase } from "../support/postgres.ts"
import { spansDuring } from "../support/spans.ts"

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
let serial = 0
const freshSignature = () => `batch-${run}-${serial++}`

/** The claim upserts the SQL client ran inside `effect`, each as the number of rows it wrote. */
const upsertsDuring = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const { result, spans } = yield* spansDuring(effect)
    const upserts = spans.flatMap((span) => {
      const text = span.attributes.get("db.query.text")
      if (typeof text !== "string" || !text.startsWith("INSERT INTO used_signatures")) return []
      // One `(?, ?)` (SQLite) or `($1, $2)` (PostgreSQL) tuple per row.
      return [text.match(/\(\s*(\?|\$\d+)\s*,\s*(\?|\$\d+)\s*\)/g)?.length ?? 0]
    })
    return { result, upserts }
  })

/** One instance with its own client (own connection) on the engine's database. */
const instance = <E>(
  client: () => Layer.Layer<SqlClient.SqlClient, E>,
  options?: UsedSignatureStores.SqlOptions
) =>
  Layer.build(UsedSignatureStores.layerSqlWith(options).pipe(Layer.provide(client()))).pipe(
    Effect.map(Context.get(UsedSignatures))
  )

const claimAll = (
  store: UsedSignatures["Service"],
  signatures: ReadonlyArray<string>,
  window: Duration.Input = "15 minutes"
) =>
  Effect.all(
    signatures.map((signature) => store.claim(signature, window)),
    { concurrency: "unbounded" }
  )

const groupCommit = <E>(engine: string, client: () => Layer.Layer<SqlClient.SqlClient, E>) =>
  describe(`UsedSignatures group commit on ${engine}`, () => {
    it.live("writes 200 concurrent distinct claims in a few statements of at most 49 rows", () =>
      Effect.gen(function* () {
        const store = yield* instance(client)
        const signatures = Array.from({ length: 200 }, freshSignature)
        const { result, upserts } = yield* upsertsDuring(claimAll(store, signatures))
        assert.isTrue(result.every(Boolean))
        assert.strictEqual(
          upserts.reduce((a, b) => a + b, 0),
          200
        )
        assert.isAtMost(Math.max(...upserts), UsedSignatureStores.DEFAULT_MAX_BATCH_SIZE)
        assert.isAtMost(upserts.length, 10, `statements: ${upserts.join(", ")}`)
        // Claimed means refused afterwards.
        const again = yield* claimAll(store, signatures)
        assert.isTrue(again.every((won) => !won))
      })
    )

    it.live("caps a batch at the configured size", () =>
      Effect.gen(function* () {
        const store = yield* instance(client, { maxBatchSize: 7 })
        const { result, upserts } = yield* upsertsDuring(
          claimAll(store, Array.from({ length: 50 }, freshSignature))
        )
        assert.isTrue(result.every(Boolean))
        assert.isAtMost(Math.max(...upserts), 7)
        assert.strictEqual(
          upserts.reduce((a, b) => a + b, 0),
          50
        )
      })
    )

    it.live("resolves duplicates inside one batch: the first claim wins, later ones lose", () =>
      Effect.gen(function* () {
        const store = yield* instance(client)
        const [a, b, c, live] = [freshSignature(), freshSignature(), freshSignature(), freshSignature()]
        assert.isTrue(yield* store.claim(live, "15 minutes"))
        const { result, upserts } = yield* upsertsDuring(claimAll(store, [a, b, a, live, c, a, b, live]))
        assert.deepStrictEqual(result, [true, true, false, false, true, false, false, false])
        // Each signature once in the statement (PostgreSQL refuses a row touched twice).
        assert.deepStrictEqual(upserts, [4])
      })
    )

    it.live("lets exactly one of 100 claims of one signature win within one instance", () =>
      Effect.gen(function* () {
        const store = yield* instance(client)
        const signature = freshSignature()
        const results = yield* claimAll(
          store,
          Array.from({ length: 100 }, () => signature)
        )
        assert.strictEqual(results.filter(Boolean).length, 1)
      })
    )

    it.live("lets exactly one claim win when two instances race one signature, 100 times over", () =>
      Effect.gen(function* () {
        const [first, second] = yield* Effect.all([instance(client), instance(client)])
        for (let round = 0; round < 100; round++) {
          const signature = freshSignature()
          // Distinct signatures around it, so the raced one sits inside multi-row statements.
          const [a0, a2, b1, b3] = [freshSignature(), freshSignature(), freshSignature(), freshSignature()]
          const [a, b] = yield* Effect.all(
            [
              claimAll(first, [a0, signature, a2, signature]),
              claimAll(second, [signature, b1, signature, b3])
            ],
            { concurrency: "unbounded" }
          )
          const raced = [a[1], a[3], b[0], b[2]]
          assert.strictEqual(raced.filter(Boolean).length, 1, `round ${round}`)
          assert.deepStrictEqual([a[0], a[2], b[1], b[3]], [true, true, true, true], `round ${round}`)
        }
      })
    )

    it.effect("keeps each claim's own window inside one batch", () =>
      Effect.gen(function* () {
        const store = yield* instance(client)
        const [short, long] = [freshSignature(), freshSignature()]
        // TestClock starts at 0, far before any real claim, so these rows are only this test's.
        yield* TestClock.adjust("10 minutes")
        const { result, upserts } = yield* upsertsDuring(
          Effect.all([store.claim(short, "1 minute"), store.claim(long, "15 minutes")], {
            concurrency: "unbounded"
          })
        )
        assert.deepStrictEqual(result, [true, true])
        assert.deepStrictEqual(upserts, [2])
        yield* TestClock.adjust("2 minutes")
        const [shortAgain, longAgain] = yield* Effect.all(
          [store.claim(short, "1 minute"), store.claim(long, "15 minutes")],
          { concurrency: "unbounded" }
        )
        assert.isTrue(shortAgain, "the 1-minute window has passed")
        assert.isFalse(longAgain, "the 15-minute window has not")
      })
    )

    it.live("answers the claims that stay when one waiting claim is interrupted", () =>
      Effect.gen(function* () {
        const store = yield* instance(client)
        const first = yield* Effect.forkChild(store.claim(freshSignature(), "15 minutes"))
        const others = yield* Effect.forEach(Array.from({ length: 19 }, freshSignature), (signature) =>
          Effect.forkChild(store.claim(signature, "15 minutes"))
        )
        // The first claim opened the batch; interrupting it must not take the batch down.
        yield* Fiber.interrupt(first)
        const rest = yield* Fiber.joinAll(others)
        assert.isTrue(rest.every(Boolean))
        assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(first)))
        // And the store goes on answering.
        assert.isTrue(yield* store.claim(freshSignature(), "15 minutes"))
      })
    )
  })

const directory = mkdtempSync(join(tmpdir(), "senderid-used-signatures-batching-"))
groupCommit("SQLite", () => Sqlite.layerClient({ filename: join(directory, "stores.db") }))

const url = freshDatabase("used_signatures_batching")
groupCommit("PostgreSQL", () => Postgres.layerClient({ url }))

describe("UsedSignatures group commit on a failing database", () => {
  it.live("fails every claim of the batch with UsedSignatureStoreError, then recovers", () =>
    Effect.gen(function* () {
      const context = yield* Layer.build(
        UsedSignatureStores.layerSql.pipe(
          Layer.provideMerge(Sqlite.layerClient({ filename: join(directory, "failing.db") }))
        )
      )
      const store = Context.get(context, UsedSignatures)
      const sql = Context.get(context, SqlClient.SqlClient)
      yield* sql`DROP TABLE used_signatures`
      const signatures = Array.from({ length: 60 }, freshSignature)
      const errors = yield* Effect.all(
        signatures.map((signature) => Effect.flip(store.claim(signature, "15 minutes"))),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(errors.length, 60)
      for (const error of errors) assert.strictEqual(error._tag, "UsedSignatureStoreError")
      // Nothing is left holding the write: once the table is back, claims succeed again. (Three
      // rows: the SQLite driver caches a failed prepare per statement text, and the failures above
      // were statements of 49 and 11 rows.)
      yield* sql`CREATE TABLE used_signatures (signature TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)`
      assert.deepStrictEqual(yield* claimAll(store, signatures.slice(0, 3)), [true, true, true])
    }).pipe(
      // The sweep fails on the missing table too, and only logs it: expected here, so kept quiet.
      Effect.provideService(References.MinimumLogLevel, "Error")
    )
  )
})
