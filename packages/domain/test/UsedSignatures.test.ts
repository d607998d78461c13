import { assert, describe, it } from "@effect/vitest"
import { type Duration, Effect } from "effect"
import { TestClock } from "effect/testing"
import { replayWindow, UsedSignatures } from "../src/UsedSignatures.ts"

const claim = (signature: string, window: Duration.Input = replayWindow) =>
  UsedSignatures.use((s) => s.claim(signature, window))

describe("UsedSignatures.layerMemory", () => {
  it.effect("accepts a signature once and refuses it again within the window", () =>
    Effect.gen(function* () {
      assert.isTrue(yield* claim("sig-a"))
      yield* TestClock.adjust("14 minutes")
      assert.isFalse(yield* claim("sig-a"))
      assert.isTrue(yield* claim("sig-b"), "another signature is independent")
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("accepts the signature again once the window has passed", () =>
    Effect.gen(function* () {
      assert.isTrue(yield* claim("sig-a"))
      yield* TestClock.adjust("15 minutes")
      assert.isTrue(yield* claim("sig-a"))
      assert.isFalse(yield* claim("sig-a"), "the new claim starts a new window")
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("refuses a refused signature for the original window only", () =>
    Effect.gen(function* () {
      assert.isTrue(yield* claim("sig-a", "1 minute"))
      yield* TestClock.adjust("59 seconds")
      assert.isFalse(yield* claim("sig-a", "1 minute"))
      yield* TestClock.adjust("1 second")
      assert.isTrue(yield* claim("sig-a", "1 minute"))
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("lets exactly one of 50 concurrent claims of one signature win", () =>
    Effect.gen(function* () {
      const results = yield* Effect.all(
        Array.from({ length: 50 }, () => claim("sig-race")),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.filter(Boolean).length, 1)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("keeps working across many expired windows (expired entries are swept)", () =>
    Effect.gen(function* () {
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 1000; i++) assert.isTrue(yield* claim(`sig-${round}-${i}`, "1 second"))
        yield* TestClock.adjust("1 second")
      }
      assert.isTrue(yield* claim("sig-0-0", "1 second"))
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )
})
