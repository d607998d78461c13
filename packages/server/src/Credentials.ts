/**
 * API credentials in SOLAPI's shape, drawn from WebCrypto's CSPRNG (Node, browsers and Workers
 * alike): a key `NCS` + 13 of `[0-9A-Z]` and a 32-character secret. The server owns their shape,
 * since it is the one that checks signatures made with them; the stores only keep them.
 */

export const API_KEY_PREFIX = "NCS"
export const API_KEY_LENGTH = 16
export const SECRET_LENGTH = 32

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
/** The largest multiple of 36 below 256: bytes at or above it are redrawn, so no character is favoured. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length)

/** `length` characters of `[0-9A-Z]`, uniformly from the CSPRNG by rejection sampling. */
const randomAlphanumerics = (length: number): string => {
  let out = ""
  while (out.length < length) {
    // 252/256 of bytes are kept, so twice the need almost always suffices in one draw.
    for (const byte of crypto.getRandomValues(new Uint8Array(2 * (length - out.length)))) {
      if (byte >= UNBIASED_LIMIT) continue
      out += ALPHABET[byte % ALPHABET.length]
      if (out.length === length) break
    }
  }
  return out
}

/** A fresh key and secret (~165 bits of secret). */
export const generateCredentials = (): { readonly apiKey: string; readonly secret: string } => ({
  apiKey: API_KEY_PREFIX + randomAlphanumerics(API_KEY_LENGTH - API_KEY_PREFIX.length),
  secret: randomAlphanumerics(SECRET_LENGTH)
})

/** A webhook endpoint's signing secret: `whsec_` and 32 of `[0-9A-Z]`. */
export const generateWebhookSecret = (): string => `whsec_${randomAlphanumerics(SECRET_LENGTH)}`
