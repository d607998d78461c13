import { assert, describe, it } from "@effect/vitest"
import { Effect, Random, Schema } from "effect"
import { SecureRandom } from "effect/crypto"
import { TestClock } from "effect/testing"
import * as Identifier from "../src/Identifier.ts"
import { layerSeededRandom } from "../src/testing/index.ts"

describe("identifiers", () => {
  it.effect("are 32 characters: preamble, Korea-time stamp, 15 random upper-case letters and digits", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2018, 10, 20, 5, 25, 27))
      const id = yield* Identifier.make("SED")
      assert.strictEqual(id.length, 32)
      assert.isTrue(id.startsWith("SED20181120142527"))
      assert.match(id.slice(17), /^[0-9A-Z]{15}$/u)
      assert.isTrue(Schema.is(Identifier.Identifier)(id))
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )

  it.effect("roll over to the next Korean day at 15:00 UTC", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 11, 31, 15, 0, 0))
      assert.isTrue((yield* Identifier.make("DOC")).startsWith("DOC20270101000000"))
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )

  it.effect("are the same for the same clock and seeded SecureRandom, whatever Effect's Random", () =>
    Effect.gen(function* () {
      const twice = Effect.all([Identifier.make("APD"), Identifier.make("DUP")])
      const first = yield* twice.pipe(Effect.provide(layerSeededRandom("senderid")), Random.withSeed("one"))
      const second = yield* twice.pipe(Effect.provide(layerSeededRandom("senderid")), Random.withSeed("two"))
      assert.deepStrictEqual(first, second)
      assert.notStrictEqual(first[0].slice(3), first[1].slice(3))
      const otherSeed = yield* twice.pipe(Effect.provide(layerSeededRandom("other")))
      assert.notStrictEqual(otherSeed[0], first[0])
    })
  )

  it.effect("do not follow Effect's Random: under one seed, WebCrypto's draws still differ", () =>
    Effect.gen(function* () {
      const seeded = Identifier.make("SED").pipe(Random.withSeed("senderid"))
      assert.notStrictEqual(yield* seeded, yield* seeded)
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )

  it("refuses strings of the wrong shape", () => {
    const is = Schema.is(Identifier.Identifier)
    assert.isFalse(is("SED20181120142527G9MUYZKJXEV6AD"))
    assert.isFalse(is("XYZ20181120142527G9MUYZKJXEV6ADY"))
    assert.isFalse(is("SED20181120142527g9muyzkjxev6ady"))
    assert.isTrue(is("SED20181120142527G9MUYZKJXEV6ADY"))
  })
})
