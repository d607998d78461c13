/**
 * The Effect client against our real server — in-process through the app's `fetch`, and over a
 * listening socket — for customer and operator calls, typed answers and typed errors.
 */
import { assert, describe, it } from "@effect/vitest"
import { DevelopmentCalls } from "@senderid/domain"
import { Effect, Layer, Option } from "effect"
import { FetchHttpClient } from "effect/http"
import { afterAll, beforeAll } from "vitest"
import { SenderIdClient } from "../src/index.ts"
import { type Key, ourServer } from "./support/server.ts"

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

let server: Awaited<ReturnType<typeof ourServer>>
beforeAll(async () => {
  server = await ourServer()
})
afterAll(() => server.close())

/** The client over the socket, as a service. */
const over = (key: Key) => SenderIdClient.layerFetch({ baseUrl: server.origin, ...key, language: "en" })

/** The client in-process: requests go straight to the app's `fetch`, no socket. */
const inProcess = (key: Key) =>
  SenderIdClient.layer({ baseUrl: "http://senderid.test", ...key, language: "en" }).pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(
      Layer.succeed(FetchHttpClient.Fetch, ((input: RequestInfo | URL, init?: RequestInit) =>
        Promise.resolve(server.app.fetch(new Request(input, init)))) as typeof fetch)
    )
  )

describe("SenderIdClient (Effect) against our server", () => {
  it.live("registers over the socket and reads the book, one number and the active list", () =>
    Effect.gen(function* () {
      const client = yield* SenderIdClient
      const book = yield* client.registerNumber({ body: { phoneNumber: "010-2345-6789" } })
      assert.strictEqual(book.accountId, "ACME")
      assert.deepStrictEqual(
        book.senderIds.map((s) => [s.phoneNumber, s.status]),
        [["01023456789", "PENDING"]]
      )
      const one = yield* client.getNumber({ params: { phoneNumber: "01023456789" } })
      assert.strictEqual(one.status, "PENDING")
      assert.deepStrictEqual(yield* client.getActiveNumbers(), [])
    }).pipe(Effect.provide(over(server.customer)))
  )

  it.live("runs in-process through the app's fetch, and proves a number by ARS", () =>
    Effect.gen(function* () {
      const client = yield* SenderIdClient
      yield* client.registerNumber({ body: { phoneNumber: "0223456789" } })
      const mfa = { authType: "ARS", extras: { phoneNumber: "0223456789" } }
      const step1 = yield* client
        .authenticateNumber({
          params: { phoneNumber: "0223456789" },
          headers: { "x-mfa-data": JSON.stringify(mfa) }
        })
        .pipe(Effect.flip)
      assert.strictEqual(step1._tag, "ApiError")
      if (step1._tag !== "ApiError") return assert.fail(step1.message)
      assert.strictEqual(step1.errorCode, "MFARequired")
      const transactionId = (step1.body.mfa as { transactionId: string }).transactionId
      const pin = yield* Effect.promise(() =>
        server.runtime.runPromise(DevelopmentCalls.use((calls) => calls.lastPin("0223456789")))
      )
      const book = yield* client.authenticateNumber({
        params: { phoneNumber: "0223456789" },
        headers: { "x-mfa-data": JSON.stringify({ ...mfa, transactionId, token: Option.getOrThrow(pin) }) }
      })
      assert.strictEqual(book.senderIds.find((s) => s.phoneNumber === "0223456789")?.status, "ACTIVE")
      assert.include(yield* client.getActiveNumbers(), "0223456789")
    }).pipe(Effect.provide(inProcess(server.customer)))
  )

  it.live("decodes the API's refusals into ApiError with code, status, message and request id", () =>
    Effect.gen(function* () {
      const client = yield* SenderIdClient
      const error = yield* client.registerNumber({ body: { phoneNumber: "12345" } }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "ApiError")
      if (error._tag !== "ApiError") return
      assert.strictEqual(error.status, 400)
      assert.strictEqual(error.errorCode, "InvalidPhoneNumber")
      assert.match(error.errorMessage, /[a-z]/u)
      assert.isString(error.requestId)
      const missing = yield* client.getNumber({ params: { phoneNumber: "01099999999" } }).pipe(Effect.flip)
      assert.strictEqual(missing._tag === "ApiError" ? missing.errorCode : missing._tag, "InvalidSenderId")
    }).pipe(Effect.provide(over(server.customer)))
  )

  it.live("asks eligibility with a service key about the account it names, one number or a batch", () =>
    Effect.gen(function* () {
      yield* SenderIdClient.use((customer) =>
        customer.registerNumber({ body: { phoneNumber: "01055556666" } })
      ).pipe(Effect.provide(over(server.customer)))
      const service = yield* SenderIdClient
      const one = yield* service.getEligibility({
        params: { phoneNumber: "010-5555-6666" },
        query: { accountId: "ACME" }
      })
      assert.deepStrictEqual(one, {
        phoneNumber: "01055556666",
        eligible: false,
        status: "PENDING",
        reason: "PENDING"
      })
      const batch = yield* service.checkEligibility({
        body: { accountId: "ACME", phoneNumbers: ["01055556666", "nope"] }
      })
      assert.deepStrictEqual(
        batch.results.map((r) => r.reason),
        ["PENDING", "INVALID_NUMBER"]
      )
      // The service key's reach ends there.
      const refused = yield* service.getBook().pipe(Effect.flip)
      assert.strictEqual(refused._tag === "ApiError" ? refused.errorCode : refused._tag, "Forbidden")
    }).pipe(Effect.provide(over(server.service)))
  )

  it.live("uploads a document and downloads its bytes", () =>
    Effect.gen(function* () {
      const client = yield* SenderIdClient
      const document = yield* client.uploadDocument({
        body: { file: PNG, category: "SENDERID_APPROVAL", name: "evidence.png" },
        idempotencyKey: "upload-1"
      })
      const again = yield* client.uploadDocument({
        body: { file: PNG, category: "SENDERID_APPROVAL", name: "evidence.png" },
        idempotencyKey: "upload-1"
      })
      assert.strictEqual(again.documentId, document.documentId)
      const file = yield* client.downloadDocument({ params: { documentId: document.documentId } })
      assert.strictEqual(file.contentType, "image/png")
      assert.deepStrictEqual(
        file.bytes,
        Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0))
      )
    }).pipe(Effect.provide(over(server.customer)))
  )

  it.live("calls the operator API with an operator key, and gets 403 there with a customer key", () =>
    Effect.gen(function* () {
      const operator = yield* SenderIdClient
      const page = yield* operator.listAccounts({ query: { search: "acme" } })
      assert.deepStrictEqual(
        page.accounts.map((a) => a.accountId),
        ["ACME"]
      )
      const queue = yield* operator.listReviews({ query: { kind: "EVIDENCE" } })
      assert.deepStrictEqual(queue.reviews, [])
      const stats = yield* operator.getStats({ query: { weeks: 4 } })
      assert.strictEqual(stats.accounts, 1)
      assert.strictEqual(stats.reviews.EVIDENCE, 0)
      assert.strictEqual(stats.expiries.length, 4)
      const refused = yield* Effect.flip(
        SenderIdClient.use((c) => c.listAccounts()).pipe(Effect.provide(over(server.customer)))
      )
      assert.strictEqual(refused._tag === "ApiError" ? refused.status : 0, 403)
    }).pipe(Effect.provide(over(server.operator)))
  )
})
