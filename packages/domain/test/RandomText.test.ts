import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SecureRandom } from "effect/crypto"
import * as ArsChallenge from "../src/ArsChallenge.ts"
import * as RandomText from "../src/RandomText.ts"
import { layerSeededRandom } from "../src/testing/index.ts"

/** A byte source that counts up from `start` (wrapping at 256): every byte value once per 256 bytes,
 * so the text drawn from one full cycle shows exactly which bytes were kept. */
const counting = (start: number) =>
  Layer.sync(SecureRandom.SecureRandom, () => {
    let next = start
    return SecureRandom.make((size) => Uint8Array.from({ length: size }, () => next++ & 0xff))
  })

describe("random text", () => {
  it.effect(
    "keeps bytes below the largest multiple of the alphabet and redraws the rest, so no digit is favoured",
    () =>
      Effect.gen(function* () {
        // 250..255 come first: with `byte % 10` they would make 0–5 likelier; they must be skipped.
        const text = yield* RandomText.draw(RandomText.DIGITS, 250).pipe(Effect.provide(counting(250)))
        assert.strictEqual(text, Array.from({ length: 250 }, (_, i) => String(i % 10)).join(""))
      })
  )

  it.effect("keeps 252 of 256 bytes for letters and digits, each of the 36 seven times", () =>
    Effect.gen(function* () {
      const text = yield* RandomText.draw(RandomText.ALPHANUMERIC, 252).pipe(Effect.provide(counting(252)))
      const counts = new Map<string, number>()
      for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1)
      assert.strictEqual(counts.size, 36)
      assert.deepStrictEqual([...new Set(counts.values())], [7])
      assert.strictEqual(text.slice(0, 3), "012")
    })
  )

  it.effect("fills a long draw whatever the rejections", () =>
    Effect.gen(function* () {
      const text = yield* RandomText.draw(RandomText.DIGITS, 10_000)
      assert.match(text, /^\d{10000}$/u)
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )

  it.effect("makes PINs of the policy's length, leading zeros allowed, the same for the same seed", () =>
    Effect.gen(function* () {
      const pins = Effect.all(Array.from({ length: 50 }, () => ArsChallenge.makePin(6)))
      const first = yield* pins.pipe(Effect.provide(layerSeededRandom("pins")))
      const again = yield* pins.pipe(Effect.provide(layerSeededRandom("pins")))
      assert.deepStrictEqual(first, again)
      for (const pin of first) assert.match(pin, /^\d{6}$/u)
      assert.isAbove(new Set(first).size, 45)
    })
  )

  it.effect("refuses an alphabet it cannot sample from a byte", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(RandomText.draw("x".repeat(257), 1))
      assert.isTrue(exit._tag === "Failure")
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )
})
