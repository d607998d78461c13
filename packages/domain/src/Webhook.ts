/**
 * Webhooks: an account's endpoints (a URL, the event types it wants, a signing secret) and the
 * deliveries of registry events to them. A delivery is made at least once: attempted until the
 * receiver answers 2xx, retried with exponential backoff and jitter, given up after a set number
 * of attempts, and every attempt is kept. Receivers de-duplicate by the event id.
 */
import { Duration, Schema } from "effect"
import { isPublicHost } from "./PublicHost.ts"
import { type RegistryEvent, RegistryEventType, withIsoTimes } from "./RegistryEvent.ts"

export const WebhookEndpoint = Schema.Struct({
  endpointId: Schema.String,
  accountId: Schema.String,
  url: Schema.String,
  /** The event types delivered to it. */
  events: Schema.Array(RegistryEventType),
  /** The HMAC-SHA256 key deliveries are signed with; shown to the customer once, at creation. */
  secret: Schema.String,
  dateCreated: Schema.Number
})
export type WebhookEndpoint = typeof WebhookEndpoint.Type

export const DeliveryStatus = Schema.Literals(["PENDING", "DELIVERED", "FAILED"])
export type DeliveryStatus = typeof DeliveryStatus.Type

export const WebhookDelivery = Schema.Struct({
  /** One per event and endpoint: enqueuing the same event twice makes no second delivery. */
  deliveryId: Schema.String,
  endpointId: Schema.String,
  accountId: Schema.String,
  eventId: Schema.String,
  eventType: RegistryEventType,
  /** The JSON body sent, fixed at enqueue time so every attempt sends the same bytes. */
  payload: Schema.String,
  status: DeliveryStatus,
  /** Attempts made so far. */
  attempts: Schema.Number,
  /** When the next attempt is due (PENDING only). */
  nextAttemptAt: Schema.Number,
  dateCreated: Schema.Number,
  dateUpdated: Schema.Number
})
export type WebhookDelivery = typeof WebhookDelivery.Type

export const DeliveryAttempt = Schema.Struct({
  deliveryId: Schema.String,
  /** 1 for the first attempt. */
  attempt: Schema.Number,
  at: Schema.Number,
  durationMs: Schema.Number,
  /** The receiver's HTTP status, `null` when none came back (refused, reset, timed out). */
  httpStatus: Schema.NullOr(Schema.Number),
  /** Why the attempt failed, in a few words; `null` on success. Never a response body. */
  error: Schema.NullOr(Schema.String)
})
export type DeliveryAttempt = typeof DeliveryAttempt.Type

export interface RetryPolicy {
  /** The wait after the first failed attempt; each later wait doubles, up to `maxDelay`. */
  readonly initialDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  /** Attempts in all before a delivery is FAILED. */
  readonly maxAttempts: number
  /** How long one attempt may take before it counts as failed. */
  readonly timeout: Duration.Duration
}

/** 10 s, 20 s, 40 s … capped at an hour: 12 attempts span about six hours. */
export const defaultRetryPolicy: RetryPolicy = {
  initialDelay: Duration.seconds(10),
  maxDelay: Duration.hours(1),
  maxAttempts: 12,
  timeout: Duration.seconds(10)
}

/** The wait before attempt `attempt + 1`, after `attempt` failed: exponential, with up to 20% less
 * at random (`random` in [0, 1)) so receivers that failed together are not retried together. */
export const backoff = (policy: RetryPolicy, attempt: number, random: number): number => {
  const base = Duration.toMillis(policy.initialDelay) * 2 ** Math.max(0, attempt - 1)
  const capped = Math.min(base, Duration.toMillis(policy.maxDelay))
  return Math.round(capped * (1 - 0.2 * random))
}

/** Whether a receiver's status means it took the event. */
export const isAccepted = (httpStatus: number | null): boolean =>
  httpStatus !== null && httpStatus >= 200 && httpStatus < 300

/** The delivery after an attempt: DELIVERED, due again after its backoff, or FAILED for good —
 * at once when the attempt was `refused` by the private-host policy, which no retry would change. */
export const afterAttempt = (
  delivery: WebhookDelivery,
  attempt: DeliveryAttempt,
  policy: RetryPolicy,
  random: number,
  refused = false
): WebhookDelivery => {
  const attempts = attempt.attempt
  const status: DeliveryStatus = isAccepted(attempt.httpStatus)
    ? "DELIVERED"
    : refused || attempts >= policy.maxAttempts
      ? "FAILED"
      : "PENDING"
  return {
    ...delivery,
    status,
    attempts,
    nextAttemptAt:
      status === "PENDING" ? attempt.at + backoff(policy, attempts, random) : delivery.nextAttemptAt,
    dateUpdated: attempt.at
  }
}

/** The JSON body receivers get: the event, with its times as ISO 8601 like the rest of the API. */
export const payloadOf = (event: RegistryEvent): string => JSON.stringify(withIsoTimes(event))

/** The delivery of `event` to `endpoint`, due now. */
export const deliveryOf = (
  event: RegistryEvent,
  endpoint: WebhookEndpoint,
  now: number
): WebhookDelivery => ({
  deliveryId: `${event.eventId}.${endpoint.endpointId}`,
  endpointId: endpoint.endpointId,
  accountId: endpoint.accountId,
  eventId: event.eventId,
  eventType: event.type,
  payload: payloadOf(event),
  status: "PENDING",
  attempts: 0,
  nextAttemptAt: now,
  dateCreated: now,
  dateUpdated: now
})

/** Whether the endpoint wants the event: same account, a type it picked. */
export const wants = (endpoint: WebhookEndpoint, event: RegistryEvent): boolean =>
  endpoint.accountId === event.accountId && endpoint.events.includes(event.type)

export type UrlProblem = "scheme" | "format" | "credentials" | "privateHost"

/**
 * What is wrong with a webhook URL, or `undefined` when it will do: http(s) only, no user or
 * password in it, a plausible host and port, and — unless `allowPrivateHosts` — a host that may be
 * public (`PublicHost.isPublicHost`): no localhost, private-use or single-label name and no special-
 * purpose address, however it is spelled (`0x7f000001`, `127.1`, `[::ffff:7f00:1]` are 127.0.0.1
 * to `fetch`). The domain does not resolve names: where a name resolves to is checked by the
 * transport at each attempt (on Node), or left to the platform (at the edge).
 */
export const urlProblem = (url: string, allowPrivateHosts: boolean): UrlProblem | undefined => {
  if (url.length > 2048) return "format"
  const parts = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#\s]*)([^\s]*)$/u.exec(url)
  if (parts === null) return /^https?:/iu.test(url) ? "format" : "scheme"
  const scheme = (parts[1] as string).toLowerCase()
  if (scheme !== "http" && scheme !== "https") return "scheme"
  const authority = parts[2] as string
  if (authority.includes("@")) return "credentials"
  const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/u.exec(authority)
  if (hostPort === null) return "format"
  const host = hostPort[1] as string
  const port = hostPort[2] === undefined ? undefined : Number(hostPort[2])
  if (port !== undefined && (port < 1 || port > 65535)) return "format"
  if (!host.startsWith("[") && (host.startsWith(".") || host.includes(".."))) return "format"
  if (!allowPrivateHosts && !isPublicHost(host)) return "privateHost"
  return undefined
}

/** What an attempt refused before sending records, for a URL the policy no longer accepts (it was
 * registered under another policy, or the rules have grown since). Never an address: the customer
 * reads it. */
export const refusalOf = (problem: UrlProblem): string =>
  problem === "privateHost" ? "refused: non-public host" : `refused: invalid URL (${problem})`

/** What an attempt records when the host resolved to a non-public address. */
export const REFUSED_ADDRESS = "refused: host resolves to a non-public address"
