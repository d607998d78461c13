/**
 * Where relayed registry events go: each as one structured log line (operators can follow every
 * change), then into webhook deliveries for the endpoints that want it.
 */
import {
  EventPublisher,
  type EventPublisherShape,
  publishToEach,
  RegistryEvent,
  Webhooks,
  webhookPublisherOf
} from "@senderid/domain"
import { Effect, Layer } from "effect"

const logPublisher: EventPublisherShape = {
  publish: (events) =>
    Effect.forEach(
      events,
      // Times in ISO 8601, as in every other line and in the webhook bodies, not the stored epoch ms.
      (event) =>
        Effect.logInfo("registry event").pipe(
          Effect.annotateLogs({ event: RegistryEvent.withIsoTimes(event) })
        ),
      { discard: true }
    )
}

/** The log, then webhooks: a batch counts as published once both took it. */
export const layerPublisher: Layer.Layer<EventPublisher, never, Webhooks> = Layer.effect(
  EventPublisher,
  Webhooks.use((webhooks) =>
    Effect.succeed(EventPublisher.of(publishToEach(logPublisher, webhookPublisherOf(webhooks))))
  )
)
