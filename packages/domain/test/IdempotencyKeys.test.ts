import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { IdempotencyKeys, type StoredResponse } from "../src/IdempotencyKeys.ts"

const created: StoredResponse = {
  status: 200,
  body: '{"handleKey":"SED20181120142527G9MUYZKJXEV6ADY"}',
  headers: { "content-type": "application/json" }
}

const begin = (key: string, hash: string, scope = "ACCOUNT-A") =>
  IdempotencyKeys.use((s) => s.begin(scope, key, hash))
const tagOf = (key: string, hash: string, scope?: string) =>
  begin(key, hash, scope).pipe(Effect.map((outcome) => outcome._tag))
const complete = (key: string, response = created, scope = "ACCOUNT-A") =>
  IdempotencyKeys.use((s) => s.complete(scope, key, response))
const abandon = (key: string, scope = "ACCOUNT-A") => IdempotencyKeys.use((s) => s.abandon(scope, key))

describe("IdempotencyKeys.layerMemory", () => {
  it.effect("starts the first request, reports a retry in flight, then replays the stored response", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      assert.strictEqual(yield* tagOf("k1", "h1"), "InFlight")
      yield* complete("k1")
      const replay = yield* begin("k1", "h1")
      assert.deepStrictEqual(replay, { _tag: "Replay", response: created })
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("refuses a reused key with another body, in flight and after completion", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      assert.strictEqual(yield* tagOf("k1", "h2"), "Mismatch")
      yield* complete("k1")
      assert.strictEqual(yield* tagOf("k1", "h2"), "Mismatch")
      assert.strictEqual(yield* tagOf("k1", "h1"), "Replay")
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("scopes keys per account", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tagOf("k1", "h1", "ACCOUNT-A"), "Started")
      assert.strictEqual(yield* tagOf("k1", "h2", "ACCOUNT-B"), "Started")
      yield* complete("k1", created, "ACCOUNT-A")
      assert.strictEqual(yield* tagOf("k1", "h2", "ACCOUNT-B"), "InFlight")
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("treats a key as new after 24 hours", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      yield* complete("k1")
      yield* TestClock.adjust("23 hours")
      assert.strictEqual(yield* tagOf("k1", "h2"), "Mismatch")
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* tagOf("k1", "h2"), "Started")
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("honours a shorter ttl", () =>
    Effect.gen(function* () {
      const keys = yield* IdempotencyKeys
      assert.strictEqual((yield* keys.begin("ACCOUNT-A", "k1", "h1", "10 minutes"))._tag, "Started")
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual((yield* keys.begin("ACCOUNT-A", "k1", "h1", "10 minutes"))._tag, "Started")
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("lets a retry take over a key whose request died, once its in-flight lease has run out", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      yield* TestClock.adjust("119 seconds")
      assert.strictEqual(yield* tagOf("k1", "h1"), "InFlight")
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      yield* complete("k1")
      yield* TestClock.adjust("23 hours")
      assert.strictEqual(yield* tagOf("k1", "h1"), "Replay")
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("releases an abandoned key for a retry, but never a completed one", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      yield* abandon("k1")
      assert.strictEqual(yield* tagOf("k1", "h2"), "Started")
      yield* complete("k1")
      yield* abandon("k1")
      assert.strictEqual(yield* tagOf("k1", "h2"), "Replay")
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("completes only an in-flight key: a late complete after abandon stores nothing", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      yield* abandon("k1")
      yield* complete("k1")
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("keeps the stored response apart from the caller's object", () =>
    Effect.gen(function* () {
      const headers: Record<string, string> = { "content-type": "application/json" }
      assert.strictEqual(yield* tagOf("k1", "h1"), "Started")
      yield* complete("k1", { status: 201, body: "{}", headers })
      headers["x-late"] = "mutated"
      const replay = yield* begin("k1", "h1")
      assert.deepStrictEqual(replay, {
        _tag: "Replay",
        response: { status: 201, body: "{}", headers: { "content-type": "application/json" } }
      })
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )

  it.effect("starts exactly one of 50 concurrent begins with one key", () =>
    Effect.gen(function* () {
      const outcomes = yield* Effect.all(
        Array.from({ length: 50 }, () => tagOf("k-race", "h1")),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(outcomes.filter((t) => t === "Started").length, 1)
      assert.strictEqual(outcomes.filter((t) => t === "InFlight").length, 49)
    }).pipe(Effect.provide(IdempotencyKeys.layerMemory))
  )
})
