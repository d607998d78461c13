/**
 * How an ARS challenge keeps its PIN: as HMAC-SHA256, under a key the server holds, of the
 * challenge's transaction id and the PIN — never the PIN itself. Six digits are a million guesses,
 * so an unkeyed hash would hide nothing: the key, kept outside the challenge's row, is what stops
 * someone who reads the challenges (a backup, a dump) from answering a call placed to another
 * person's phone. The transaction id makes equal PINs hash apart and a hash useless on another
 * challenge. WebCrypto through `effect/crypto`, so it runs in Node, browsers and Workers.
 */
import { Context, Effect, Layer } from "effect"
import { Kdf, Mac, SecureRandom } from "effect/crypto"
import { Hex } from "effect/encoding"

export interface PinHasherShape {
  /** Lower-case hex of HMAC-SHA256(key, `transactionId:pin`); compare results in constant time. */
  readonly hash: (transactionId: string, pin: string) => Effect.Effect<string>
}

/** A Web API in every runtime the domain runs in; the domain's lib (ES2023) only lacks its type. */
declare const TextEncoder: new () => { encode(input: string): Uint8Array }
const encoder = new TextEncoder()

/** The size of a generated key: SHA-256's output, all an HMAC-SHA256 key can use well. */
const KEY_BYTES = 32

// Crypto failures below are defects: a valid HMAC key always signs and HKDF of a non-empty secret
// always derives, so one can only mean a broken platform.

const layerKey = (key: Uint8Array): Layer.Layer<PinHasher, never, SecureRandom.SecureRandom> =>
  Layer.effect(
    PinHasher,
    Effect.gen(function* () {
      const mac = yield* Mac.Mac
      const hmacKey = yield* Effect.orDie(Mac.key(Mac.hmacSha256, key))
      return PinHasher.of({
        hash: (transactionId, pin) =>
          mac
            .sign(hmacKey, encoder.encode(`${transactionId}:${pin}`))
            .pipe(Effect.map(Hex.encode), Effect.orDie)
      })
    })
  ).pipe(Layer.provide(Mac.layerWebCrypto))

const layerSecret = (secret: string): Layer.Layer<PinHasher, never, SecureRandom.SecureRandom> =>
  Layer.unwrap(
    Effect.gen(function* () {
      if (secret.length === 0) return yield* Effect.die(new RangeError("the ARS PIN secret is empty"))
      const kdf = yield* Kdf.Kdf
      const key = yield* kdf.derive(Kdf.hkdfSha256, encoder.encode(secret), {
        salt: encoder.encode("senderid/ars-pins"),
        info: encoder.encode("ars-pin hmac v1"),
        length: KEY_BYTES
      })
      return layerKey(key)
    }).pipe(Effect.orDie)
  ).pipe(Layer.provide(Kdf.layerWebCrypto))

export class PinHasher extends Context.Service<PinHasher, PinHasherShape>()("@senderid/domain/PinHasher") {
  /** How many random bytes a key has. */
  static readonly keyBytes = KEY_BYTES

  /** Under raw key bytes (`keyBytes` random bytes). */
  static readonly layerKey = layerKey

  /** Under a key derived from a high-entropy secret (the deployment's master key) with HKDF-SHA256,
   * so every instance given the secret agrees, and the derived key serves this purpose only. */
  static readonly layerSecret = layerSecret

  /** Under a key drawn when the layer is built: for a registry that lives in one process's memory
   * (tests, demos), where no other instance or later start has to check its challenges. */
  static readonly layerMemory: Layer.Layer<PinHasher, never, SecureRandom.SecureRandom> = Layer.unwrap(
    SecureRandom.SecureRandom.use((random) => random.randomBytes(KEY_BYTES)).pipe(Effect.map(layerKey))
  )
}
