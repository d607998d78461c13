/**
 * The conformance suite every `WebhookStore` adapter must pass: endpoints per account, removal with
 * their deliveries, idempotent enqueue, claims that lease (one claimer per delivery, even under
 * concurrency), attempts kept in order, and the delivery list's filters and paging. Run it against
 * an empty store; tests use run-unique account ids so they can share it.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import type { RegistryEvent } from "../RegistryEvent.ts"
import * as Webhook from "../Webhook.ts"
import { WebhookStore } from "../WebhookStore.ts"
import * as Fixture from "./fixtures.ts"

let counter = 0
const unique = (prefix: string) => `${prefix}${Fixture.accountId().replace(/\W/gu, "")}${++counter}`

const endpointOf = (accountId: string, dateCreated = 1): Webhook.WebhookEndpoint => ({
  endpointId: unique("WHK"),
  accountId,
  url: "https://hooks.example.com/senderid",
  events: ["senderid.registered", "review.decided"],
  secret: "whsec_test",
  dateCreated
})

const eventOf = (accountId: string, occurredAt = 1): RegistryEvent => ({
  eventId: unique("EVT"),
  type: "senderid.registered",
  accountId,
  occurredAt,
  data: { phoneNumber: "01023456789" }
})

const attemptOf = (delivery: Webhook.WebhookDelivery, at: number, httpStatus: number | null) => ({
  deliveryId: delivery.deliveryId,
  attempt: delivery.attempts + 1,
  at,
  durationMs: 12,
  httpStatus,
  error: httpStatus === 204 ? null : "HTTP 503"
})

/** Far in the future, so other tests' due deliveries (at small times) are always due too: claims
 * are checked by what they return of this test's account. */
const FUTURE = 4_000_000_000_000

export const webhookStoreConformance = (
  name: string,
  storeLayer: Layer.Layer<WebhookStore, unknown>,
  options: { readonly concurrency?: number } = {}
): void => {
  const concurrency = options.concurrency ?? 20

  layer(storeLayer, { timeout: "120 seconds", excludeTestServices: true })(
    `WebhookStore conformance: ${name}`,
    (it) => {
      describe("endpoints", () => {
        it.effect("keeps an account's endpoints oldest first, apart from other accounts'", () =>
          Effect.gen(function* () {
            const store = yield* WebhookStore
            const accountId = Fixture.accountId()
            const first = endpointOf(accountId, 1)
            const second = endpointOf(accountId, 2)
            yield* store.addEndpoint(second)
            yield* store.addEndpoint(first)
            yield* store.addEndpoint(endpointOf(Fixture.accountId()))
            assert.deepStrictEqual(yield* store.listEndpoints(accountId), [first, second])
          })
        )

        it.effect("removes an endpoint with its deliveries, only from its own account", () =>
          Effect.gen(function* () {
            const store = yield* WebhookStore
            const accountId = Fixture.accountId()
            const endpoint = endpointOf(accountId)
            yield* store.addEndpoint(endpoint)
            yield* store.enqueue([Webhook.deliveryOf(eventOf(accountId), endpoint, 1)])
            assert.isTrue(
              Option.isNone(yield* store.removeEndpoint(Fixture.accountId(), endpoint.endpointId))
            )
            assert.deepStrictEqual(
              yield* store.removeEndpoint(accountId, endpoint.endpointId),
              Option.some(endpoint)
            )
            assert.deepStrictEqual(yield* store.listEndpoints(accountId), [])
            assert.deepStrictEqual((yield* store.listDeliveries({ accountId, limit: 10 })).items, [])
          })
        )
      })

      describe("deliveries", () => {
        it.effect("stores a delivery once however often it is enqueued, and lists it as stored", () =>
          Effect.gen(function* () {
            const store = yield* WebhookStore
            const accountId = Fixture.accountId()
            const endpoint = endpointOf(accountId)
            yield* store.addEndpoint(endpoint)
            const delivery = Webhook.deliveryOf(eventOf(accountId), endpoint, 5)
            yield* store.enqueue([delivery])
            yield* store.enqueue([{ ...delivery, payload: "changed" }, delivery])
            assert.deepStrictEqual((yield* store.listDeliveries({ accountId, limit: 10 })).items, [delivery])
          })
        )

        it.effect(
          "claims due deliveries oldest due first, leases them, and releases them with an attempt",
          () =>
            Effect.gen(function* () {
              const store = yield* WebhookStore
              const accountId = Fixture.accountId()
              const endpoint = endpointOf(accountId)
              yield* store.addEndpoint(endpoint)
              const later = {
                ...Webhook.deliveryOf(eventOf(accountId), endpoint, 10),
                nextAttemptAt: FUTURE + 20
              }
              const sooner = {
                ...Webhook.deliveryOf(eventOf(accountId), endpoint, 10),
                nextAttemptAt: FUTURE + 10
              }
              const notDue = {
                ...Webhook.deliveryOf(eventOf(accountId), endpoint, 10),
                nextAttemptAt: FUTURE + 10_000
              }
              yield* store.enqueue([later, sooner, notDue])
              const mine = (claimed: ReadonlyArray<{ readonly delivery: Webhook.WebhookDelivery }>) =>
                claimed.filter((c) => c.delivery.accountId === accountId).map((c) => c.delivery.deliveryId)

              const claimed = yield* store.claimDue(FUTURE + 100, 100_000, 1000)
              assert.deepStrictEqual(mine(claimed), [sooner.deliveryId, later.deliveryId])
              const first = claimed.find((c) => c.delivery.deliveryId === sooner.deliveryId)
              assert.deepStrictEqual(first?.endpoint, endpoint)
              assert.deepStrictEqual(first?.delivery, sooner)
              // Leased: nobody else gets them until the lease runs out.
              assert.deepStrictEqual(mine(yield* store.claimDue(FUTURE + 1099, 100_000, 1000)), [])

              const attempt = attemptOf(sooner, FUTURE + 100, 503)
              const retry = Webhook.afterAttempt(sooner, attempt, Webhook.defaultRetryPolicy, 0)
              yield* store.recordAttempt(attempt, retry)
              const delivered = attemptOf(retry, retry.nextAttemptAt, 204)
              yield* store.recordAttempt(
                delivered,
                Webhook.afterAttempt(retry, delivered, Webhook.defaultRetryPolicy, 0)
              )
              assert.deepStrictEqual(yield* store.listAttempts(sooner.deliveryId), [attempt, delivered])
              const [stored] = (yield* store.listDeliveries({ accountId, status: "DELIVERED", limit: 10 }))
                .items
              assert.strictEqual(stored?.attempts, 2)
              // The lease on `later` ran out: it is due again; `sooner` is delivered and never is.
              assert.deepStrictEqual(mine(yield* store.claimDue(FUTURE + 1100, 100_000, 1000)), [
                later.deliveryId
              ])
            })
        )

        it.effect("keeps no attempt for a delivery removed meanwhile", () =>
          Effect.gen(function* () {
            const store = yield* WebhookStore
            const accountId = Fixture.accountId()
            const endpoint = endpointOf(accountId)
            yield* store.addEndpoint(endpoint)
            const delivery = Webhook.deliveryOf(eventOf(accountId), endpoint, 1)
            yield* store.enqueue([delivery])
            yield* store.removeEndpoint(accountId, endpoint.endpointId)
            yield* store.recordAttempt(attemptOf(delivery, 2, 204), {
              ...delivery,
              status: "DELIVERED",
              attempts: 1
            })
            assert.deepStrictEqual(yield* store.listAttempts(delivery.deliveryId), [])
            assert.deepStrictEqual((yield* store.listDeliveries({ accountId, limit: 10 })).items, [])
          })
        )

        it.effect(
          `gives each of ${concurrency} due deliveries to exactly one of ${concurrency} racing claimers`,
          () =>
            Effect.gen(function* () {
              const store = yield* WebhookStore
              const accountId = Fixture.accountId()
              const endpoint = endpointOf(accountId)
              yield* store.addEndpoint(endpoint)
              const deliveries = Array.from({ length: concurrency }, () =>
                Webhook.deliveryOf(eventOf(accountId), endpoint, FUTURE + 5)
              )
              yield* store.enqueue(deliveries)
              const claims = yield* Effect.forEach(
                Array.from({ length: concurrency }),
                () => store.claimDue(FUTURE + 10, 3, 60_000),
                { concurrency: "unbounded" }
              )
              const mine = claims.flat().filter((c) => c.delivery.accountId === accountId)
              const ids = mine.map((c) => c.delivery.deliveryId)
              assert.strictEqual(new Set(ids).size, ids.length, "a delivery was claimed twice")
            })
        )

        it.effect("lists deliveries newest first, filtered, a page at a time", () =>
          Effect.gen(function* () {
            const store = yield* WebhookStore
            const accountId = Fixture.accountId()
            const a = endpointOf(accountId)
            const b = endpointOf(accountId)
            yield* store.addEndpoint(a)
            yield* store.addEndpoint(b)
            const deliveries = [1, 2, 3].map((t) => Webhook.deliveryOf(eventOf(accountId, t), a, t))
            const other = Webhook.deliveryOf(eventOf(accountId, 4), b, 4)
            yield* store.enqueue([...deliveries, other])
            const all = yield* store.listDeliveries({ accountId, limit: 10 })
            assert.deepStrictEqual(
              all.items.map((d) => d.dateCreated),
              [4, 3, 2, 1]
            )
            const ofA = yield* store.listDeliveries({ accountId, endpointId: a.endpointId, limit: 2 })
            assert.deepStrictEqual(
              ofA.items.map((d) => d.dateCreated),
              [3, 2]
            )
            assert.isNotNull(ofA.nextKey)
            const rest = yield* store.listDeliveries({
              accountId,
              endpointId: a.endpointId,
              limit: 2,
              startKey: ofA.nextKey as string
            })
            assert.deepStrictEqual(
              rest.items.map((d) => d.dateCreated),
              [1]
            )
            assert.isNull(rest.nextKey)
            assert.deepStrictEqual(
              (yield* store.listDeliveries({ accountId, status: "FAILED", limit: 10 })).items,
              []
            )
          })
        )
      })
    }
  )
}
