/**
 * The outbound side of webhooks: one signed POST of a delivery's payload to its endpoint. A port,
 * because signing needs HMAC and sending needs `fetch`, which live outside the pure domain (the
 * server package supplies both from Web APIs). An attempt never fails as an Effect: a refused
 * connection, a timeout or a 5xx is an outcome to record and retry, not an error to raise. A
 * transport that resolves the host itself (Node's) also enforces `allowPrivateHosts` on the
 * addresses it would connect to, and says so with `refused`.
 */
import { Context, type Effect } from "effect"

export interface WebhookRequest {
  readonly url: string
  readonly payload: string
  readonly secret: string
  readonly eventId: string
  readonly eventType: string
  readonly deliveryId: string
  /** 1 for the first attempt. */
  readonly attempt: number
  readonly timeoutMillis: number
  /** The deployment's policy at this attempt: whether the host may resolve to a loopback, private
   * or other non-public address (`PublicHost.isPublicAddress`). */
  readonly allowPrivateHosts: boolean
}

export interface WebhookOutcome {
  /** The receiver's status; `null` when no response came back. */
  readonly httpStatus: number | null
  /** A few words on why there was no 2xx (`timeout`, `connection refused`, `HTTP 503`); `null` on success. */
  readonly error: string | null
  /** The attempt was not made: the policy forbids where the host leads. Waiting will not change
   * that, so the delivery fails at once instead of being retried. */
  readonly refused?: boolean
}

export class WebhookTransport extends Context.Service<
  WebhookTransport,
  { readonly send: (request: WebhookRequest) => Effect.Effect<WebhookOutcome> }
>()("@senderid/domain/WebhookTransport") {}
