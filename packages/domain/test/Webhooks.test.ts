import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Ref } from "effect"
import { TestClock } from "effect/testing"
import { DocumentBlobStore } from "../src/DocumentBlobStore.ts"
import { type EventPublisherShape, EventPublishFailed, publishToEach } from "../src/EventPublisher.ts"
import { EventRelay } from "../src/EventRelay.ts"
import * as Registry from "../src/Registry.ts"
import type { RegistryEventType } from "../src/RegistryEvent.ts"
import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { layerMemorySecrets } from "../src/testing/index.ts"
import * as VoiceCallProvider from "../src/VoiceCallProvider.ts"
import * as Webhook from "../src/Webhook.ts"
import { WebhookStore } from "../src/WebhookStore.ts"
import { WebhookPolicy, Webhooks } from "../src/Webhooks.ts"
import { type WebhookOutcome, type WebhookRequest, WebhookTransport } from "../src/WebhookTransport.ts"
import { NOW, openAccount, register, tagOf } from "./registryHarness.ts"

describe("webhook URLs", () => {
  const cases: ReadonlyArray<readonly [string, Webhook.UrlProblem | undefined]> = [
    ["https://hooks.example.com/senderid", undefined],
    ["http://example.com:8080/x?y=1", undefined],
    ["ftp://example.com/", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["https://user:pass@example.com/", "credentials"],
    ["https://exa mple.com/", "format"],
    ["https://example.com:99999/", "format"],
    ["https://", "format"],
    ["http://127.0.0.1:9000/hook", "privateHost"],
    ["http://localhost/hook", "privateHost"],
    ["http://10.1.2.3/", "privateHost"],
    ["http://172.20.0.1/", "privateHost"],
    ["http://192.168.0.10/", "privateHost"],
    ["http://169.254.169.254/latest/meta-data", "privateHost"],
    ["http://[::1]:8080/", "privateHost"],
    ["http://[fd00::1]/", "privateHost"],
    ["http://172.32.0.1/", undefined],
    // Spellings fetch reads as loopback or metadata addresses.
    ["http://0x7f000001:4567/", "privateHost"],
    ["http://2130706433:4567/", "privateHost"],
    ["http://127.1:4567/", "privateHost"],
    ["http://0177.0.0.1:4567/", "privateHost"],
    ["http://[::ffff:7f00:1]:4567/", "privateHost"],
    ["http://[::ffff:127.0.0.1]/", "privateHost"],
    ["http://[0:0:0:0:0:ffff:a9fe:a9fe]/", "privateHost"],
    ["http://[64:ff9b::a9fe:a9fe]/", "privateHost"],
    ["http://0/", "privateHost"],
    ["http://224.0.0.1/", "privateHost"],
    ["http://255.255.255.255/", "privateHost"],
    ["http://LOCALHOST./", "privateHost"],
    ["http://app.localhost/", "privateHost"],
    // Names that lead into the server's own network by their shape alone.
    ["http://metadata.google.internal/computeMetadata/v1/", "privateHost"],
    ["http://printer.local/", "privateHost"],
    ["http://vm:3000/", "privateHost"],
    // IPv6 forms carrying a loopback, private or metadata IPv4 address, and the ranges that are
    // never public: SIIT, NAT64 (both prefixes), 6to4, Teredo, site-local, documentation.
    ["http://[::ffff:0:7f00:1]:4567/", "privateHost"],
    ["http://[64:ff9b::7f00:1]/", "privateHost"],
    ["http://[64:ff9b:1::808:808]/", "privateHost"],
    ["http://[2002:7f00:1::1]/", "privateHost"],
    ["http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "privateHost"],
    ["http://[fec0::1]/", "privateHost"],
    ["http://[2001:db8::1]/", "privateHost"],
    ["http://[3fff::1]/", "privateHost"],
    ["http://192.0.2.1/", "privateHost"],
    ["http://198.51.100.1/", "privateHost"],
    ["http://203.0.113.1/", "privateHost"],
    ["http://[::ffff:808:808]/", undefined],
    ["http://[2002:808:808::1]/", undefined],
    ["http://[2606:4700::1111]/", undefined],
    ["http://8.8.8.8/", undefined],
    ["http://0x08080808/", undefined],
    ["http://1.2.3/", undefined]
  ]
  for (const [url, problem] of cases) {
    it(`${url} → ${problem ?? "accepted"}`, () => {
      assert.strictEqual(Webhook.urlProblem(url, false), problem)
    })
  }

  it("accepts private hosts where the deployment allows them", () => {
    assert.isUndefined(Webhook.urlProblem("http://127.0.0.1:9000/hook", true))
    assert.strictEqual(Webhook.urlProblem("ftp://127.0.0.1/", true), "scheme")
  })
})

describe("retry schedule", () => {
  const policy = Webhook.defaultRetryPolicy
  it("doubles from 10 s, caps at an hour, and jitters down by at most 20%", () => {
    assert.deepStrictEqual(
      [1, 2, 3, 4].map((n) => Webhook.backoff(policy, n, 0)),
      [10_000, 20_000, 40_000, 80_000]
    )
    assert.strictEqual(Webhook.backoff(policy, 20, 0), 3_600_000)
    assert.strictEqual(Webhook.backoff(policy, 1, 0.999_999), 8_000)
  })
})

/** A receiver scripted per attempt: each call takes the next outcome (the last one repeats). */
const scriptedReceiver = (outcomes: ReadonlyArray<WebhookOutcome>) =>
  Layer.effect(
    WebhookTransport,
    Effect.gen(function* () {
      const calls = yield* Ref.make<ReadonlyArray<WebhookRequest>>([])
      return WebhookTransport.of({
        send: (request) =>
          Ref.modify(calls, (all) => [
            outcomes[Math.min(all.length, outcomes.length - 1)] as WebhookOutcome,
            [...all, request]
          ])
      })
    })
  )

const fastRetries = Layer.succeed(WebhookPolicy, {
  retry: {
    initialDelay: Duration.seconds(1),
    maxDelay: Duration.seconds(4),
    maxAttempts: 3,
    timeout: Duration.seconds(1)
  },
  maxEndpointsPerAccount: 2,
  allowPrivateHosts: false
})

/** The whole registry in memory, its relay publishing to webhooks, the clock at NOW. */
const inRegistryWithWebhooks = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  outcomes: ReadonlyArray<WebhookOutcome>
) => {
  const webhooks = Webhooks.layer.pipe(
    Layer.provideMerge(Layer.mergeAll(WebhookStore.layerMemory, scriptedReceiver(outcomes), fastRetries))
  )
  const ports = Layer.mergeAll(
    SenderIdRepository.layerMemory,
    DocumentBlobStore.layerMemory,
    VoiceCallProvider.layerDevelopment,
    Webhooks.publisher.pipe(Layer.provide(webhooks)),
    webhooks
  ).pipe(Layer.provideMerge(layerMemorySecrets))
  return Effect.gen(function* () {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(Registry.layer.pipe(Layer.provideMerge(ports))))
}

const OK: WebhookOutcome = { httpStatus: 204, error: null }
const DOWN: WebhookOutcome = { httpStatus: null, error: "connection refused" }
const BUSY: WebhookOutcome = { httpStatus: 503, error: null }

const addEndpoint = (accountId: string, events: ReadonlyArray<RegistryEventType> = ["senderid.registered"]) =>
  Webhooks.use((w) =>
    w.addEndpoint(accountId, { url: "https://hooks.example.com/a", events, secret: "s3cret" })
  )

describe("webhook deliveries", () => {
  it.effect("makes one delivery per interested endpoint, once, however often an event is relayed", () =>
    inRegistryWithWebhooks(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        const wanted = yield* addEndpoint("A")
        yield* addEndpoint("A", ["review.decided"])
        yield* addEndpoint("B")
        yield* register("A", "01023456789")
        const events = yield* SenderIdRepository.use((r) => r.unpublishedEvents(100))
        const webhooks = yield* Webhooks
        assert.strictEqual(yield* webhooks.enqueue(events), 1)
        // The relay crashed before marking them published: the next relay enqueues them again.
        yield* EventRelay.use((relay) => relay.drain())
        const page = yield* webhooks.deliveries({ accountId: "A", limit: 10 })
        assert.strictEqual(page.items.length, 1)
        const [delivery] = page.items
        assert.strictEqual(delivery?.endpointId, wanted.endpointId)
        assert.strictEqual(delivery?.eventType, "senderid.registered")
        const body = JSON.parse(delivery?.payload ?? "{}")
        assert.strictEqual(body.eventId, delivery?.eventId)
        assert.strictEqual(body.data.phoneNumber, "01023456789")
        assert.deepStrictEqual((yield* webhooks.deliveries({ accountId: "B", limit: 10 })).items, [])
      }),
      [OK]
    )
  )

  it.effect("retries with backoff until the receiver answers 2xx, keeping every attempt", () =>
    inRegistryWithWebhooks(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* addEndpoint("A")
        yield* register("A", "01023456789")
        yield* EventRelay.use((relay) => relay.drain())
        const webhooks = yield* Webhooks
        assert.deepStrictEqual(yield* webhooks.deliverDue(), {
          attempted: 1,
          delivered: 0,
          retrying: 1,
          failed: 0
        })
        // Not due again before its backoff (at least 0.8 s of the 1 s).
        yield* TestClock.adjust("500 millis")
        assert.strictEqual((yield* webhooks.deliverDue()).attempted, 0)
        yield* TestClock.adjust("500 millis")
        assert.deepStrictEqual(yield* webhooks.deliverDue(), {
          attempted: 1,
          delivered: 0,
          retrying: 1,
          failed: 0
        })
        yield* TestClock.adjust("2 seconds")
        assert.deepStrictEqual(yield* webhooks.deliverDue(), {
          attempted: 1,
          delivered: 1,
          retrying: 0,
          failed: 0
        })
        const [delivery] = (yield* webhooks.deliveries({ accountId: "A", limit: 10 })).items
        assert.strictEqual(delivery?.status, "DELIVERED")
        const attempts = yield* webhooks.attempts(delivery?.deliveryId ?? "")
        assert.deepStrictEqual(
          attempts.map((a) => [a.attempt, a.httpStatus, a.error]),
          [
            [1, null, "connection refused"],
            [2, 503, "HTTP 503"],
            [3, 204, null]
          ]
        )
      }),
      [DOWN, BUSY, OK]
    )
  )

  it.effect("gives up after the last attempt", () =>
    inRegistryWithWebhooks(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* addEndpoint("A")
        yield* register("A", "01023456789")
        yield* EventRelay.use((relay) => relay.drain())
        const webhooks = yield* Webhooks
        for (let i = 0; i < 2; i++) {
          yield* webhooks.deliverDue()
          yield* TestClock.adjust("10 seconds")
        }
        assert.deepStrictEqual(yield* webhooks.deliverDue(), {
          attempted: 1,
          delivered: 0,
          retrying: 0,
          failed: 1
        })
        yield* TestClock.adjust("1 hour")
        assert.strictEqual((yield* webhooks.deliverDue()).attempted, 0)
        const failed = yield* webhooks.deliveries({ status: "FAILED", limit: 10 })
        assert.strictEqual(failed.items[0]?.attempts, 3)
      }),
      [BUSY]
    )
  )

  it.effect("leases a claimed delivery: a second deliverer does not attempt it too", () =>
    Effect.gen(function* () {
      const store = yield* WebhookStore
      const endpoint: Webhook.WebhookEndpoint = {
        endpointId: "WHK1",
        accountId: "A",
        url: "https://hooks.example.com/",
        events: ["senderid.registered"],
        secret: "s",
        dateCreated: 0
      }
      yield* store.addEndpoint(endpoint)
      const event = {
        eventId: "EVT1",
        type: "senderid.registered" as const,
        accountId: "A",
        occurredAt: 0,
        data: {}
      }
      yield* store.enqueue([Webhook.deliveryOf(event, endpoint, 0)])
      assert.strictEqual((yield* store.claimDue(0, 10, 1000)).length, 1)
      assert.strictEqual((yield* store.claimDue(999, 10, 1000)).length, 0)
      assert.strictEqual((yield* store.claimDue(1000, 10, 1000)).length, 1)
    }).pipe(Effect.provide(WebhookStore.layerMemory))
  )

  it.effect("refuses bad URLs and more endpoints than the policy allows, and removes endpoints", () =>
    inRegistryWithWebhooks(
      Effect.gen(function* () {
        const webhooks = yield* Webhooks
        const add = (url: string) =>
          tagOf(webhooks.addEndpoint("A", { url, events: ["review.decided"], secret: "s" }))
        assert.strictEqual(yield* add("http://127.0.0.1/"), "InvalidWebhookUrl")
        assert.strictEqual(yield* add("https://a.example.com/"), "success")
        assert.strictEqual(yield* add("https://b.example.com/"), "success")
        assert.strictEqual(yield* add("https://c.example.com/"), "WebhookEndpointLimitReached")
        const [first] = yield* webhooks.listEndpoints("A")
        yield* webhooks.removeEndpoint("A", first?.endpointId ?? "")
        assert.strictEqual((yield* webhooks.listEndpoints("A")).length, 1)
        assert.strictEqual(yield* tagOf(webhooks.removeEndpoint("B", "WHKNOPE")), "WebhookEndpointNotFound")
      }),
      [OK]
    )
  )
})

describe("the private-host policy, at every attempt", () => {
  /** Deliveries in memory under `allowPrivateHosts`, through a transport that answers `outcome`
   * and keeps every request it was given. */
  const underPolicy = <A, E>(
    allowPrivateHosts: boolean,
    outcome: WebhookOutcome,
    body: (sent: ReadonlyArray<WebhookRequest>) => Effect.Effect<A, E, Webhooks | WebhookStore>
  ) => {
    const sent: Array<WebhookRequest> = []
    const transport = Layer.succeed(
      WebhookTransport,
      WebhookTransport.of({
        send: (request) =>
          Effect.sync(() => {
            sent.push(request)
            return outcome
          })
      })
    )
    const policy = Layer.succeed(WebhookPolicy, {
      retry: { ...Webhook.defaultRetryPolicy, maxAttempts: 3 },
      maxEndpointsPerAccount: 10,
      allowPrivateHosts
    })
    return body(sent).pipe(
      Effect.provide(
        Webhooks.layer.pipe(
          Layer.provideMerge(Layer.mergeAll(WebhookStore.layerMemory, transport, policy, layerMemorySecrets))
        )
      )
    )
  }

  /** An endpoint as an earlier policy let it in, with one delivery due. */
  const storedEndpoint = (url: string) =>
    Effect.gen(function* () {
      const store = yield* WebhookStore
      const endpoint: Webhook.WebhookEndpoint = {
        endpointId: "WHK1",
        accountId: "A",
        url,
        events: ["senderid.registered"],
        secret: "s",
        dateCreated: 0
      }
      yield* store.addEndpoint(endpoint)
      const event = {
        eventId: "EVT1",
        type: "senderid.registered" as const,
        accountId: "A",
        occurredAt: 0,
        data: {}
      }
      yield* store.enqueue([Webhook.deliveryOf(event, endpoint, 0)])
    })

  const attemptsOf = Effect.gen(function* () {
    const webhooks = yield* Webhooks
    const [delivery] = (yield* webhooks.deliveries({ accountId: "A", limit: 10 })).items
    const attempts = yield* webhooks.attempts(delivery?.deliveryId ?? "")
    return { status: delivery?.status, attempts: attempts.map((a) => [a.attempt, a.httpStatus, a.error]) }
  })

  it.effect("refuses a private URL registered under an earlier policy, records why, and stops there", () =>
    underPolicy(false, OK, (sent) =>
      Effect.gen(function* () {
        yield* storedEndpoint("http://127.0.0.1:9000/hook")
        const webhooks = yield* Webhooks
        assert.deepStrictEqual(yield* webhooks.deliverDue(), {
          attempted: 1,
          delivered: 0,
          retrying: 0,
          failed: 1
        })
        yield* TestClock.adjust("1 hour")
        assert.strictEqual((yield* webhooks.deliverDue()).attempted, 0)
        assert.deepStrictEqual(yield* attemptsOf, {
          status: "FAILED",
          attempts: [[1, null, "refused: non-public host"]]
        })
        assert.strictEqual(sent.length, 0, "nothing was sent")
      })
    )
  )

  it.effect("fails at once when the transport refuses where the host resolves to", () =>
    underPolicy(false, { httpStatus: null, error: Webhook.REFUSED_ADDRESS, refused: true }, (sent) =>
      Effect.gen(function* () {
        yield* storedEndpoint("https://rebinds.example.com/hook")
        const webhooks = yield* Webhooks
        assert.strictEqual((yield* webhooks.deliverDue()).failed, 1)
        assert.deepStrictEqual(yield* attemptsOf, {
          status: "FAILED",
          attempts: [[1, null, "refused: host resolves to a non-public address"]]
        })
        assert.deepStrictEqual(
          sent.map((r) => [r.url, r.allowPrivateHosts]),
          [["https://rebinds.example.com/hook", false]]
        )
      })
    )
  )

  it.effect("sends a private URL where the deployment allows them, and tells the transport so", () =>
    underPolicy(true, OK, (sent) =>
      Effect.gen(function* () {
        yield* storedEndpoint("http://127.0.0.1:9000/hook")
        assert.strictEqual((yield* (yield* Webhooks).deliverDue()).delivered, 1)
        assert.deepStrictEqual(
          sent.map((r) => r.allowPrivateHosts),
          [true]
        )
      })
    )
  )
})

describe("EventPublisher.publishToEach", () => {
  const recorder = (name: string, log: Array<string>, fails = false): EventPublisherShape => ({
    publish: (events) =>
      fails
        ? Effect.fail(new EventPublishFailed({ cause: `${name} down` }))
        : Effect.sync(() => {
            log.push(`${name}:${events.length}`)
          })
  })
  const event = {
    eventId: "EVT1",
    type: "senderid.registered" as const,
    accountId: "A",
    occurredAt: 0,
    data: {}
  }

  it.effect("hands the batch to each publisher in turn", () =>
    Effect.gen(function* () {
      const log: Array<string> = []
      yield* publishToEach(recorder("log", log), recorder("webhooks", log)).publish([event, event])
      assert.deepStrictEqual(log, ["log:2", "webhooks:2"])
    })
  )

  it.effect("fails the batch when one publisher fails, so the relay keeps it for the next run", () =>
    Effect.gen(function* () {
      const log: Array<string> = []
      const outcome = yield* tagOf(
        publishToEach(recorder("log", log), recorder("webhooks", log, true)).publish([event])
      )
      assert.strictEqual(outcome, "EventPublishFailed")
    })
  )
})
