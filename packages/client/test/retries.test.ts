/**
 * Retries, timeouts and transport failures against a real local server that fails on purpose:
 * 429 with Retry-After, 503, a dropped connection, an answer that never comes, and a body that is
 * not what the contract says. Only requests that cannot do their work twice are retried.
 */
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Queue } from "effect"
import { TestClock } from "effect/testing"
import { SenderIdClient } from "../src/index.ts"
import { announcingClock } from "./support/clock.ts"
import { freePort, json, type Script, scriptedServer } from "./support/server.ts"

const KEY = { apiKey: "NCSTESTTESTTEST0", apiSecret: "S".repeat(32) }

/** Runs `f` with a client of the scripted server, then closes the server; returns its request count too. */
const against = <A, E>(
  script: Script,
  f: (client: SenderIdClient["Service"]) => Effect.Effect<A, E>,
  options: { readonly timeout?: number; readonly retry?: false } = {}
) =>
  Effect.acquireUseRelease(
    Effect.promise(() => scriptedServer(script)),
    (server) =>
      SenderIdClient.use(f).pipe(
        Effect.provide(
          SenderIdClient.layerFetch({
            baseUrl: server.origin,
            ...KEY,
            retry: options.retry ?? { times: 3, initialDelay: "20 millis", maxDelay: "2 seconds" },
            timeout: `${options.timeout ?? 2000} millis`
          })
        ),
        Effect.exit,
        Effect.map((exit) => ({ exit, requests: server.requests() }))
      ),
    (server) => Effect.promise(() => server.close())
  )

const ACTIVE = ["01023456789"]

/** A scripted server for the test's scope, and a client of it on the announcing TestClock, forked. */
const forkedAgainst = <A, E>(
  script: Script,
  f: (client: SenderIdClient["Service"]) => Effect.Effect<A, E>,
  options: { readonly timeout: number; readonly retry?: false }
) =>
  Effect.gen(function* () {
    const server = yield* Effect.acquireRelease(
      Effect.promise(() => scriptedServer(script)),
      (server) => Effect.promise(() => server.close())
    )
    const { clock, sleeps } = yield* announcingClock
    const call = yield* SenderIdClient.use(f).pipe(
      Effect.provide(
        SenderIdClient.layerFetch({
          baseUrl: server.origin,
          ...KEY,
          retry: options.retry ?? { times: 3, initialDelay: "20 millis", maxDelay: "2 seconds" },
          timeout: `${options.timeout} millis`
        })
      ),
      Effect.provideService(Clock.Clock, clock),
      Effect.forkChild
    )
    return { server, call, sleeps }
  })

describe("retries", () => {
  it.effect("waits as long as 429's Retry-After says, then succeeds", () =>
    Effect.gen(function* () {
      const { server, call, sleeps } = yield* forkedAgainst(
        (n, _, response) =>
          n === 0
            ? json(
                response,
                429,
                { errorCode: "TooManyRequests", errorMessage: "slow down" },
                { "retry-after": "1" }
              )
            : json(response, 200, ACTIVE),
        (client) => client.getActiveNumbers(),
        { timeout: 60_000 }
      )
      // The attempt's own timeout, then the wait the 429 asked for (not the 10–20 ms backoff).
      assert.deepStrictEqual([yield* Queue.take(sleeps), yield* Queue.take(sleeps)], [60_000, 1000])
      yield* TestClock.adjust("999 millis")
      assert.strictEqual(server.requests(), 1)
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(call), ACTIVE)
      assert.strictEqual(server.requests(), 2)
    })
  )

  it.live("retries a 503 and a dropped connection on GET", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* against(
        (n, _, response) =>
          n === 0
            ? json(response, 503, { errorCode: "ServiceUnavailable", errorMessage: "busy" })
            : n === 1
              ? response.socket?.destroy()
              : json(response, 200, ACTIVE),
        (client) => client.getActiveNumbers()
      )
      assert.strictEqual(exit._tag, "Success")
      assert.strictEqual(requests, 3)
    })
  )

  it.live("never retries a POST without an Idempotency-Key, and retries one with it", () =>
    Effect.gen(function* () {
      const failingOnce: Script = (n, _, response) =>
        n === 0
          ? json(response, 503, { errorCode: "ServiceUnavailable", errorMessage: "busy" })
          : json(response, 200, { registered: 0, failed: 0, results: [] })
      const without = yield* against(failingOnce, (client) =>
        client.registerNumbers({ body: { numbers: [{ phoneNumber: "01023456789" }] } })
      )
      assert.strictEqual(without.exit._tag, "Failure")
      assert.strictEqual(without.requests, 1)
      const withKey = yield* against(failingOnce, (client) =>
        client.registerNumbers({
          body: { numbers: [{ phoneNumber: "01023456789" }] },
          idempotencyKey: "bulk-1"
        })
      )
      assert.strictEqual(withKey.exit._tag, "Success")
      assert.strictEqual(withKey.requests, 2)
    })
  )

  it.live("retries the eligibility POST, which only reads, without an Idempotency-Key", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* against(
        (n, _, response) =>
          n === 0
            ? json(response, 503, { errorCode: "ServiceUnavailable", errorMessage: "busy" })
            : json(response, 200, { accountId: "ACME", results: [] }),
        (client) => client.checkEligibility({ body: { accountId: "ACME", phoneNumbers: ["01023456789"] } })
      )
      assert.strictEqual(exit._tag, "Success")
      assert.strictEqual(requests, 2)
    })
  )

  it.live("does not retry a client error, and keeps an error code it does not know", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* against(
        (_, __, response) =>
          json(response, 418, { errorCode: "SomethingNew", errorMessage: "a code from the future" }),
        (client) => client.getActiveNumbers().pipe(Effect.flip)
      )
      assert.strictEqual(requests, 1)
      const error = exit._tag === "Success" ? exit.value : undefined
      assert.strictEqual(error?._tag, "ApiError")
      assert.strictEqual(error?._tag === "ApiError" ? error.errorCode : "", "SomethingNew")
    })
  )

  it.live("gives up after the configured retries with the last error", () =>
    Effect.gen(function* () {
      const { exit, requests } = yield* against(
        (_, __, response) => json(response, 503, { errorCode: "ServiceUnavailable", errorMessage: "down" }),
        (client) => client.getActiveNumbers().pipe(Effect.flip)
      )
      assert.strictEqual(requests, 4)
      assert.strictEqual(
        exit._tag === "Success" && exit.value._tag === "ApiError" ? exit.value.status : 0,
        503
      )
    })
  )
})

describe("failures without an answer", () => {
  it.effect("times out an attempt that gets no answer", () =>
    Effect.gen(function* () {
      const { call, sleeps } = yield* forkedAgainst(
        () => {
          // Never answers.
        },
        (client) => client.getActiveNumbers().pipe(Effect.flip),
        { timeout: 200, retry: false }
      )
      assert.strictEqual(yield* Queue.take(sleeps), 200)
      yield* TestClock.adjust("200 millis")
      const error = yield* Fiber.join(call)
      assert.strictEqual(error._tag, "TimeoutError")
      assert.strictEqual(error._tag === "TimeoutError" ? error.timeoutMillis : 0, 200)
    })
  )

  it.live("reports a refused connection as a TransportError", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(freePort)
      const error = yield* SenderIdClient.use((client) => client.getActiveNumbers()).pipe(
        Effect.provide(
          SenderIdClient.layerFetch({ baseUrl: `http://127.0.0.1:${port}`, ...KEY, retry: false })
        ),
        Effect.flip
      )
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : "", "connection refused")
    })
  )

  it.live("reports an answer that is not the documented shape as a DecodeError", () =>
    Effect.gen(function* () {
      const { exit } = yield* against(
        (_, __, response) => json(response, 200, { not: "an array" }),
        (client) => client.getActiveNumbers().pipe(Effect.flip),
        { retry: false }
      )
      assert.strictEqual(exit._tag === "Success" ? exit.value._tag : "", "DecodeError")
    })
  )
})
