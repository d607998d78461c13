/**
 * Moves committed events from the repository's outbox to the `EventPublisher`. An event is marked
 * published only after the publisher accepted it, so a crash in between re-sends it: delivery is
 * at least once, and receivers de-duplicate by `eventId`.
 */
import { Context, Effect, Layer } from "effect"
import { EventPublisher } from "./EventPublisher.ts"
import { SenderIdRepository } from "./SenderIdRepository.ts"

export class EventRelay extends Context.Service<EventRelay>()("@senderid/domain/EventRelay", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const publisher = yield* EventPublisher

    /** Publishes unpublished events in commit order until the outbox is empty; returns how many. */
    const drain = Effect.fn("EventRelay.drain")(function* (options?: { readonly batchSize?: number }) {
      let relayed = 0
      while (true) {
        const events = yield* repository.unpublishedEvents(options?.batchSize ?? 100)
        if (events.length === 0) return relayed
        yield* publisher.publish(events)
        yield* repository.commit([{ _tag: "MarkEventsPublished", eventIds: events.map((e) => e.eventId) }])
        relayed += events.length
      }
    })

    return { drain }
  })
}) {
  static readonly layer = Layer.effect(EventRelay, EventRelay.make)
}
