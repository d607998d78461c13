/**
 * Text drawn uniformly from the CSPRNG: identifiers' random part, ARS PINs, API credentials and
 * webhook secrets. The source is Effect's `SecureRandom` service (`effect/crypto`), which the
 * composition roots provide as WebCrypto's `getRandomValues` (Node, browsers and Workers alike) and
 * tests may replace with a seeded one; never Effect's `Random`, whose default is `Math.random`.
 */
import { Effect } from "effect"
import { SecureRandom } from "effect/crypto"

export const DIGITS = "0123456789"
export const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/** `length` characters of `alphabet` (2 to 256 distinct characters), each equally likely: bytes at or
 * above the largest multiple of the alphabet's size are redrawn, so `byte % size` favours none.
 * Written without a generator: identifiers are drawn on every registration. */
export const draw = (
  alphabet: string,
  length: number
): Effect.Effect<string, never, SecureRandom.SecureRandom> => {
  if (alphabet.length < 2 || alphabet.length > 256) {
    return Effect.die(new RangeError("an alphabet has 2 to 256 characters"))
  }
  const limit = 256 - (256 % alphabet.length)
  return SecureRandom.SecureRandom.use((random) => {
    const fill = (text: string): Effect.Effect<string> => {
      if (text.length >= length) return Effect.succeed(text)
      // Over half the bytes are kept (252 of 256 for 36 characters, 250 for digits), so twice the
      // need almost always fills it in one draw.
      return random.randomBytes(2 * (length - text.length)).pipe(
        Effect.flatMap((bytes) => {
          let out = text
          for (const byte of bytes) {
            if (out.length === length) break
            if (byte < limit) out += alphabet[byte % alphabet.length]
          }
          return fill(out)
        })
      )
    }
    return fill("")
  })
}
