/**
 * Replay protection on the real engines, each through two separately built layers (two clients,
 * two connections) on one database, as two server instances would share it.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { UsedSignatures } from "@senderid/domain"
import { Context, Duration, Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { TestClock } from "effect/testing"
import { Redis } from "ioredis"
import { afterAll } from "vitest"
import * as Postgres from "../../src/postgres.ts"
import * as Sqlite from "../../src/sqlite.ts"
import * as UsedSignatureStores from "../../src/usedSignatures.ts"
import * as UsedSignatureRedis from "../../src/usedSignaturesRedis.ts"
import { freshDatabase } from "../support/postgres.ts"

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
let serial = 0
/** A signature no other test (or earlier run, on shared engines) has used. */
const freshSignature = () => `sig-${run}-${serial++}`

/** Builds the layer in the test's scope: each call is a separate instance with its own connection. */
const instance = <E>(layer: Layer.Layer<UsedSignatures, E>) =>
  Layer.build(layer).pipe(Effect.map(Context.get(UsedSignatures)))

/** Two instances, built one after the other as two servers would start. */
const pair = <E>(make: () => Layer.Layer<UsedSignatures, E>) =>
  Effect.all([instance(make()), instance(make())])

/**
 * How a signature's window passes on an engine: on SQL the store reads the clock (the TestClock
 * moves); Redis drops the key on its own clock, so the key's deadline is moved to now instead of
 * waiting for it, once its TTL is checked to be the window asked for.
 */
type Lapse = (signature: string, window: Duration.Input) => Effect.Effect<void, unknown>

const testClockLapse: Lapse = (_, window) => TestClock.adjust(window)

const sharedReplayProtection = <E>(
  engine: string,
  make: () => Layer.Layer<UsedSignatures, E>,
  options: { readonly clock: "test" | "engine"; readonly lapse: Lapse | undefined }
) =>
  describe(`UsedSignatures on ${engine}`, () => {
    it.live("refuses through one instance a signature claimed through the other", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const signature = freshSignature()
        assert.isTrue(yield* a.claim(signature, "15 minutes"))
        assert.isFalse(yield* b.claim(signature, "15 minutes"))
        assert.isFalse(yield* a.claim(signature, "15 minutes"))
        assert.isTrue(yield* b.claim(freshSignature(), "15 minutes"))
      })
    )

    it.live("lets exactly one of 100 concurrent claims across both instances win", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        for (let round = 0; round < 5; round++) {
          const signature = freshSignature()
          const results = yield* Effect.all(
            Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).claim(signature, "15 minutes")),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(results.filter(Boolean).length, 1, `round ${round}`)
        }
      })
    )

    const lapse = options.lapse
    // An in-process set in front of the engine keeps a claim for the window on the server's clock,
    // which an engine-side lapse cannot move.
    if (lapse === undefined) return
    it.effect("lets exactly one of 100 concurrent claims of an expired signature win", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const signature = freshSignature()
        assert.isTrue(yield* a.claim(signature, "15 minutes"))
        yield* lapse(signature, "15 minutes")
        const results = yield* Effect.all(
          Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).claim(signature, "15 minutes")),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(results.filter(Boolean).length, 1)
      })
    )

    if (options.clock === "test") {
      it.effect("accepts the signature again once the window has passed, through either instance", () =>
        Effect.gen(function* () {
          const [a, b] = yield* pair(make)
          const signature = freshSignature()
          assert.isTrue(yield* a.claim(signature, "15 minutes"))
          yield* TestClock.adjust("14 minutes")
          assert.isFalse(yield* b.claim(signature, "15 minutes"))
          yield* TestClock.adjust("1 minute")
          assert.isTrue(yield* b.claim(signature, "15 minutes"))
          assert.isFalse(yield* a.claim(signature, "15 minutes"))
        })
      )
    } else {
      it.effect("accepts the signature again once the window has passed (the engine's own clock)", () =>
        Effect.gen(function* () {
          const [a, b] = yield* pair(make)
          const signature = freshSignature()
          assert.isTrue(yield* a.claim(signature, "15 minutes"))
          assert.isFalse(yield* b.claim(signature, "15 minutes"))
          yield* lapse(signature, "15 minutes")
          assert.isTrue(yield* b.claim(signature, "15 minutes"))
          assert.isFalse(yield* a.claim(signature, "15 minutes"))
        })
      )
    }
  })

/** Rows of claims whose window passed are deleted by a later claim, at most once a minute. */
const prunesExpiredRows = <E>(engine: string, client: () => Layer.Layer<SqlClient.SqlClient, E>) =>
  it.effect(`deletes expired rows on ${engine}`, () =>
    Effect.gen(function* () {
      const context = yield* Layer.build(UsedSignatureStores.layerSql.pipe(Layer.provideMerge(client())))
      const store = Context.get(context, UsedSignatures)
      const sql = Context.get(context, SqlClient.SqlClient)
      const old = freshSignature()
      // TestClock starts at 0, far before any real claim: only this test's row can be expired.
      yield* TestClock.adjust("1 minute")
      yield* store.claim(old, "1 second")
      yield* TestClock.adjust("2 minutes")
      yield* store.claim(freshSignature(), "15 minutes")
      const remaining = Effect.gen(function* () {
        yield* TestClock.withLive(Effect.sleep("20 millis"))
        return yield* sql`SELECT signature FROM used_signatures WHERE signature = ${old}`
      })
      let rows = yield* remaining
      for (let i = 0; i < 100 && rows.length > 0; i++) rows = yield* remaining
      assert.strictEqual(rows.length, 0)
    })
  )

const directory = mkdtempSync(join(tmpdir(), "senderid-used-signatures-"))
const sqliteClient = () => Sqlite.layerClient({ filename: join(directory, "stores.db") })
sharedReplayProtection("SQLite", () => UsedSignatureStores.layerSql.pipe(Layer.provide(sqliteClient())), {
  clock: "test",
  lapse: testClockLapse
})
prunesExpiredRows("SQLite", sqliteClient)

const url = freshDatabase("used_signatures")
const postgresClient = () => Postgres.layerClient({ url })
sharedReplayProtection(
  "PostgreSQL",
  () => UsedSignatureStores.layerSql.pipe(Layer.provide(postgresClient())),
  {
    clock: "test",
    lapse: testClockLapse
  }
)
prunesExpiredRows("PostgreSQL", postgresClient)
sharedReplayProtection(
  "PostgreSQL behind an in-process set",
  () => UsedSignatures.layerLocalFirst(UsedSignatureStores.layerSql.pipe(Layer.provide(postgresClient()))),
  { clock: "test", lapse: testClockLapse }
)

const keyPrefix = `senderid-test:${run}:`
afterAll(async () => {
  const redis = new Redis(REDIS_URL)
  const keys = await redis.keys(`${keyPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
})
/** The key's TTL is the window (give or take the round trip); then Redis drops it a millisecond on. */
const redisLapse: Lapse = (signature, window) =>
  Effect.acquireUseRelease(
    Effect.sync(() => new Redis(REDIS_URL, { keyPrefix })),
    (redis) =>
      Effect.promise(async () => {
        const ttl = await redis.pttl(signature)
        assert.isTrue(ttl > 0 && ttl <= Duration.toMillis(window), `TTL ${ttl} ms`)
        await redis.pexpire(signature, 1)
        // Gone once Redis's own clock has passed the new deadline: read it until then.
        for (let reads = 0; (await redis.exists(signature)) === 1; reads++)
          assert.isBelow(reads, 10_000, "Redis kept an expired key")
      }),
    (redis) => Effect.promise(() => redis.quit())
  )
sharedReplayProtection("Redis", () => UsedSignatureRedis.layerRedis(REDIS_URL, { keyPrefix }), {
  clock: "engine",
  lapse: redisLapse
})

sharedReplayProtection(
  "Redis behind an in-process set",
  () => UsedSignatures.layerLocalFirst(UsedSignatureRedis.layerRedis(REDIS_URL, { keyPrefix })),
  { clock: "engine", lapse: undefined }
)

describe("UsedSignatures on an unreachable Redis", () => {
  it.live("fails to build with UsedSignatureStoreError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(instance(UsedSignatureRedis.layerRedis("redis://127.0.0.1:1")))
      assert.strictEqual(error._tag, "UsedSignatureStoreError")
    })
  )
})
