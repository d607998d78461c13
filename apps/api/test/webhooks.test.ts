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

/** A receiver on a fixed port whose answer can be changed: slow (no answer until it stops) or up (204). */
const receiverOn = (port: number) => {
  const arrivals: Array<Arrival> = []
  const onArrival = new Set<() => void>()
  let mode: "slow" | "up" = "slow"
  const server: Server = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8")
    })
    request.on("end", () => {
      arrivals.push({ headers: request.headers, body })
      for (const listener of onArrival) listener()
      // Slow: longer than any attempt may take; `stop` closes the connection.
      if (mode === "up") response.writeHead(204).end()
    })
  })
  return {
    arrivals,
    /** Resolves once `count` requests have arrived. */
    arrived: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (arrivals.length < count) return
          onArrival.delete(check)
          resolve()
        }
        onArrival.add(check)
        check()
      }),
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

// No backoff, so each delivery round may attempt again at once and the test never waits for a
// clock; how long retries wait is the domain's, on the TestClock (packages/domain Webhooks.test).
// The attempt's timeout is the transport's own (real time, on a real socket): generous, because a
// first request through undici can take a few hundred ms on a busy machine, and the slow receiver
// never answers, so only the slow attempt ever waits it out.
const fastRetries = {
  retry: {
    initialDelay: Duration.zero,
    maxDelay: Duration.zero,
    maxAttempts: 8,
    timeout: Duration.seconds(3)
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
    /** One delivery round on an instance, as its server's loop runs it: how many attempts it made. */
    const round = async (instance: typeof first) =>
      (await instance.runPromise(Webhooks.use((w) => w.deliverDue()))).attempted

    // Down: nothing listens on the port.
    assert.strictEqual(await round(first), 1)
    // Slow: the receiver takes longer than the attempt may. While the first instance's attempt is
    // at the receiver, the second finds nothing due: the first holds the delivery.
    await hook.start()
    const slow = round(first)
    await hook.arrived(1)
    assert.strictEqual(await round(second), 0)
    assert.strictEqual(await slow, 1)
    // Back: the second instance delivers it; then nothing is due on either.
    hook.setMode("up")
    assert.strictEqual(await round(second), 1)
    assert.strictEqual(await round(first), 0)
    assert.strictEqual(await round(second), 0)

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
