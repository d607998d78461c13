/**
 * The raw references' authentication, a BENCH FIXTURE: SOLAPI's HMAC-SHA256 header checked by hand
 * (keys in a Map, `node:crypto`, the date's skew, a constant-time compare) and its signature claimed
 * in an in-process set. `claimed` hears each accepted signature, for a reference that keeps them.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { makeClaimSet } from "@senderid/domain"
import type { Context } from "hono"

export interface RawKey {
  readonly apiKey: string
  readonly secret: string
  readonly accountId: string
}

const HEADER = /^HMAC-SHA256 apiKey=([^,]+), date=([^,]+), salt=([^,]+), signature=([0-9a-f]{64})$/u
const WINDOW_MILLIS = 15 * 60_000

/** The caller's account, or the 403 SOLAPI answers. */
export const makeRawAuthentication = (
  keys: ReadonlyArray<RawKey>,
  claimed: (signature: string, expiresAt: number) => void = () => {}
) => {
  const byKey = new Map(keys.map((k) => [k.apiKey, k]))
  const claims = makeClaimSet()
  return (c: Context): string | Response => {
    const match = HEADER.exec(c.req.header("authorization") ?? "")
    if (match === null) return c.json({ errorCode: "InvalidAuthorization" }, 403)
    const [, apiKey = "", date = "", salt = "", signature = ""] = match
    const key = byKey.get(apiKey)
    if (key === undefined) return c.json({ errorCode: "InvalidAPIKey" }, 403)
    const now = Date.now()
    const dated = Date.parse(date)
    if (!(Math.abs(dated - now) <= WINDOW_MILLIS)) return c.json({ errorCode: "RequestTimeTooSkewed" }, 403)
    const expected = createHmac("sha256", key.secret)
      .update(date + salt)
      .digest()
    if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
      return c.json({ errorCode: "SignatureDoesNotMatch" }, 403)
    }
    const window = dated + WINDOW_MILLIS + 1 - now
    if (!claims.claim(signature, window, now)) return c.json({ errorCode: "DuplicatedSignature" }, 403)
    claimed(signature, now + window)
    return key.accountId
  }
}
