/**
 * Webhook deliveries over `fetch` (Node and Workers alike), signed so receivers can tell them from
 * forgeries: `x-senderid-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is inside the signed text, so a captured request cannot be replayed later than the
 * receiver's tolerance. Redirects are not followed (a 3xx is a failed attempt), and nothing of the
 * receiver's answer but its status is read.
 */
import type { WebhookOutcome, WebhookRequest } from "@senderid/domain"
import { WebhookTransport } from "@senderid/domain"
import { Effect, Layer } from "effect"
import { constantTimeEqual, type HmacSha256, webCryptoHmacSha256 } from "./Signature.ts"

export const SIGNATURE_HEADER = "x-senderid-signature"

/** The signature header's value for `payload` sent at `timestampSeconds`. */
export const signatureOf = (
  secret: string,
  timestampSeconds: number,
  payload: string,
  hmacSha256: HmacSha256 = webCryptoHmacSha256
): Effect.Effect<string> =>
  hmacSha256(secret, `${timestampSeconds}.${payload}`).pipe(
    Effect.map((hex) => `t=${timestampSeconds},v1=${hex}`)
  )

/** Whether `header` signs `payload` with `secret`, within `toleranceSeconds` of `nowSeconds` —
 * what a receiver checks; here for receivers written against this package, and for our tests. */
export const verifySignature = (
  header: string | null | undefined,
  secret: string,
  payload: string,
  options: { readonly nowSeconds: number; readonly toleranceSeconds?: number }
): Effect.Effect<boolean> => {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/u.exec(header ?? "")
  if (match === null) return Effect.succeed(false)
  const timestamp = Number(match[1])
  if (Math.abs(options.nowSeconds - timestamp) > (options.toleranceSeconds ?? 300))
    return Effect.succeed(false)
  return signatureOf(secret, timestamp, payload).pipe(
    Effect.map((expected) => constantTimeEqual(expected, header ?? ""))
  )
}

/** A few words on why no response came back, never the error's full text (it may hold addresses). */
const failureOf = (error: unknown): string => {
  const name = (error as { name?: unknown } | null)?.name
  if (name === "TimeoutError" || name === "AbortError") return "timeout"
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause?.code ?? "") as string
  if (code === "ECONNREFUSED") return "connection refused"
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset"
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found"
  return "network error"
}

export interface FetchTransportOptions {
  readonly fetch?: typeof globalThis.fetch
  /** Epoch ms, for the signature's timestamp. */
  readonly now?: () => number
  readonly hmacSha256?: HmacSha256
}

/** One signed POST of `request` over `options.fetch` (the global one by default): the transport's
 * `send`, and the part another transport reuses with its own `fetch` (a pinned connection on Node). */
export const sendOver =
  (options: FetchTransportOptions) =>
  (request: WebhookRequest): Effect.Effect<WebhookOutcome> =>
    Effect.gen(function* () {
      const fetch = options.fetch ?? globalThis.fetch
      const timestamp = Math.floor((options.now ?? Date.now)() / 1000)
      const signature = yield* signatureOf(request.secret, timestamp, request.payload, options.hmacSha256)
      return yield* Effect.tryPromise({
        try: async () => {
          const response = await fetch(request.url, {
            method: "POST",
            body: request.payload,
            redirect: "manual",
            signal: AbortSignal.timeout(request.timeoutMillis),
            headers: {
              "content-type": "application/json",
              "user-agent": "senderid-webhooks/1",
              "x-senderid-event-id": request.eventId,
              "x-senderid-event-type": request.eventType,
              "x-senderid-delivery-id": request.deliveryId,
              "x-senderid-attempt": String(request.attempt),
              [SIGNATURE_HEADER]: signature
            }
          })
          // Only the status matters; let the connection go without reading what the receiver said.
          await response.body?.cancel().catch(() => undefined)
          return { httpStatus: response.status, error: response.ok ? null : `HTTP ${response.status}` }
        },
        catch: failureOf
      }).pipe(Effect.catch((error) => Effect.succeed<WebhookOutcome>({ httpStatus: null, error })))
    })

/** The `WebhookTransport` over `fetch`. */
export const layerFetchTransport = (options: FetchTransportOptions = {}): Layer.Layer<WebhookTransport> =>
  Layer.succeed(WebhookTransport, WebhookTransport.of({ send: sendOver(options) }))
