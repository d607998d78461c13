/**
 * Node's own HMAC-SHA256 for signature checks: synchronous `node:crypto`, several times cheaper per
 * request than WebCrypto's promise round trip. The Worker keeps WebCrypto, the server's default.
 */
import { createHmac } from "node:crypto"
import type { Signature } from "@senderid/server"
import { Effect } from "effect"

export const hmacSha256: Signature.HmacSha256 = (secret, message) =>
  Effect.sync(() => createHmac("sha256", secret).update(message).digest("hex"))
