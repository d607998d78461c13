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
