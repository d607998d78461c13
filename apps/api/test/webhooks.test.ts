/**
 * Webhooks as `pnpm start` wires them — the SQLite file, the outbox relay, signed `fetch` — against
 * a real receiver on a local port that is first down, then too slow, then back: every attempt is
 * kept, the event arrives (at least once, under one event id), and its signature verifies the way
 * the README tells receivers to check it. A second instance on the same file never attempts a
 * delivery the first one holds.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Accounts, AuditEntry, EventRelay, SenderIds, Webhooks } from "@senderid/domain"
import { Duration, Effect, Layer, Logger, ManagedRuntime } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import { fromEnvironment } from "../src/NodeConfig.ts"
import * as NodeServices from "../src/NodeServices.ts"
import { tempDataDirectory } from "./support/server.ts"

/** The README's verification snippet, as a receiver would paste it. */
const verify = (header: string | undefined, rawBody: string, secret: string, toleranceSeconds = 300) => {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "")
  if (!match || Math.abs(Date.now() / 1000 - Number(match[1])) > toleranceSeconds) return false
  const expected = createHmac("sha256", secret).update(`${match[1]}.${rawBody}`).digest()
  return timingSafeEqual(expected, Buffer.from(match[2] as string, "hex"))
}

interface Arrival {
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A receiver on a fixed port whose answer can be changed: slow (answers after 1.5 s) or up (204). */
const receiverOn = (port: number) => {
  const arrivals: Array<Arrival> = []
  let mode: "slow" | "up" = "slow"
  const server: Server = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8")
    })
    request.on("end", () => {
      arrivals.push({ headers: request.headers, body })
      if (mode === "up") response.writeHead(204).end()
      else setTimeout(() => response.writeHead(204).end(), 1500).unref()
    })
  })
  return {
    arrivals,
    setMode: (next: "slow" | "up") => {
      mode = next
    },
    start: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A port nothing listens on (taken, then released). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer()
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })

// Retries a second apart: longer than a first attempt takes on a busy machine (undici warming up),
// so an attempt is never due again before the round that made it is over.
const fastRetries = {
  retry: {
    initialDelay: Duration.seconds(1),
    maxDelay: Duration.seconds(2),
    maxAttempts: 8,
    timeout: Duration.millis(500)
  }
}

const instance = (dataDirectory: string) =>
  ManagedRuntime.make(
    Layer.merge(
      NodeServices.layer(fromEnvironment({ SENDERID_DATA_DIR: dataDirectory }), {
        webhookPolicy: fastRetries
      }),
      // Quiet: the development ARS provider and the relay would log every step.
      Logger.layer([])
    )
  )

describe("webhooks on the Node composition (SQLite, fetch)", () => {
  const dataDirectory = tempDataDirectory()
  const first = instance(dataDirectory)
  const second = instance(dataDirectory)

  afterAll(async () => {
    await first.dispose()
    await second.dispose()
  })

  it("keeps trying through a receiver that is down, then slow, until it is back; signed, one event id", async () => {
    const port = await freePort()
    const hook = receiverOn(port)
    const actor = AuditEntry.operatorActor("test")
    const endpoint = await first.runPromise(
      Effect.gen(function* () {
        yield* Accounts.use((a) => a.open(actor, "HOOKED", { limit: 1 }))
        const created = yield* Webhooks.use((w) =>
          w.addEndpoint("HOOKED", {
            url: `http://127.0.0.1:${port}/senderid`,
            events: ["senderid.registered"],
            secret: "whsec_TESTSECRET"
          })
        )
        yield* SenderIds.use((s) => s.register("HOOKED", { phoneNumber: "01023456789" }))
        // Refused (limit 1): rolled back, so no event and no delivery for it.
        const refused = yield* SenderIds.use((s) =>
          s.register("HOOKED", { phoneNumber: "01023456790" })
        ).pipe(Effect.flip)
        assert.strictEqual(refused._tag, "SenderIdLimitReached")
        yield* EventRelay.use((relay) => relay.drain())
        return created
      })
    )

    const attemptsSoFar = () =>
      first.runPromise(
        Effect.gen(function* () {
          const webhooks = yield* Webhooks
          const page = yield* webhooks.deliveries({ accountId: "HOOKED", limit: 10 })
          assert.strictEqual(page.items.length, 1, "one delivery: the refused registration made none")
          const [delivery] = page.items
          return { delivery, attempts: yield* webhooks.attempts(delivery?.deliveryId ?? "") }
        })
      )
    /** Runs delivery rounds (as the server's loop does, on both instances) until `done`. */
    const deliverUntil = async (done: (attempts: number) => boolean) => {
      const deadline = Date.now() + 15_000
      while (Date.now() < deadline) {
        await Promise.all([
          first.runPromise(Webhooks.use((w) => w.deliverDue())),
          second.runPromise(Webhooks.use((w) => w.deliverDue()))
        ])
        const { attempts } = await attemptsSoFar()
        if (done(attempts.length)) return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.fail("the delivery did not progress within 15 s")
    }

    // Down: nothing listens on the port.
    await deliverUntil((n) => n >= 1)
    // Slow: the receiver takes longer than the attempt may.
    await hook.start()
    await deliverUntil((n) => n >= 2)
    // Back.
    hook.setMode("up")
    await deliverUntil(() => hook.arrivals.length >= 2)
    await deliverUntil((n) => n >= 3)

    const { delivery, attempts } = await attemptsSoFar()
    await hook.stop()
    assert.strictEqual(delivery?.status, "DELIVERED")
    assert.deepStrictEqual(
      attempts.map((a) => [a.attempt, a.httpStatus, a.error]),
      [
        [1, null, "connection refused"],
        [2, null, "timeout"],
        [3, 204, null]
      ]
    )
    // Each attempt waited at least the backoff after the one before.
    assert.isAtLeast((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0), 800)
    // The slow attempt did reach the receiver: at least once, the same event id both times.
    const ids = new Set(hook.arrivals.map((a) => a.headers["x-senderid-event-id"]))
    assert.strictEqual(ids.size, 1)
    for (const arrival of hook.arrivals) {
      assert.isTrue(verify(arrival.headers["x-senderid-signature"] as string, arrival.body, endpoint.secret))
      assert.isFalse(verify(arrival.headers["x-senderid-signature"] as string, arrival.body, "whsec_OTHER"))
    }
    const body = JSON.parse(hook.arrivals.at(-1)?.body ?? "{}")
    assert.strictEqual(body.type, "senderid.registered")
    assert.strictEqual(body.data.phoneNumber, "01023456789")
    assert.strictEqual(hook.arrivals.at(-1)?.headers["x-senderid-attempt"], "3")
  }, 60_000)
})

describe("the private-host policy on the Node composition", () => {
  it("refuses after a restart under deny what was registered under allow, and names that resolve to loopback", async () => {
    const dataDirectory = tempDataDirectory()
    const port = await freePort()
    const hook = receiverOn(port)
    hook.setMode("up")
    await hook.start()
    // The closed network cannot answer for localtest.me (a public name whose records say 127.0.0.1).
    const webhookResolver = async (name: string) =>
      name === "localtest.me" ? [{ address: "127.0.0.1", family: 4 }] : []
    const startedWith = (policy: "allow" | "deny") =>
      ManagedRuntime.make(
        Layer.merge(
          NodeServices.layer(
            fromEnvironment({ SENDERID_DATA_DIR: dataDirectory, SENDERID_WEBHOOK_PRIVATE_HOSTS: policy }),
            { webhookPolicy: fastRetries, webhookResolver }
          ),
          Logger.layer([])
        )
      )
    const actor = AuditEntry.operatorActor("test")
    const registerAndDeliver = (phoneNumber: string) =>
      Effect.gen(function* () {
        yield* SenderIds.use((s) => s.register("PRIVATE", { phoneNumber }))
        yield* EventRelay.use((relay) => relay.drain())
        return yield* Webhooks.use((w) => w.deliverDue())
      })

    const allowed = startedWith("allow")
    const first = await allowed.runPromise(
      Effect.gen(function* () {
        yield* Accounts.use((a) => a.open(actor, "PRIVATE", { limit: 5 }))
        yield* Webhooks.use((w) =>
          w.addEndpoint("PRIVATE", {
            url: `http://127.0.0.1:${port}/hook`,
            events: ["senderid.registered"],
            secret: "whsec_TESTSECRET"
          })
        )
        return yield* registerAndDeliver("01023456789")
      })
    )
    await allowed.dispose()
    assert.strictEqual(first.delivered, 1, "delivered while private hosts were allowed")
    assert.strictEqual(hook.arrivals.length, 1)

    const denied = startedWith("deny")
    try {
      const { second, deliveries } = await denied.runPromise(
        Effect.gen(function* () {
          // A public-looking name passes registration; where it leads is checked at delivery.
          yield* Webhooks.use((w) =>
            w.addEndpoint("PRIVATE", {
              url: `http://localtest.me:${port}/hook`,
              events: ["senderid.registered"],
              secret: "whsec_TESTSECRET"
            })
          )
          const second = yield* registerAndDeliver("01023456790")
          const webhooks = yield* Webhooks
          const page = yield* webhooks.deliveries({ accountId: "PRIVATE", status: "FAILED", limit: 10 })
          const deliveries = yield* Effect.forEach(page.items, (d) =>
            webhooks.attempts(d.deliveryId).pipe(Effect.map((attempts) => ({ delivery: d, attempts })))
          )
          return { second, deliveries }
        })
      )
      assert.deepStrictEqual(second, { attempted: 2, delivered: 0, retrying: 0, failed: 2 })
      const endpoints = await denied.runPromise(Webhooks.use((w) => w.listEndpoints("PRIVATE")))
      const urlOf = (endpointId: string) => endpoints.find((e) => e.endpointId === endpointId)?.url ?? ""
      assert.deepStrictEqual(
        deliveries
          .map(({ delivery, attempts }) => [
            urlOf(delivery.endpointId).replace(String(port), "PORT"),
            attempts.map((a) => [a.attempt, a.httpStatus, a.error])
          ])
          .sort(),
        [
          ["http://127.0.0.1:PORT/hook", [[1, null, "refused: non-public host"]]],
          ["http://localtest.me:PORT/hook", [[1, null, "refused: host resolves to a non-public address"]]]
        ]
      )
      assert.strictEqual(hook.arrivals.length, 1, "nothing reached the receiver under deny")
    } finally {
      await denied.dispose()
      await hook.stop()
    }
  }, 60_000)
})
