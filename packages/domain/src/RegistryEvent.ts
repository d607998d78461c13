/**
 * What happened in the registry, as events other systems can react to (webhooks, the message
 * sender's cache). Use cases write them in the same commit as the change they describe, so an
 * event exists exactly when its change does.
 */
import { Schema } from "effect"

export const RegistryEventType = Schema.Literals([
  "senderid.registered",
  "senderid.activated",
  "senderid.status_changed",
  "senderid.expired",
  "senderid.extended",
  "senderid.deleted",
  "senderid.duplicated",
  "senderid.suspended",
  "senderid.suspension_lifted",
  "review.requested",
  "review.decided",
  "account.limit_changed",
  "account.suspended",
  "account.reinstated"
])
export type RegistryEventType = typeof RegistryEventType.Type

export const RegistryEvent = Schema.Struct({
  /** Unique per event, for receivers to de-duplicate at-least-once deliveries. */
  eventId: Schema.String,
  type: RegistryEventType,
  accountId: Schema.String,
  occurredAt: Schema.Number,
  /** Small, flat facts: the number, statuses, the review id and decision, the new limit. */
  data: Schema.Record(
    Schema.String,
    Schema.Union([Schema.String, Schema.Number, Schema.Boolean, Schema.Null])
  )
})
export type RegistryEvent = typeof RegistryEvent.Type

/** An event as it is shown outside the registry (webhook bodies, log lines). */
export interface RegistryEventWithIsoTimes {
  readonly eventId: string
  readonly type: RegistryEventType
  readonly accountId: string
  readonly occurredAt: string
  readonly data: Readonly<Record<string, string | number | boolean | null>>
}

/** The event with its times in ISO 8601 like the rest of the API: `occurredAt`, and `data` fields
 * named `…At` such as `expireAt`. Stored (and compared) as epoch milliseconds. */
export const withIsoTimes = (event: RegistryEvent): RegistryEventWithIsoTimes => ({
  eventId: event.eventId,
  type: event.type,
  accountId: event.accountId,
  occurredAt: new Date(event.occurredAt).toISOString(),
  data: Object.fromEntries(
    Object.entries(event.data).map(([key, value]) =>
      key.endsWith("At") && typeof value === "number" ? [key, new Date(value).toISOString()] : [key, value]
    )
  )
})
