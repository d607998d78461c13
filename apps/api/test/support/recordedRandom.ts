/**
 * Proof that an app's runtime draws its identifiers, PINs and secrets from WebCrypto's CSPRNG.
 * `effect/crypto` reaches `getRandomValues` through its `WebCrypto` reference; a test builds the
 * app's own layer with that reference set to the platform's crypto wrapped to record every byte
 * it hands out (the bytes themselves stay the real ones). Every value checked must be made from
 * recorded bytes; a root that wired Effect's `Random` (`Math.random`, or a seed), a seeded
 * stand-in, or anything else draws other bytes, and the check fails. Web APIs only: the Node test
 * and the Worker test in workerd both use it.
 */
import { assert } from "@effect/vitest"
import { Accounts, AuditEntry, DevelopmentCalls, RandomText, SenderIds } from "@senderid/domain"
import { Credentials } from "@senderid/server"
import { Effect, type Layer, Option } from "effect"
import { SecureRandom, WebCrypto } from "effect/crypto"

export interface RecordedRandom {
  /** The platform's crypto, recording what `getRandomValues` returns. */
  readonly layer: Layer.Layer<never>
  /** Every array `getRandomValues` filled, in order. */
  readonly drawn: ReadonlyArray<Uint8Array>
}

export const recordedRandom = (): RecordedRandom => {
  const real = globalThis.crypto
  const drawn: Array<Uint8Array> = []
  const recording = {
    subtle: real.subtle,
    randomUUID: () => real.randomUUID(),
    getRandomValues: <T extends ArrayBufferView<ArrayBuffer>>(array: T): T => {
      real.getRandomValues(array)
      drawn.push(new Uint8Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength)))
      return array
    }
  } as Crypto
  return { layer: WebCrypto.layer(recording), drawn }
}

/** What `RandomText.draw` makes of one array of bytes: the characters of the bytes it keeps. */
const textOf = (bytes: Uint8Array, alphabet: string) => {
  const limit = 256 - (256 % alphabet.length)
  let text = ""
  for (const byte of bytes) if (byte < limit) text += alphabet[byte % alphabet.length]
  return text
}

const expectDrawnFrom = (recorded: RecordedRandom, alphabet: string, text: string, what: string) =>
  assert.isTrue(
    recorded.drawn.some((bytes) => textOf(bytes, alphabet).startsWith(text)),
    `${what} ${text} is not made of bytes WebCrypto's getRandomValues returned`
  )

/**
 * Registers a number in a fresh account, places an ARS call and issues credentials through the
 * runtime's use cases, then checks that the handle key, the transaction id, the PIN the callee
 * heard, the credentials and a raw draw of `SecureRandom` all came from the recorded bytes.
 * Returns the call, so the caller can look at what its storage kept.
 */
export const expectWebCryptoDraws = (recorded: RecordedRandom, phoneNumber: string) =>
  Effect.gen(function* () {
    const accountId = `RND${Date.now().toString(36).toUpperCase()}`
    yield* Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), accountId, { limit: 3 }))
    const book = yield* SenderIds.use((s) => s.register(accountId, { phoneNumber }))
    const placed = yield* SenderIds.use((s) => s.startArs(accountId, phoneNumber))
    const pin = Option.getOrThrow(yield* DevelopmentCalls.use((c) => c.lastPin(placed.phoneNumber)))
    const credentials = yield* Credentials.generateCredentials()
    const raw = yield* SecureRandom.SecureRandom.use((random) => random.randomBytes(24))

    const { ALPHANUMERIC, DIGITS } = RandomText
    expectDrawnFrom(
      recorded,
      ALPHANUMERIC,
      book.senderIds[0]?.handleKey.slice(17) ?? "?",
      "the handle key's suffix"
    )
    expectDrawnFrom(recorded, ALPHANUMERIC, placed.transactionId.slice(17), "the transaction id's suffix")
    expectDrawnFrom(recorded, DIGITS, pin, "the PIN")
    expectDrawnFrom(recorded, ALPHANUMERIC, credentials.secret, "the API secret")
    assert.isTrue(
      recorded.drawn.some((bytes) => bytes.length === raw.length && bytes.every((b, i) => b === raw[i])),
      "SecureRandom's bytes are not the ones getRandomValues returned"
    )
    return { accountId, transactionId: placed.transactionId, pin }
  })
