/**
 * Webhooks on the wire: an endpoint (its secret only in the answer that creates it), and
 * deliveries with every attempt — what a customer or operator reads to see whether an event
 * arrived, and why not.
 */
import type { Webhook } from "@senderid/domain"
import { RegistryEvent } from "@senderid/domain"
import { Schema } from "effect"
import { IsoDate, isoDate } from "./Wire.ts"

const EventType = RegistryEvent.RegistryEventType

export const WebhookEndpointView = Schema.Struct({
  endpointId: Schema.String,
  url: Schema.String,
  events: Schema.Array(EventType),
  dateCreated: IsoDate
}).annotate({ identifier: "WebhookEndpoint" })
export type WebhookEndpointView = typeof WebhookEndpointView.Type

export const WebhookEndpointList = Schema.Array(WebhookEndpointView).annotate({
  identifier: "WebhookEndpointList"
})

export const CreatedWebhookEndpoint = Schema.Struct({
  ...WebhookEndpointView.fields,
  secret: Schema.String.annotate({
    description:
      "Signs every delivery (`x-senderid-signature: t=…,v1=hex HMAC-SHA256(secret, t + '.' + body)`). Shown once, in this answer only."
  })
}).annotate({ identifier: "CreatedWebhookEndpoint" })
export type CreatedWebhookEndpoint = typeof CreatedWebhookEndpoint.Type

export const DeliveryAttemptView = Schema.Struct({
  attempt: Schema.Number,
  at: IsoDate,
  durationMs: Schema.Number,
  httpStatus: Schema.NullOr(Schema.Int),
  error: Schema.NullOr(Schema.String)
}).annotate({ identifier: "WebhookDeliveryAttempt" })
export type DeliveryAttemptView = typeof DeliveryAttemptView.Type

export const DeliveryView = Schema.Struct({
  deliveryId: Schema.String,
  endpointId: Schema.String,
  accountId: Schema.String,
  eventId: Schema.String,
  eventType: EventType,
  status: Schema.Literals(["PENDING", "DELIVERED", "FAILED"]),
  /** When the next attempt is due; `null` once DELIVERED or FAILED. */
  nextAttemptAt: Schema.NullOr(IsoDate),
  dateCreated: IsoDate,
  dateUpdated: IsoDate,
  attempts: Schema.Array(DeliveryAttemptView)
}).annotate({ identifier: "WebhookDelivery" })
export type DeliveryView = typeof DeliveryView.Type

export const DeliveryPage = Schema.Struct({
  deliveries: Schema.Array(DeliveryView),
  nextKey: Schema.NullOr(Schema.String)
}).annotate({ identifier: "WebhookDeliveryPage", description: "Newest first." })
export type DeliveryPage = typeof DeliveryPage.Type

export const webhookEndpointView = (endpoint: Webhook.WebhookEndpoint): WebhookEndpointView => ({
  endpointId: endpoint.endpointId,
  url: endpoint.url,
  events: [...endpoint.events],
  dateCreated: isoDate(endpoint.dateCreated)
})

export const deliveryView = (
  delivery: Webhook.WebhookDelivery,
  attempts: ReadonlyArray<Webhook.DeliveryAttempt>
): DeliveryView => ({
  deliveryId: delivery.deliveryId,
  endpointId: delivery.endpointId,
  accountId: delivery.accountId,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  status: delivery.status,
  nextAttemptAt: delivery.status === "PENDING" ? isoDate(delivery.nextAttemptAt) : null,
  dateCreated: isoDate(delivery.dateCreated),
  dateUpdated: isoDate(delivery.dateUpdated),
  attempts: attempts.map((a) => ({
    attempt: a.attempt,
    at: isoDate(a.at),
    durationMs: a.durationMs,
    httpStatus: a.httpStatus,
    error: a.error
  }))
})
