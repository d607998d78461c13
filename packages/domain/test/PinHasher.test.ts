import { createHmac, hkdfSync } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SecureRandom } from "effect/crypto"
import { PinHasher } from "../src/PinHasher.ts"

const TRANSACTION = "ARS20270115170000ABCDEFGHIJKLMNO"
const hashWith = (
  layer: Layer.Layer<PinHasher, never, SecureRandom.SecureRandom>,
  transactionId: string,
  pin: string
) =>
  PinHasher.use((h) => h.hash(transactionId, pin)).pipe(
    Effect.provide(layer.pipe(Layer.provide(SecureRandom.layerWebCrypto)))
  )

describe("ARS PIN hashes", () => {
  it.effect("are HMAC-SHA256 of `transactionId:pin` under the key, in lower-case hex", () =>
    Effect.gen(function* () {
      const key = new Uint8Array(32).map((_, i) => i * 7)
      const hash = yield* hashWith(PinHasher.layerKey(key), TRANSACTION, "012345")
      assert.strictEqual(hash, createHmac("sha256", key).update(`${TRANSACTION}:012345`).digest("hex"))
      assert.notInclude(hash, "012345")
    })
  )

  it.effect("derive the key from a secret with HKDF-SHA256, so instances given one secret agree", () =>
    Effect.gen(function* () {
      const secret = "bXktbWFzdGVyLWtleS1vZi0zMi1yYW5kb20tYnl0ZXM="
      const key = new Uint8Array(hkdfSync("sha256", secret, "senderid/ars-pins", "ars-pin hmac v1", 32))
      const expected = createHmac("sha256", key).update(`${TRANSACTION}:987654`).digest("hex")
      assert.strictEqual(yield* hashWith(PinHasher.layerSecret(secret), TRANSACTION, "987654"), expected)
      assert.strictEqual(yield* hashWith(PinHasher.layerSecret(secret), TRANSACTION, "987654"), expected)
      assert.notStrictEqual(
        yield* hashWith(PinHasher.layerSecret(`${secret}x`), TRANSACTION, "987654"),
        expected
      )
    })
  )

  it.effect("differ between challenges for the same PIN, so a hash answers nothing elsewhere", () =>
    Effect.gen(function* () {
      const layer = PinHasher.layerKey(new Uint8Array(32).fill(1))
      const here = yield* hashWith(layer, TRANSACTION, "123456")
      const there = yield* hashWith(layer, TRANSACTION.replace("ABC", "XYZ"), "123456")
      assert.notStrictEqual(here, there)
    })
  )

  it.effect("draw a fresh key for each in-memory registry", () =>
    Effect.gen(function* () {
      const first = yield* hashWith(PinHasher.layerMemory, TRANSACTION, "123456")
      const second = yield* hashWith(PinHasher.layerMemory, TRANSACTION, "123456")
      assert.notStrictEqual(first, second)
    })
  )
})
