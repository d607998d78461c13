/**
 * Replay protection on the real engines, each through two separately built layers (two clients,
 * two connections) on one database, as two server instances would share it.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { UsedSignatures } from "@senderid/domain"
import { Context, Effect, Layer } from "effect"
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

const sharedReplayProtection = <E>(
  engine: string,
  make: () => Layer.Layer<UsedSignatures, E>,
  options: { readonly clock: "test" | "engine" }
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

    it.live("lets exactly one of 100 concurrent claims of an expired signature win", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const signature = freshSignature()
        assert.isTrue(yield* a.claim(signature, "300 millis"))
        yield* Effect.sleep("400 millis")
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
      it.live("accepts the signature again once the window has passed (the engine's own clock)", () =>
        Effect.gen(function* () {
          const [a, b] = yield* pair(make)
          const signature = freshSignature()
          assert.isTrue(yield* a.claim(signature, "300 millis"))
          assert.isFalse(yield* b.claim(signature, "300 millis"))
          yield* Effect.sleep("400 millis")
          assert.isTrue(yield* b.claim(signature, "300 millis"))
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
  clock: "test"
})
prunesExpiredRows("SQLite", sqliteClient)

const url = freshDatabase("used_signatures")
const postgresClient = () => Postgres.layerClient({ url })
sharedReplayProtection(
  "PostgreSQL",
  () => UsedSignatureStores.layerSql.pipe(Layer.provide(postgresClient())),
  {
    clock: "test"
  }
)
prunesExpiredRows("PostgreSQL", postgresClient)

const keyPrefix = `senderid-test:${run}:`
afterAll(async () => {
  const redis = new Redis(REDIS_URL)
  const keys = await redis.keys(`${keyPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
})
sharedReplayProtection("Redis", () => UsedSignatureRedis.layerRedis(REDIS_URL, { keyPrefix }), {
  clock: "engine"
})

describe("UsedSignatures on an unreachable Redis", () => {
  it.live("fails to build with UsedSignatureStoreError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(instance(UsedSignatureRedis.layerRedis("redis://127.0.0.1:1")))
      assert.strictEqual(error._tag, "UsedSignatureStoreError")
    })
  )
})
