/**
 * An `EventPublisher` that writes each registry event to the log as one structured line. Until
 * webhooks deliver them, this is where the outbox drains: operators can follow every change.
 */
import { EventPublisher } from "@senderid/domain"
import { Effect, Layer } from "effect"

export const layerLog = Layer.succeed(
  EventPublisher,
  EventPublisher.of({
    publish: (events) =>
      Effect.forEach(
        events,
        (event) => Effect.logInfo("registry event").pipe(Effect.annotateLogs({ event })),
        { discard: true }
      )
  })
)
