/**
 * Delivers registry events to the outside world (webhooks later). Use cases never call it
 * directly: events are committed with their change, and the `EventRelay` drains that outbox
 * through this port, so delivery is at least once and never for a change that rolled back.
 */
import { Context, Effect, Layer, Ref, Schema } from "effect"
import type { RegistryEvent } from "./RegistryEvent.ts"

export class EventPublishFailed extends Schema.TaggedError<EventPublishFailed>()("EventPublishFailed", {
  cause: Schema.Defect()
}) {}

export interface EventPublisherShape {
  readonly publish: (events: ReadonlyArray<RegistryEvent>) => Effect.Effect<void, EventPublishFailed>
}

export class EventPublisher extends Context.Service<EventPublisher, EventPublisherShape>()(
  "@senderid/domain/EventPublisher"
) {}

/** Everything the in-memory publisher received, in order. */
export class PublishedEvents extends Context.Service<
  PublishedEvents,
  { readonly all: Effect.Effect<ReadonlyArray<RegistryEvent>> }
>()("@senderid/domain/PublishedEvents") {}

export const layerMemory: Layer.Layer<EventPublisher | PublishedEvents> = Layer.effectContext(
  Effect.gen(function* () {
    const received = yield* Ref.make<ReadonlyArray<RegistryEvent>>([])
    return Context.make(
      EventPublisher,
      EventPublisher.of({ publish: (events) => Ref.update(received, (all) => [...all, ...events]) })
    ).pipe(Context.add(PublishedEvents, PublishedEvents.of({ all: Ref.get(received) })))
  })
)

/** One publisher that hands every batch to each of `publishers` in turn (the log, then webhooks):
 * the batch counts as published only when all of them took it. */
export const publishToEach = (...publishers: ReadonlyArray<EventPublisherShape>): EventPublisherShape => ({
  publish: (events) => Effect.forEach(publishers, (p) => p.publish(events), { discard: true })
})
