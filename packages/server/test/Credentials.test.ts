import { assert, describe, it } from "@effect/vitest"
import { layerSeededRandom } from "@senderid/domain/testing"
import { Effect, Random } from "effect"
import { SecureRandom } from "effect/crypto"
import { generateCredentials, generateWebhookSecret } from "../src/Credentials.ts"

const thousand = Effect.all(Array.from({ length: 1000 }, () => generateCredentials()))

describe("generateCredentials", () => {
  it.effect("draws SOLAPI-like keys and secrets, all distinct over 1,000 draws", () =>
    Effect.gen(function* () {
      const draws = yield* thousand
      for (const { apiKey, secret } of draws) {
        assert.match(apiKey, /^NCS[0-9A-Z]{13}$/u)
        assert.match(secret, /^[0-9A-Z]{32}$/u)
      }
      assert.strictEqual(new Set(draws.map((d) => d.apiKey)).size, 1000)
      assert.strictEqual(new Set(draws.map((d) => d.secret)).size, 1000)
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )

  it.effect("uses every character of [0-9A-Z] in roughly equal measure", () =>
    Effect.gen(function* () {
      const counts = new Map<string, number>()
      for (const { secret } of yield* thousand) {
        for (const char of secret) counts.set(char, (counts.get(char) ?? 0) + 1)
      }
      assert.strictEqual(counts.size, 36)
      // 32,000 draws: each character expects ~889; ±25% is far outside chance.
      for (const [char, count] of counts) assert.isTrue(count > 667 && count < 1111, `${char}: ${count}`)
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )

  it.effect("come from the SecureRandom given, not from Effect's Random", () =>
    Effect.gen(function* () {
      const seeded = (seed: string) =>
        generateCredentials().pipe(Effect.provide(layerSeededRandom("keys")), Random.withSeed(seed))
      assert.deepStrictEqual(yield* seeded("one"), yield* seeded("two"))
      const live = generateCredentials().pipe(
        Effect.provide(SecureRandom.layerWebCrypto),
        Random.withSeed("one")
      )
      assert.notDeepEqual(yield* live, yield* live)
    })
  )
})

describe("generateWebhookSecret", () => {
  it.effect("draws a whsec_ secret of 32 characters, distinct every time", () =>
    Effect.gen(function* () {
      const draws = yield* Effect.all(Array.from({ length: 200 }, () => generateWebhookSecret()))
      for (const secret of draws) assert.match(secret, /^whsec_[0-9A-Z]{32}$/u)
      assert.strictEqual(new Set(draws).size, 200)
    }).pipe(Effect.provide(SecureRandom.layerWebCrypto))
  )
})
