/**
 * Idempotency keys on the real engines, each through two separately built layers on one database,
 * as two server instances would share it: exactly one request starts per key, whichever instance.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { IdempotencyKeys, type StoredResponse } from "@senderid/domain"
import { Context, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as IdempotencyKeyStores from "../../src/idempotencyKeys.ts"
import * as Postgres from "../../src/postgres.ts"
import * as Sqlite from "../../src/sqlite.ts"
import { freshDatabase } from "../support/postgres.ts"

let serial = 0
/** A key no other test in the file has used. */
const freshKey = () => `key-${serial++}`

const created: StoredResponse = {
  status: 201,
  body: '{"handleKey":"SED20181120142527G9MUYZKJXEV6ADY","note":"발신번호 등록"}',
  headers: { "content-type": "application/json; charset=utf-8", "x-request-id": "r-1" }
}

/** Two instances with their own clients, built one after the other as two servers would start. */
const pair = <E>(make: () => Layer.Layer<IdempotencyKeys, E>) =>
  Effect.all([
    Layer.build(make()).pipe(Effect.map(Context.get(IdempotencyKeys))),
    Layer.build(make()).pipe(Effect.map(Context.get(IdempotencyKeys)))
  ])

const tags = (outcomes: ReadonlyArray<{ readonly _tag: string }>) => {
  const counts: Record<string, number> = {}
  for (const { _tag } of outcomes) counts[_tag] = (counts[_tag] ?? 0) + 1
  return counts
}

const sharedIdempotency = <E>(engine: string, make: () => Layer.Layer<IdempotencyKeys, E>) =>
  describe(`IdempotencyKeys on ${engine}`, () => {
    it.effect("starts, reports in flight, refuses another body, then replays the stored response", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h1"))._tag, "Started")
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h1"))._tag, "InFlight")
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h2"))._tag, "Mismatch")
        yield* a.complete("ACCOUNT-A", key, created)
        assert.deepStrictEqual(yield* b.begin("ACCOUNT-A", key, "h1"), { _tag: "Replay", response: created })
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h2"))._tag, "Mismatch")
      })
    )

    it.effect("scopes keys per account", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h1"))._tag, "Started")
        assert.strictEqual((yield* b.begin("ACCOUNT-B", key, "h2"))._tag, "Started")
      })
    )

    it.effect("treats a key as new after 24 hours", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h1"))._tag, "Started")
        yield* a.complete("ACCOUNT-A", key, created)
        yield* TestClock.adjust("23 hours")
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h1"))._tag, "Replay")
        yield* TestClock.adjust("1 hour")
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h2"))._tag, "Started")
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h2"))._tag, "InFlight")
      })
    )

    it.effect("lets a retry take over a key whose request died, once its in-flight lease has run out", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h1"))._tag, "Started")
        yield* TestClock.adjust("119 seconds")
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h1"))._tag, "InFlight")
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h1"))._tag, "Started")
        yield* b.complete("ACCOUNT-A", key, created)
        // The replay window runs from completion, not from the first begin.
        yield* TestClock.adjust("23 hours")
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h1"))._tag, "Replay")
      })
    )

    it.effect("releases an abandoned key to the next request, but never a completed one", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h1"))._tag, "Started")
        yield* a.abandon("ACCOUNT-A", key)
        assert.strictEqual((yield* b.begin("ACCOUNT-A", key, "h2"))._tag, "Started")
        yield* b.complete("ACCOUNT-A", key, created)
        yield* a.abandon("ACCOUNT-A", key)
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h2"))._tag, "Replay")
      })
    )

    // Concurrency runs on the live clock: connection pools time their waits, and must not stall.
    it.live("starts exactly one of 100 concurrent begins across both instances", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        for (let round = 0; round < 5; round++) {
          const key = freshKey()
          const outcomes = yield* Effect.all(
            Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).begin("ACCOUNT-A", key, "h1")),
            { concurrency: "unbounded" }
          )
          assert.deepStrictEqual(tags(outcomes), { Started: 1, InFlight: 99 }, `round ${round}`)
        }
      })
    )

    it.live("starts exactly one of concurrent begins with two bodies; the other body is refused", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        const hashes = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? "h1" : "h2"))
        const outcomes = yield* Effect.all(
          hashes.map((hash, i) => (i % 2 === 0 ? a : b).begin("ACCOUNT-A", key, hash)),
          { concurrency: "unbounded" }
        )
        const winner = hashes[outcomes.findIndex((o) => o._tag === "Started")]
        assert.strictEqual(tags(outcomes).Started, 1)
        outcomes.forEach((outcome, i) => {
          if (outcome._tag !== "Started")
            assert.strictEqual(outcome._tag, hashes[i] === winner ? "InFlight" : "Mismatch")
        })
      })
    )

    it.effect("starts exactly one of 100 concurrent begins of an expired key", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        assert.strictEqual((yield* a.begin("ACCOUNT-A", key, "h1", "300 millis"))._tag, "Started")
        yield* a.complete("ACCOUNT-A", key, created, "300 millis")
        yield* TestClock.adjust("300 millis")
        const outcomes = yield* Effect.all(
          Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).begin("ACCOUNT-A", key, "h2")),
          { concurrency: "unbounded" }
        )
        assert.deepStrictEqual(tags(outcomes), { Started: 1, InFlight: 99 })
      })
    )

    it.live("gives every racing begin a definite answer while the key is abandoned and re-taken", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const key = freshKey()
        // Each Started is abandoned at once, so later begins may start again: what must hold is
        // that no two requests hold the key at the same time.
        let holders = 0
        let overlaps = 0
        const request = (keys: typeof a) =>
          keys.begin("ACCOUNT-A", key, "h1").pipe(
            Effect.flatMap((outcome) => {
              if (outcome._tag !== "Started") return Effect.succeed(outcome._tag)
              holders++
              if (holders > 1) overlaps++
              return Effect.yieldNow.pipe(
                Effect.andThen(Effect.sync(() => holders--)),
                Effect.andThen(keys.abandon("ACCOUNT-A", key)),
                Effect.as(outcome._tag)
              )
            })
          )
        const outcomes = yield* Effect.all(
          Array.from({ length: 200 }, (_, i) => request(i % 2 === 0 ? a : b)),
          { concurrency: 20 }
        )
        assert.strictEqual(overlaps, 0)
        assert.isAbove(outcomes.filter((t) => t === "Started").length, 0)
        assert.isTrue(outcomes.every((t) => t === "Started" || t === "InFlight"))
      })
    )
  })

const directory = mkdtempSync(join(tmpdir(), "senderid-idempotency-"))
sharedIdempotency("SQLite", () =>
  IdempotencyKeyStores.layerSql.pipe(
    Layer.provide(Sqlite.layerClient({ filename: join(directory, "stores.db") }))
  )
)

const url = freshDatabase("idempotency_keys")
sharedIdempotency("PostgreSQL", () =>
  IdempotencyKeyStores.layerSql.pipe(Layer.provide(Postgres.layerClient({ url })))
)
