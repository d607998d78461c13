/**
 * `WebhookStore` on D1, inside workerd: the domain's conformance suite through the same SQL adapter
 * the Node tests run on SQLite and PostgreSQL. D1 has no interactive transactions, so what spans
 * tables there goes as one batch; and it binds at most 100 parameters a statement, so a large
 * enqueue is split into inserts that fit, sent together.
 */

import { env } from "cloudflare:workers"
import { assert, describe, layer } from "@effect/vitest"
import { type RegistryEvent, Webhook, WebhookStore } from "@senderid/domain"
import { Fixture, webhookStoreConformance } from "@senderid/domain/testing"
import { Effect, Layer, Option } from "effect"
import * as D1 from "../../src/d1.ts"
import * as WebhookStores from "../../src/webhooks.ts"

const store = WebhookStores.layerSql.pipe(Layer.provide(D1.layerClient(env.DB)))

webhookStoreConformance("D1", store)

describe("WebhookStore on D1", () => {
  layer(store, { excludeTestServices: true })((it) => {
    it.effect("enqueue 250 deliveries at once, and remove them with their endpoint and attempts", () =>
      Effect.gen(function* () {
        const webhooks = yield* WebhookStore
        const accountId = Fixture.accountId()
        const endpoint: Webhook.WebhookEndpoint = {
          endpointId: `WHK${accountId.replace(/\W/gu, "")}`,
          accountId,
          url: "https://hooks.example.com/senderid",
          events: ["senderid.registered"],
          secret: "whsec_test",
          dateCreated: 1
        }
        yield* webhooks.addEndpoint(endpoint)
        const deliveries = Array.from({ length: 250 }, (_, i) => {
          const event: RegistryEvent.RegistryEvent = {
            eventId: `EVT${accountId.replace(/\W/gu, "")}${i}`,
            type: "senderid.registered",
            accountId,
            occurredAt: i,
            data: {}
          }
          return Webhook.deliveryOf(event, endpoint, i)
        })
        yield* webhooks.enqueue(deliveries)
        const listed = yield* webhooks.listDeliveries({ accountId, limit: 300 })
        assert.strictEqual(listed.items.length, 250)
        const [first] = deliveries as [Webhook.WebhookDelivery]
        const attempt = {
          deliveryId: first.deliveryId,
          attempt: 1,
          at: 1,
          durationMs: 5,
          httpStatus: 204,
          error: null
        }
        yield* webhooks.recordAttempt(
          attempt,
          Webhook.afterAttempt(first, attempt, Webhook.defaultRetryPolicy, 0)
        )
        assert.deepStrictEqual(yield* webhooks.listAttempts(first.deliveryId), [attempt])

        assert.deepStrictEqual(
          yield* webhooks.removeEndpoint(accountId, endpoint.endpointId),
          Option.some(endpoint)
        )
        assert.deepStrictEqual((yield* webhooks.listDeliveries({ accountId, limit: 300 })).items, [])
        assert.deepStrictEqual(yield* webhooks.listAttempts(first.deliveryId), [])
      })
    )
  })
})
