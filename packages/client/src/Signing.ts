/**
 * SOLAPI's request signature, as a client makes it: `HMAC-SHA256 apiKey=…, date=<ISO 8601>,
 * salt=<32 hex>, signature=<hex HMAC-SHA256(secret, date + salt)>`, a fresh salt every time so no
 * two requests (retries included) carry the same signature. WebCrypto only.
 */
import { Effect } from "effect"

const encoder = new TextEncoder()
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

/** A key imported once per secret: importing is the slow part of a WebCrypto HMAC. */
const keys = new Map<string, Promise<CryptoKey>>()
const importKey = (secret: string) => {
  let key = keys.get(secret)
  if (key === undefined) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign"
    ])
    keys.set(secret, key)
  }
  return key
}

/** The `Authorization` header for a request made at `now` (epoch ms). */
export const authorization = (apiKey: string, apiSecret: string, now: number): Effect.Effect<string> =>
  Effect.promise(async () => {
    const date = new Date(now).toISOString()
    const salt = toHex(crypto.getRandomValues(new Uint8Array(16)))
    const mac = await crypto.subtle.sign("HMAC", await importKey(apiSecret), encoder.encode(date + salt))
    return `HMAC-SHA256 apiKey=${apiKey}, date=${date}, salt=${salt}, signature=${toHex(new Uint8Array(mac))}`
  })
