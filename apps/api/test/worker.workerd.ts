/**
 * The Worker inside workerd, over a local D1: the same app as on Node answers SOLAPI's requests,
 * signed as SOLAPI's SDKs sign them, and keeps its state in D1 across requests of one isolate.
 */
import { env } from "cloudflare:workers"
import { assert, describe, it } from "@effect/vitest"
import {
  Accounts,
  ApiKeys,
  AuditEntry,
  DevelopmentCalls,
  SenderId,
  SenderIdRepository,
  Webhooks
} from "@senderid/domain"
import { Signature } from "@senderid/server"
import { Duration, Effect, Layer, Option } from "effect"
import * as WorkerServices from "../src/WorkerServices.ts"
import worker, { isolateFor, scheduled } from "../src/worker.ts"
import { expectWebCryptoDraws, recordedRandom } from "./support/recordedRandom.ts"

const run = Date.now().toString(36).toUpperCase()
const customer = { apiKey: `NCSW${run}`.slice(0, 16), secret: `S${run}`.padEnd(32, "X") }

const signed = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const authorization = await Effect.runPromise(
    Signature.sign({ apiKey: customer.apiKey, apiSecret: customer.secret })
  )
  return worker.fetch(
    new Request(`https://senderid.example${path}`, {
      method,
      headers: { authorization, "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    }),
    env,
    {}
  )
}

describe("the Worker on D1", () => {
  it("serves health without authentication", async () => {
    const response = await worker.fetch(new Request("https://senderid.example/health"), env, {})
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(await response.json(), { status: "ok", storage: "ok" })
  })

  it("registers, verifies by ARS and lists a number for a signed customer", async () => {
    const { runtime } = isolateFor(env)
    const accountId = `W${run}`
    await runtime.runPromise(
      Effect.gen(function* () {
        yield* Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), accountId, { limit: 3 }))
        yield* ApiKeys.use((k) =>
          k.issue({ ...customer, scopes: ["senderid:read", "senderid:write"], accountId })
        )
      })
    )

    const created = await signed("POST", "/senderid/v1/numbers", { phoneNumber: "031-234-5678" })
    assert.strictEqual(created.status, 200)
    const book = (await created.json()) as {
      accountId: string
      senderIds: Array<{ phoneNumber: string; status: string }>
    }
    assert.strictEqual(book.accountId, accountId)
    assert.deepStrictEqual(
      book.senderIds.map((s) => [s.phoneNumber, s.status]),
      [["0312345678", "PENDING"]]
    )

    const mfa = { authType: "ARS", extras: { phoneNumber: "0312345678" } }
    const call = await signed("PUT", "/senderid/v1/numbers/0312345678/authenticate", undefined, {
      "x-mfa-data": JSON.stringify(mfa)
    })
    assert.strictEqual(call.status, 403)
    const { mfa: challenge } = (await call.json()) as { errorCode: string; mfa: { transactionId: string } }
    const pin = await runtime.runPromise(
      DevelopmentCalls.use((calls) => calls.lastPin("0312345678")).pipe(
        Effect.map(Option.getOrElse(() => ""))
      )
    )
    const verified = await signed("PUT", "/senderid/v1/numbers/0312345678/authenticate", undefined, {
      "x-mfa-data": JSON.stringify({ ...mfa, transactionId: challenge.transactionId, token: pin })
    })
    assert.strictEqual(verified.status, 200)

    const active = await signed("GET", "/senderid/v1/numbers/active")
    assert.deepStrictEqual(await active.json(), ["0312345678"])
  })

  it("refuses a replayed signature and answers errors in SOLAPI's shape", async () => {
    const authorization = await Effect.runPromise(
      Signature.sign({ apiKey: customer.apiKey, apiSecret: customer.secret })
    )
    const send = () =>
      worker.fetch(
        new Request("https://senderid.example/senderid/v1/numbers", { headers: { authorization } }),
        env,
        {}
      )
    assert.strictEqual((await send()).status, 200)
    const replay = await send()
    assert.strictEqual(replay.status, 403)
    assert.strictEqual(((await replay.json()) as { errorCode: string }).errorCode, "DuplicatedSignature")

    const bad = await signed("POST", "/senderid/v1/numbers", { phoneNumber: "112" })
    assert.strictEqual(bad.status, 400)
    assert.deepStrictEqual(Object.keys((await bad.json()) as object).sort(), ["errorCode", "errorMessage"])
  })

  it("limits failed authentications per CF-Connecting-IP, and answers 429 past the limit", async () => {
    const forged = (address: string) =>
      Effect.runPromise(Signature.sign({ apiKey: customer.apiKey, apiSecret: "NOT-THE-SECRET" })).then(
        (authorization) =>
          worker.fetch(
            new Request("https://senderid.example/senderid/v1/numbers", {
              headers: { authorization, "cf-connecting-ip": address }
            }),
            env,
            {}
          )
      )
    // The bucket refills while the loop runs, so count until it is empty rather than to its size.
    const codes: Array<string> = []
    while (codes.length < 1000 && codes.at(-1) !== "TooManyRequests") {
      codes.push(((await (await forged("192.0.2.1")).json()) as { errorCode: string }).errorCode)
    }
    assert.strictEqual(codes.at(-1), "TooManyRequests")
    assert.isAtLeast(codes.length, 100, "the burst")
    assert.deepStrictEqual(new Set(codes.slice(0, -1)), new Set(["SignatureDoesNotMatch"]))
    const elsewhere = await forged("192.0.2.2")
    assert.strictEqual(((await elsewhere.json()) as { errorCode: string }).errorCode, "SignatureDoesNotMatch")
    const good = await signed("GET", "/senderid/v1/numbers", undefined, { "cf-connecting-ip": "192.0.2.1" })
    assert.strictEqual(good.status, 200, "signed requests from that address are their key's business")
  })

  it("relays a change's events to webhook deliveries right after the request, not only on the cron", async () => {
    const pending: Array<Promise<unknown>> = []
    const context = { waitUntil: (promise: Promise<unknown>) => void pending.push(promise) }
    const authorization = () =>
      Effect.runPromise(Signature.sign({ apiKey: customer.apiKey, apiSecret: customer.secret }))
    const post = async (path: string, body: unknown) =>
      worker.fetch(
        new Request(`https://senderid.example${path}`, {
          method: "POST",
          headers: { authorization: await authorization(), "content-type": "application/json" },
          body: JSON.stringify(body)
        }),
        env,
        context
      )
    // At the edge only public hosts: this one cannot be reached from the test, so the attempt fails.
    const hook = await post("/senderid/v1/webhooks", {
      url: "https://hooks.senderid.invalid/events",
      events: ["senderid.registered"]
    })
    assert.strictEqual(hook.status, 200)
    const refused = await post("/senderid/v1/webhooks", {
      url: "http://127.0.0.1:8787/",
      events: ["review.decided"]
    })
    assert.strictEqual(((await refused.json()) as { errorCode: string }).errorCode, "InvalidWebhookUrl")
    const registered = await post("/senderid/v1/numbers", { phoneNumber: "031-234-5680" })
    assert.strictEqual(registered.status, 200)
    await Promise.all(pending)

    const { runtime } = isolateFor(env)
    const deliveries = await runtime.runPromise(
      Webhooks.use((w) => w.deliveries({ accountId: `W${run}`, limit: 10 }))
    )
    const delivery = deliveries.items.find((d) => d.eventType === "senderid.registered")
    assert.isDefined(delivery, "the registration's event became a delivery without waiting for the cron")
    assert.strictEqual(delivery?.attempts, 1)
    assert.strictEqual(delivery?.status, "PENDING")
  })

  it("sweeps lapsed registrations away on its Cron Trigger", async () => {
    const { runtime } = isolateFor(env)
    const accountId = `S${run}`
    const lapsed = SenderId.register({
      handleKey: `SED${run}LAPSED`.padEnd(32, "0").slice(0, 32),
      accountId,
      phoneNumber: "0312345679",
      category: "regionalLandline",
      heldByAnotherAccount: false,
      pendingTtl: Duration.zero,
      at: { now: Date.now() - 60_000, actor: AuditEntry.accountActor(accountId) }
    })
    await runtime.runPromise(
      Effect.gen(function* () {
        yield* Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), accountId, { limit: 3 }))
        yield* SenderIdRepository.use((r) => r.commit([{ _tag: "InsertSenderId", senderId: lapsed }]))
      })
    )
    const report = await scheduled(env)
    assert.isAtLeast(report.removed, 1)
    const left = await runtime.runPromise(SenderIdRepository.use((r) => r.listSenderIds(accountId)))
    assert.deepStrictEqual(left, [])
  })
})

describe("the Worker's randomness", () => {
  it("draws identifiers, PINs and credentials from WebCrypto's getRandomValues in workerd", async () => {
    const recorded = recordedRandom()
    const drawn = await Effect.runPromise(
      expectWebCryptoDraws(recorded, "0312349876").pipe(
        Effect.provide(WorkerServices.layer(env).pipe(Layer.provide(recorded.layer)))
      )
    )
    assert.match(drawn.pin, /^\d{6}$/u)
  })
})
