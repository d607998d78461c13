/**
 * Webhooks through `app.request()`: registering, listing and removing endpoints, what URLs are
 * refused, and an event's signed delivery to a real receiver on a local port — read back through
 * the deliveries route, by the customer and by an operator.
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import type { WebhookWire } from "@senderid/contract"
import { EventRelay, Webhooks } from "@senderid/domain"
import { Effect } from "effect"
import { SIGNATURE_HEADER, verifySignature } from "../../src/WebhookSender.ts"
import { makeHarness } from "../support/harness.ts"
import { expectError, expectOk, ISO, register } from "./routeSupport.ts"

const HOOKS = "/senderid/v1/webhooks"

interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A receiver on a local port that answers 204 and keeps what it got. */
const receiver = async () => {
  const received: Array<Received> = []
  const server = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8")
    })
    request.on("end", () => {
      received.push({ headers: request.headers, body })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe("webhook endpoints", () => {
  it("registers an endpoint, shows its secret once, lists it without, and removes it", async () => {
    const h = makeHarness()
    const customer = await h.customer()
    const created = await expectOk<WebhookWire.CreatedWebhookEndpoint>(
      await h.request(customer, "POST", HOOKS, {
        url: "https://hooks.example.com/senderid",
        events: ["review.decided", "senderid.activated", "review.decided"]
      })
    )
    assert.match(created.endpointId, /^WHK\d{14}[0-9A-Z]{15}$/u)
    assert.match(created.secret, /^whsec_[0-9A-Z]{32}$/u)
    assert.deepStrictEqual(created.events, ["review.decided", "senderid.activated"])
    assert.match(created.dateCreated, ISO)
    const listed = await expectOk<ReadonlyArray<WebhookWire.WebhookEndpointView>>(
      await h.request(customer, "GET", HOOKS)
    )
    assert.deepStrictEqual(listed, [
      {
        endpointId: created.endpointId,
        url: created.url,
        events: created.events,
        dateCreated: created.dateCreated
      }
    ])
    assert.notInclude(JSON.stringify(listed), created.secret)

    const other = await h.customer()
    await expectError(
      await h.request(other, "DELETE", `${HOOKS}/${created.endpointId}`),
      400,
      "InvalidWebhookId"
    )
    await expectOk(await h.request(customer, "DELETE", `${HOOKS}/${created.endpointId}`))
    assert.deepStrictEqual(await expectOk(await h.request(customer, "GET", HOOKS)), [])
    await expectError(
      await h.request(customer, "DELETE", `${HOOKS}/${created.endpointId}`),
      400,
      "InvalidWebhookId"
    )
  })

  it("refuses URLs it should not call and event types it does not have", async () => {
    const h = makeHarness()
    const customer = await h.customer()
    for (const url of [
      "ftp://example.com/",
      "https://user:pw@example.com/",
      "http://127.0.0.1:8080/",
      "http://169.254.169.254/latest",
      "not a url"
    ]) {
      await expectError(
        await h.request(customer, "POST", HOOKS, { url, events: ["review.decided"] }),
        400,
        "InvalidWebhookUrl"
      )
    }
    await expectError(
      await h.request(customer, "POST", HOOKS, { url: "https://example.com/", events: ["sms.sent"] }),
      400,
      "InvalidParameter"
    )
    await expectError(
      await h.request(customer, "POST", HOOKS, { url: "https://example.com/", events: [] }),
      400,
      "InvalidParameter"
    )
  })

  it("caps endpoints per account with 403 WebhookLimitExceeded", async () => {
    const h = makeHarness({ rateLimit: false }, {}, { maxEndpointsPerAccount: 2 })
    const customer = await h.customer()
    const add = (n: number) =>
      h.request(customer, "POST", HOOKS, {
        url: `https://hooks.example.com/${n}`,
        events: ["review.decided"]
      })
    await expectOk(await add(1))
    await expectOk(await add(2))
    await expectError(await add(3), 403, "WebhookLimitExceeded")
  })
})

describe("a delivery to a real receiver", () => {
  it("POSTs the event, signed, once; the deliveries route shows it DELIVERED with its attempt", async () => {
    const h = makeHarness({ rateLimit: false }, {}, { allowPrivateHosts: true })
    const hook = await receiver()
    try {
      const customer = await h.customer()
      const created = await expectOk<WebhookWire.CreatedWebhookEndpoint>(
        await h.request(customer, "POST", HOOKS, { url: hook.url, events: ["senderid.registered"] })
      )
      await expectOk(await register(h, customer, "01023456789"))
      // What the composition roots schedule: relay the outbox, then deliver what is due.
      await h.runtime.runPromise(EventRelay.use((relay) => relay.drain()))
      const report = await h.runtime.runPromise(Webhooks.use((w) => w.deliverDue()))
      assert.deepStrictEqual(report, { attempted: 1, delivered: 1, retrying: 0, failed: 0 })
      await h.runtime.runPromise(EventRelay.use((relay) => relay.drain()))
      assert.strictEqual((await h.runtime.runPromise(Webhooks.use((w) => w.deliverDue()))).attempted, 0)

      assert.strictEqual(hook.received.length, 1)
      const [arrival] = hook.received
      const body = JSON.parse(arrival?.body ?? "{}")
      assert.strictEqual(body.type, "senderid.registered")
      assert.strictEqual(body.accountId, customer.accountId)
      assert.strictEqual(body.data.phoneNumber, "01023456789")
      assert.strictEqual(arrival?.headers["x-senderid-event-id"], body.eventId)
      assert.strictEqual(arrival?.headers["content-type"], "application/json")
      const signature = arrival?.headers[SIGNATURE_HEADER] as string
      const valid = (secret: string, payload: string) =>
        Effect.runPromise(
          verifySignature(signature, secret, payload, { nowSeconds: Math.floor(Date.now() / 1000) })
        )
      assert.isTrue(await valid(created.secret, arrival?.body ?? ""))
      assert.isFalse(await valid(created.secret, `${arrival?.body} `))
      assert.isFalse(await valid("whsec_wrong", arrival?.body ?? ""))

      const page = await expectOk<WebhookWire.DeliveryPage>(
        await h.request(customer, "GET", `${HOOKS}/deliveries`)
      )
      assert.strictEqual(page.deliveries.length, 1)
      const [delivery] = page.deliveries
      assert.strictEqual(delivery?.status, "DELIVERED")
      assert.strictEqual(delivery?.eventId, body.eventId)
      assert.isNull(delivery?.nextAttemptAt)
      assert.deepStrictEqual(
        delivery?.attempts.map((a) => [a.attempt, a.httpStatus, a.error]),
        [[1, 204, null]]
      )
      const other = await h.customer()
      assert.deepStrictEqual(
        (await expectOk<WebhookWire.DeliveryPage>(await h.request(other, "GET", `${HOOKS}/deliveries`)))
          .deliveries,
        []
      )
      const operator = await h.issueKey(["operator:read"], { operatorId: "alice" })
      const seen = await expectOk<WebhookWire.DeliveryPage>(
        await h.request(operator, "GET", `/operator/v1/webhooks/deliveries?accountId=${customer.accountId}`)
      )
      assert.deepStrictEqual(seen, page)
      await expectError(
        await h.request(customer, "GET", `${HOOKS}/deliveries?status=LOST`),
        400,
        "InvalidParameter"
      )
      await expectError(
        await h.request(customer, "GET", `${HOOKS}/deliveries?accountId=x`),
        400,
        "InvalidParameter"
      )
      await expectError(
        await h.request(customer, "GET", "/operator/v1/webhooks/deliveries"),
        403,
        "Forbidden"
      )
    } finally {
      await hook.close()
    }
  })

  it("records a refused connection as a failed attempt due again later", async () => {
    const h = makeHarness({ rateLimit: false }, {}, { allowPrivateHosts: true })
    const hook = await receiver()
    await hook.close()
    const customer = await h.customer()
    await expectOk(
      await h.request(customer, "POST", HOOKS, { url: hook.url, events: ["senderid.registered"] })
    )
    await expectOk(await register(h, customer, "01023456789"))
    await h.runtime.runPromise(EventRelay.use((relay) => relay.drain()))
    const report = await h.runtime.runPromise(Webhooks.use((w) => w.deliverDue()))
    assert.deepStrictEqual(report, { attempted: 1, delivered: 0, retrying: 1, failed: 0 })
    const [delivery] = (
      await expectOk<WebhookWire.DeliveryPage>(
        await h.request(customer, "GET", `${HOOKS}/deliveries?status=PENDING`)
      )
    ).deliveries
    assert.deepStrictEqual(
      delivery?.attempts.map((a) => [a.httpStatus, a.error]),
      [[null, "connection refused"]]
    )
    assert.match(delivery?.nextAttemptAt ?? "", ISO)
    // Due again after the first backoff (10 s, less up to 20 % jitter), counted from the attempt.
    const wait = Date.parse(delivery?.nextAttemptAt ?? "") - Date.parse(delivery?.attempts[0]?.at ?? "")
    assert.isTrue(8_000 <= wait && wait <= 10_000, `${wait} ms`)
  })
})
