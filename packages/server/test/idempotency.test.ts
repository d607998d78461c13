import { assert, describe, it } from "@effect/vitest"
import {
  Accounts,
  ApiKeys,
  AuditEntry,
  IdempotencyKeys,
  SenderIdRepository,
  UsedSignatures
} from "@senderid/domain"
import { registryOn } from "@senderid/domain/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { makeApp } from "../src/App.ts"
import * as Signature from "../src/Signature.ts"
import {
  type Customer,
  type Harness,
  layerMemoryWebhooks,
  makeHarness,
  PNG_BASE64
} from "./support/harness.ts"

const NUMBERS = "/senderid/v1/numbers"
const BULK = "/senderid/v1/numbers/bulk"
const DOCUMENTS = "/senderid/v1/documents"

interface Book {
  readonly senderIds: ReadonlyArray<{ readonly phoneNumber: string }>
}

const withKey = (key: string) => ({ "idempotency-key": key })

const bookOf = async (h: Harness, who: Customer): Promise<Book> => {
  const response = await h.request(who, "GET", NUMBERS)
  assert.strictEqual(response.status, 200)
  return (await response.json()) as Book
}

const phoneNumbersOf = async (h: Harness, who: Customer) =>
  (await bookOf(h, who)).senderIds.map((s) => s.phoneNumber).sort()

const documentCount = async (h: Harness, who: Customer) => {
  const response = await h.request(who, "GET", DOCUMENTS)
  assert.strictEqual(response.status, 200)
  return ((await response.json()) as { data: ReadonlyArray<unknown> }).data.length
}

/**
 * The in-memory repository with a gate on `commit`: once armed, the next commit waits until the
 * test releases it, so a request can be held mid-flight while others arrive with the same key.
 */
const makeGatedApp = () => {
  let armed = false
  let failing = false
  let signalEntered: () => void = () => {}
  let release: () => void = () => {}
  const entered = new Promise<void>((resolve) => {
    signalEntered = resolve
  })
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const gatedRepository = Layer.effect(
    SenderIdRepository,
    Effect.gen(function* () {
      const inner = yield* SenderIdRepository
      return SenderIdRepository.of({
        ...inner,
        commit: (changes) =>
          Effect.suspend(() => {
            if (failing) {
              failing = false
              return Effect.die(new Error("storage node lost"))
            }
            if (!armed) return inner.commit(changes)
            armed = false
            signalEntered()
            return Effect.promise(() => released).pipe(Effect.andThen(inner.commit(changes)))
          })
      })
    })
  ).pipe(Layer.provide(SenderIdRepository.layerMemory))
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      registryOn(gatedRepository),
      ApiKeys.layerMemory,
      UsedSignatures.layerMemory,
      IdempotencyKeys.layerMemory,
      layerMemoryWebhooks
    )
  )
  const app = makeApp(runtime, { rateLimit: false })
  const customer = async (): Promise<Customer> => {
    const accountId = `ACCT${crypto.randomUUID().slice(0, 8).toUpperCase()}`
    await runtime.runPromise(
      Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), accountId, { limit: 5 }))
    )
    const key = await runtime.runPromise(
      ApiKeys.use((keys) =>
        keys.issue({
          apiKey: `NCS${crypto.randomUUID().slice(0, 12).toUpperCase()}`,
          secret: crypto.randomUUID().replaceAll("-", ""),
          scopes: ["senderid:read", "senderid:write"],
          accountId
        })
      )
    )
    return { accountId, apiKey: key.apiKey, secret: key.secret }
  }
  const request = async (who: Customer, method: string, path: string, body?: unknown, headers = {}) =>
    app.request(path, {
      method,
      headers: {
        authorization: await Effect.runPromise(Signature.sign({ apiKey: who.apiKey, apiSecret: who.secret })),
        "content-type": "application/json",
        ...headers
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
  return {
    customer,
    request,
    /** Holds the next commit; resolves once a request is waiting in it. */
    holdNextCommit: () => {
      armed = true
      return entered
    },
    release: () => release(),
    /** Makes the next commit die, as a crashed storage node would. */
    failNextCommit: () => {
      failing = true
    },
    dispose: () => runtime.dispose()
  }
}

const errorCodeOf = async (response: Response) => ((await response.json()) as { errorCode: string }).errorCode

/** Sends the same request twice and checks that the second is the first's response, replayed. */
const sendTwice = async (h: Harness, who: Customer, path: string, body: unknown, key: string) => {
  const first = await h.request(who, "POST", path, body, withKey(key))
  const second = await h.request(who, "POST", path, body, withKey(key))
  const firstText = await first.text()
  const secondText = await second.text()
  assert.strictEqual(first.headers.get("idempotent-replayed"), null)
  assert.strictEqual(second.headers.get("idempotent-replayed"), "true")
  assert.strictEqual(second.status, first.status)
  assert.strictEqual(secondText, firstText)
  assert.strictEqual(second.headers.get("content-type"), first.headers.get("content-type"))
  return { first, second, text: firstText }
}

describe("Idempotency-Key", () => {
  it("replays POST /numbers with the same key and body instead of registering again", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const { first } = await sendTwice(h, who, NUMBERS, { phoneNumber: "01023456789" }, "register-1")
    assert.strictEqual(first.status, 200)
    assert.deepStrictEqual(await phoneNumbersOf(h, who), ["01023456789"])
  })

  it("replays POST /numbers/bulk with the same key and body instead of registering again", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const body = { numbers: [{ phoneNumber: "01023456789" }, { phoneNumber: "0234567890" }] }
    const { first, text } = await sendTwice(h, who, BULK, body, "bulk-1")
    assert.strictEqual(first.status, 200)
    assert.strictEqual((JSON.parse(text) as { registered: number }).registered, 2)
    assert.deepStrictEqual(await phoneNumbersOf(h, who), ["01023456789", "0234567890"])
  })

  it("replays POST /documents with the same key and body instead of storing a second document", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const { first, text } = await sendTwice(
      h,
      who,
      DOCUMENTS,
      { file: PNG_BASE64, category: "SENDERID_APPROVAL" },
      "upload-1"
    )
    assert.strictEqual(first.status, 200)
    assert.match((JSON.parse(text) as { documentId: string }).documentId, /^DOC/u)
    assert.strictEqual(await documentCount(h, who), 1)
  })

  it("refuses the same key with a different body with 422 IdempotencyKeyReused, running nothing", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const first = await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" }, withKey("k"))
    assert.strictEqual(first.status, 200)
    const second = await h.request(who, "POST", NUMBERS, { phoneNumber: "01098765432" }, withKey("k"))
    assert.strictEqual(second.status, 422)
    assert.strictEqual(await errorCodeOf(second), "IdempotencyKeyReused")
    assert.strictEqual(second.headers.get("idempotent-replayed"), null)
    assert.deepStrictEqual(await phoneNumbersOf(h, who), ["01023456789"])
  })

  it("refuses the same key on another endpoint with 422 IdempotencyKeyReused", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const first = await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" }, withKey("k"))
    assert.strictEqual(first.status, 200)
    const second = await h.request(
      who,
      "POST",
      BULK,
      { numbers: [{ phoneNumber: "01098765432" }] },
      withKey("k")
    )
    assert.strictEqual(second.status, 422)
    assert.strictEqual(await errorCodeOf(second), "IdempotencyKeyReused")
    assert.deepStrictEqual(await phoneNumbersOf(h, who), ["01023456789"])
  })

  it("scopes keys per account: the same key and body run once in each account", async () => {
    const h = makeHarness()
    const alice = await h.customer()
    const bob = await h.customer()
    const body = { file: PNG_BASE64, category: "SENDERID_APPROVAL" }
    const a = await h.request(alice, "POST", DOCUMENTS, body, withKey("shared-key"))
    const b = await h.request(bob, "POST", DOCUMENTS, body, withKey("shared-key"))
    assert.strictEqual(a.status, 200)
    assert.strictEqual(b.status, 200)
    assert.strictEqual(a.headers.get("idempotent-replayed"), null)
    assert.strictEqual(b.headers.get("idempotent-replayed"), null)
    const aDoc = (await a.json()) as { documentId: string; accountId: string }
    const bDoc = (await b.json()) as { documentId: string; accountId: string }
    assert.notStrictEqual(aDoc.documentId, bDoc.documentId)
    assert.strictEqual(aDoc.accountId, alice.accountId)
    assert.strictEqual(bDoc.accountId, bob.accountId)
    assert.strictEqual(await documentCount(h, alice), 1)
    assert.strictEqual(await documentCount(h, bob), 1)
  })

  it("replays a 4xx first answer even after the cause of the refusal has gone", async () => {
    const h = makeHarness()
    const who = await h.customer({ limit: 1 })
    const held = await h.request(who, "POST", NUMBERS, { phoneNumber: "01087654321" })
    assert.strictEqual(held.status, 200)

    const { first, text } = await sendTwice(h, who, NUMBERS, { phoneNumber: "01023456789" }, "over-limit")
    assert.strictEqual(first.status, 403)
    assert.strictEqual((JSON.parse(text) as { errorCode: string }).errorCode, "LimitExceeded")

    // Room is made; the retry with the same key still gets the first answer and registers nothing.
    const removed = await h.request(who, "DELETE", `${NUMBERS}/01087654321`)
    assert.strictEqual(removed.status, 200, await removed.clone().text())
    const retry = await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" }, withKey("over-limit"))
    assert.strictEqual(retry.status, 403)
    assert.strictEqual(retry.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(await retry.text(), text)
    assert.deepStrictEqual(await phoneNumbersOf(h, who), [])
  })

  it("replays a refusal of the body itself (400) with the same key", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const { first, text } = await sendTwice(h, who, NUMBERS, { phoneNumber: "123" }, "bad-number")
    assert.strictEqual(first.status, 400)
    assert.strictEqual((JSON.parse(text) as { errorCode: string }).errorCode, "InvalidPhoneNumber")
  })

  for (const [label, key] of [
    ["300 characters long", "k".repeat(300)],
    ["containing spaces", "my key"],
    ["empty", ""]
  ] as const) {
    it(`refuses a key ${label} with 400 InvalidParameter, running nothing`, async () => {
      const h = makeHarness()
      const who = await h.customer()
      const response = await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" }, withKey(key))
      assert.strictEqual(response.status, 400)
      assert.strictEqual(await errorCodeOf(response), "InvalidParameter")
      assert.deepStrictEqual(await phoneNumbersOf(h, who), [])
    })
  }

  it("accepts a key of 255 visible characters", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const key = `${"k".repeat(254)}~`
    await sendTwice(h, who, NUMBERS, { phoneNumber: "01023456789" }, key)
    assert.deepStrictEqual(await phoneNumbersOf(h, who), ["01023456789"])
  })

  it("lets requests without a key run every time", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const body = { file: PNG_BASE64, category: "SENDERID_APPROVAL" }
    const first = await h.request(who, "POST", DOCUMENTS, body)
    const second = await h.request(who, "POST", DOCUMENTS, body)
    assert.strictEqual(first.status, 200)
    assert.strictEqual(second.status, 200)
    assert.strictEqual(second.headers.get("idempotent-replayed"), null)
    assert.strictEqual(await documentCount(h, who), 2)
  })

  it("registers exactly once under 20 concurrent requests with one key; the rest replay or get 409", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const body = { phoneNumber: "01023456789" }
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => h.request(who, "POST", NUMBERS, body, withKey("race")))
    )
    const outcomes = await Promise.all(
      responses.map(async (r) => ({
        status: r.status,
        replayed: r.headers.get("idempotent-replayed") === "true",
        body: (await r.json()) as { errorCode?: string }
      }))
    )
    const original = outcomes.filter((o) => o.status === 200 && !o.replayed)
    const replays = outcomes.filter((o) => o.status === 200 && o.replayed)
    const inUse = outcomes.filter((o) => o.status === 409)
    assert.strictEqual(original.length, 1, JSON.stringify(outcomes.map((o) => [o.status, o.replayed])))
    assert.strictEqual(original.length + replays.length + inUse.length, 20)
    for (const o of inUse) assert.strictEqual(o.body.errorCode, "IdempotencyKeyInUse")
    for (const o of replays) assert.deepStrictEqual(o.body, original[0]?.body)
    assert.deepStrictEqual(await phoneNumbersOf(h, who), ["01023456789"])

    // Once the first has finished, a retry replays it.
    const retry = await h.request(who, "POST", NUMBERS, body, withKey("race"))
    assert.strictEqual(retry.status, 200)
    assert.strictEqual(retry.headers.get("idempotent-replayed"), "true")
  })

  it("does not keep a 5xx answer: a retry with the same key runs again", async () => {
    const gated = makeGatedApp()
    try {
      const who = await gated.customer()
      const body = { phoneNumber: "01023456789" }
      gated.failNextCommit()
      const failed = await gated.request(who, "POST", NUMBERS, body, withKey("after-500"))
      assert.strictEqual(failed.status, 500)
      assert.strictEqual(await errorCodeOf(failed), "InternalError")

      const retried = await gated.request(who, "POST", NUMBERS, body, withKey("after-500"))
      assert.strictEqual(retried.status, 200, await retried.clone().text())
      assert.strictEqual(retried.headers.get("idempotent-replayed"), null)
      const replay = await gated.request(who, "POST", NUMBERS, body, withKey("after-500"))
      assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
      assert.strictEqual(await replay.text(), await retried.text())
    } finally {
      await gated.dispose()
    }
  })

  it("answers 409 IdempotencyKeyInUse to every retry while the first request is still running", async () => {
    const gated = makeGatedApp()
    try {
      const who = await gated.customer()
      const body = { phoneNumber: "01023456789" }
      const holding = gated.holdNextCommit()
      const first = gated.request(who, "POST", NUMBERS, body, withKey("held"))
      await holding

      const retries = await Promise.all(
        Array.from({ length: 19 }, () => gated.request(who, "POST", NUMBERS, body, withKey("held")))
      )
      for (const retry of retries) {
        assert.strictEqual(retry.status, 409)
        assert.strictEqual(await errorCodeOf(retry), "IdempotencyKeyInUse")
        assert.strictEqual(retry.headers.get("idempotent-replayed"), null)
      }

      gated.release()
      const original = await first
      assert.strictEqual(original.status, 200)
      assert.strictEqual(original.headers.get("idempotent-replayed"), null)
      const originalText = await original.text()

      const replay = await gated.request(who, "POST", NUMBERS, body, withKey("held"))
      assert.strictEqual(replay.status, 200)
      assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
      assert.strictEqual(await replay.text(), originalText)

      const book = await gated.request(who, "GET", NUMBERS)
      const senderIds = ((await book.json()) as Book).senderIds
      assert.deepStrictEqual(
        senderIds.map((s) => s.phoneNumber),
        ["01023456789"]
      )
    } finally {
      gated.release()
      await gated.dispose()
    }
  })
})
