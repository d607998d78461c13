/**
 * API credentials in SOLAPI's shape, drawn from the CSPRNG (`SecureRandom`, WebCrypto's in the
 * apps, through the domain's `RandomText`, which also draws identifiers and PINs): a key `NCS` +
 * 13 of `[0-9A-Z]` and a 32-character secret. The server owns their shape, since it is the one
 * that checks signatures made with them; the stores only keep them.
 */
import { RandomText } from "@senderid/domain"
import { Effect } from "effect"

export const API_KEY_PREFIX = "NCS"
export const API_KEY_LENGTH = 16
export const SECRET_LENGTH = 32

const alphanumerics = (length: number) => RandomText.draw(RandomText.ALPHANUMERIC, length)

/** A fresh key and secret (~165 bits of secret). */
export const generateCredentials = Effect.fn("Credentials.generate")(function* () {
  const apiKey = API_KEY_PREFIX + (yield* alphanumerics(API_KEY_LENGTH - API_KEY_PREFIX.length))
  const secret = yield* alphanumerics(SECRET_LENGTH)
  return { apiKey, secret } as const
})

/** A webhook endpoint's signing secret: `whsec_` and 32 of `[0-9A-Z]`. */
export const generateWebhookSecret = Effect.fn("Credentials.generateWebhookSecret")(function* () {
  return `whsec_${yield* alphanumerics(SECRET_LENGTH)}`
})
