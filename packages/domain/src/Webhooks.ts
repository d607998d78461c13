/**
 * The webhook use cases: an account registers endpoints and picks event types; the event relay
 * hands every committed event to `enqueue`, which makes one delivery per interested endpoint;
 * `deliverDue` attempts the deliveries that are due (signed by the transport), records every
 * attempt, and schedules retries with exponential backoff until the receiver answers 2xx or the
 * attempts run out. The private-host policy is applied again at every attempt: one it refuses is
 * recorded with the reason and fails the delivery at once. Customers and operators read deliveries and their attempts.
 */
import { Clock, Context, Duration, Effect, Layer, Option, Random } from "effect"
import { SecureRandom } from "effect/crypto"
import { EventPublisher, type EventPublisherShape, EventPublishFailed } from "./EventPublisher.ts"
import * as Identifier from "./Identifier.ts"
import type { RegistryEvent, RegistryEventType } from "./RegistryEvent.ts"
import { InvalidWebhookUrl, WebhookEndpointLimitReached, WebhookEndpointNotFound } from "./SenderIdError.ts"
import * as Webhook from "./Webhook.ts"
import { type DeliveryQuery, WebhookStore } from "./WebhookStore.ts"
import { type WebhookOutcome, WebhookTransport } from "./WebhookTransport.ts"

export interface WebhookPolicyShape {
  readonly retry: Webhook.RetryPolicy
  readonly maxEndpointsPerAccount: number
  /** Whether endpoints may name loopback or private addresses (a self-hosted network's choice). */
  readonly allowPrivateHosts: boolean
}

export class WebhookPolicy extends Context.Reference<WebhookPolicyShape>("@senderid/domain/WebhookPolicy", {
  defaultValue: () => ({
    retry: Webhook.defaultRetryPolicy,
    maxEndpointsPerAccount: 10,
    allowPrivateHosts: false
  })
}) {}

export interface DeliveryReport {
  readonly attempted: number
  readonly delivered: number
  /** Attempts that failed and will be retried. */
  readonly retrying: number
  /** Deliveries given up on with this attempt. */
  readonly failed: number
}

/** The publisher side of `Webhooks`: a relayed batch becomes deliveries (see `publishToEach` to
 * combine it with another publisher). */
export const publisherOf = (webhooks: Webhooks["Service"]): EventPublisherShape => ({
  publish: (events) =>
    webhooks.enqueue(events).pipe(
      Effect.asVoid,
      Effect.mapError((cause) => new EventPublishFailed({ cause }))
    )
})

export class Webhooks extends Context.Service<Webhooks>()("@senderid/domain/Webhooks", {
  make: Effect.gen(function* () {
    const store = yield* WebhookStore
    const transport = yield* WebhookTransport
    const policy = yield* WebhookPolicy
    // Endpoint ids come from the CSPRNG this service was built with.
    const drawing = Effect.provideService(SecureRandom.SecureRandom, yield* SecureRandom.SecureRandom)

    const addEndpoint = Effect.fn("Webhooks.addEndpoint")(function* (
      accountId: string,
      input: {
        readonly url: string
        readonly events: ReadonlyArray<RegistryEventType>
        readonly secret: string
      }
    ) {
      const problem = Webhook.urlProblem(input.url, policy.allowPrivateHosts)
      if (problem !== undefined) return yield* new InvalidWebhookUrl({ url: input.url, reason: problem })
      const existing = yield* store.listEndpoints(accountId)
      if (existing.length >= policy.maxEndpointsPerAccount) {
        return yield* new WebhookEndpointLimitReached({ accountId, limit: policy.maxEndpointsPerAccount })
      }
      const endpoint: Webhook.WebhookEndpoint = {
        endpointId: yield* Identifier.make("WHK"),
        accountId,
        url: input.url,
        events: [...new Set(input.events)],
        secret: input.secret,
        dateCreated: yield* Clock.currentTimeMillis
      }
      yield* store.addEndpoint(endpoint)
      return endpoint
    }, drawing)

    const listEndpoints = (accountId: string) =>
      store.listEndpoints(accountId).pipe(Effect.withSpan("Webhooks.listEndpoints"))

    const removeEndpoint = Effect.fn("Webhooks.removeEndpoint")(function* (
      accountId: string,
      endpointId: string
    ) {
      const removed = yield* store.removeEndpoint(accountId, endpointId)
      if (Option.isNone(removed)) return yield* new WebhookEndpointNotFound({ accountId, endpointId })
      return removed.value
    })

    /** One delivery per endpoint that wants the event; enqueuing an event again adds nothing. */
    const enqueue = Effect.fn("Webhooks.enqueue")(function* (events: ReadonlyArray<RegistryEvent>) {
      const now = yield* Clock.currentTimeMillis
      const accounts = [...new Set(events.map((e) => e.accountId))]
      const endpoints = (yield* Effect.forEach(accounts, (accountId) =>
        store.listEndpoints(accountId)
      )).flat()
      const deliveries = events.flatMap((event) =>
        endpoints
          .filter((endpoint) => Webhook.wants(endpoint, event))
          .map((e) => Webhook.deliveryOf(event, e, now))
      )
      if (deliveries.length > 0) yield* store.enqueue(deliveries)
      return deliveries.length
    })

    const attempt = Effect.fn("Webhooks.attempt")(function* ({
      delivery,
      endpoint
    }: {
      readonly delivery: Webhook.WebhookDelivery
      readonly endpoint: Webhook.WebhookEndpoint
    }) {
      const number = delivery.attempts + 1
      const started = yield* Clock.currentTimeMillis
      // The policy in force now, not the one the endpoint was registered under.
      const problem = Webhook.urlProblem(endpoint.url, policy.allowPrivateHosts)
      const outcome: WebhookOutcome =
        problem !== undefined
          ? { httpStatus: null, error: Webhook.refusalOf(problem), refused: true }
          : yield* transport.send({
              url: endpoint.url,
              payload: delivery.payload,
              secret: endpoint.secret,
              eventId: delivery.eventId,
              eventType: delivery.eventType,
              deliveryId: delivery.deliveryId,
              attempt: number,
              timeoutMillis: Duration.toMillis(policy.retry.timeout),
              allowPrivateHosts: policy.allowPrivateHosts
            })
      const ended = yield* Clock.currentTimeMillis
      const record: Webhook.DeliveryAttempt = {
        deliveryId: delivery.deliveryId,
        attempt: number,
        at: started,
        durationMs: ended - started,
        httpStatus: outcome.httpStatus,
        error: Webhook.isAccepted(outcome.httpStatus) ? null : (outcome.error ?? `HTTP ${outcome.httpStatus}`)
      }
      const refused = outcome.refused === true
      const next = Webhook.afterAttempt(delivery, record, policy.retry, yield* Random.next, refused)
      yield* store.recordAttempt(record, next)
      yield* Effect.logInfo("webhook attempt").pipe(
        Effect.annotateLogs({
          deliveryId: delivery.deliveryId,
          eventId: delivery.eventId,
          endpointId: endpoint.endpointId,
          attempt: number,
          httpStatus: outcome.httpStatus ?? "none",
          durationMs: record.durationMs,
          outcome: refused
            ? "refused"
            : next.status === "PENDING"
              ? "retrying"
              : next.status === "DELIVERED"
                ? "delivered"
                : "failed"
        })
      )
      return next.status
    })

    /** Attempts the deliveries due now (claimed, so another instance does not attempt them too). */
    const deliverDue = Effect.fn("Webhooks.deliverDue")(function* (options?: {
      readonly batchSize?: number
      readonly concurrency?: number
    }) {
      const now = yield* Clock.currentTimeMillis
      // Longer than any attempt may take: a live attempt is never taken over.
      const lease = Duration.toMillis(policy.retry.timeout) + 30_000
      const claimed = yield* store.claimDue(now, options?.batchSize ?? 50, lease)
      const statuses = yield* Effect.forEach(claimed, attempt, { concurrency: options?.concurrency ?? 8 })
      return {
        attempted: statuses.length,
        delivered: statuses.filter((s) => s === "DELIVERED").length,
        retrying: statuses.filter((s) => s === "PENDING").length,
        failed: statuses.filter((s) => s === "FAILED").length
      } satisfies DeliveryReport
    })

    const deliveries = (query: DeliveryQuery) =>
      store.listDeliveries(query).pipe(Effect.withSpan("Webhooks.deliveries"))

    const attempts = (deliveryId: string) =>
      store.listAttempts(deliveryId).pipe(Effect.withSpan("Webhooks.attempts"))

    return { addEndpoint, listEndpoints, removeEndpoint, enqueue, deliverDue, deliveries, attempts }
  })
}) {
  static readonly layer = Layer.effect(Webhooks, Webhooks.make)

  /** An `EventPublisher` that turns relayed events into webhook deliveries. */
  static readonly publisher: Layer.Layer<EventPublisher, never, Webhooks> = Layer.effect(
    EventPublisher,
    Webhooks.use((webhooks) => Effect.succeed(EventPublisher.of(publisherOf(webhooks))))
  )
}
