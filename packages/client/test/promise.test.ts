/**
 * The Promise facade against our server on a socket: the same methods, answers as plain values,
 * failures thrown as the same typed errors, checked with `instanceof`.
 */
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { ApiError, createClient, TransportError } from "../src/index.ts"
import { freePort, ourServer } from "./support/server.ts"

let server: Awaited<ReturnType<typeof ourServer>>
beforeAll(async () => {
  server = await ourServer()
})
afterAll(() => server.close())

describe("createClient (Promise)", () => {
  it("calls customer and operator endpoints and throws typed errors", async () => {
    const customer = createClient({ baseUrl: server.origin, ...server.customer, language: "en" })
    const operator = createClient({ baseUrl: server.origin, ...server.operator })
    try {
      const book = await customer.registerNumber({ body: { phoneNumber: "01087654321" } })
      assert.strictEqual(book.senderIds.at(-1)?.phoneNumber, "01087654321")
      const one = await customer.getNumber({ params: { phoneNumber: "010-8765-4321" } })
      assert.strictEqual(one.status, "PENDING")
      const error = await customer
        .deleteNumber({ params: { phoneNumber: "01000000000" } })
        .catch((e: unknown) => e)
      assert.instanceOf(error, ApiError)
      assert.strictEqual((error as ApiError).errorCode, "InvalidSenderId")
      const accounts = await operator.listAccounts()
      assert.include(
        accounts.accounts.map((a) => a.accountId),
        "ACME"
      )
    } finally {
      await customer.close()
      await operator.close()
    }
  })

  it("asks eligibility as a customer about its own account, and is refused another one", async () => {
    const customer = createClient({ baseUrl: server.origin, ...server.customer, language: "en" })
    try {
      const answer = await customer.getEligibility({ params: { phoneNumber: "0312345678" } })
      assert.deepStrictEqual(answer, {
        phoneNumber: "0312345678",
        eligible: false,
        status: "NOT_REGISTERED",
        reason: "NOT_REGISTERED"
      })
      const batch = await customer.checkEligibility({ body: { phoneNumbers: ["0312345678"] } })
      assert.strictEqual(batch.accountId, "ACME")
      const error = await customer
        .checkEligibility({ body: { accountId: "OTHER", phoneNumbers: ["0312345678"] } })
        .catch((e: unknown) => e)
      assert.instanceOf(error, ApiError)
      assert.strictEqual((error as ApiError).status, 403)
    } finally {
      await customer.close()
    }
  })

  it("can be awaited and returned from async functions like any other object", async () => {
    const make = async () => createClient({ baseUrl: server.origin, ...server.operator })
    const client = await make()
    assert.isUndefined((client as unknown as { then?: unknown }).then)
    const accounts = await client.listAccounts()
    assert.isArray(accounts.accounts)
    await client.close()
  })

  it("throws a TransportError when nothing listens", async () => {
    const port = await freePort()
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, ...server.customer, retry: false })
    try {
      const error = await client.getActiveNumbers().catch((e: unknown) => e)
      assert.instanceOf(error, TransportError)
    } finally {
      await client.close()
    }
  })
})
