/**
 * ARS verification over the `x-mfa-data` header of PUT /numbers/:phoneNumber/authenticate: step one
 * places the call and answers MFARequired with the transaction; step two sends the PIN heard.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Wire } from "@senderid/contract"
import { DevelopmentCalls } from "@senderid/domain"
import { Duration } from "effect"
import { makeHarness } from "../support/harness.ts"
import {
  activate,
  authenticatePath,
  bookOf,
  DAY,
  EN,
  expectError,
  expectOk,
  ISO,
  mfaHeader,
  NUMBERS,
  placeCall,
  register
} from "./routeSupport.ts"

const MOBILE = "01023456789"

/** `callsWithoutPause` lifts the one-minute pause between calls, for tests that call twice at once. */
const setup = async (options: { readonly callsWithoutPause?: boolean } = {}) => {
  const h = makeHarness(
    { rateLimit: false },
    options.callsWithoutPause ? { arsCallInterval: Duration.zero } : {}
  )
  const a = await h.customer()
  await expectOk(await register(h, a, MOBILE))
  return { h, a }
}

/** A PIN of the same length that is not the one read on the call. */
const wrongPin = (pin: string) => pin.replace(/./gu, (d) => String((Number(d) + 1) % 10))

describe("ARS step one", () => {
  it("places a call and answers 403 MFARequired carrying mfa.transactionId; the number stays PENDING", async () => {
    const { h, a } = await setup()
    const before = Date.now()
    const response = await h.request(a, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE))
    const body = (await expectError(response, 403, "MFARequired")) as unknown as Wire.MfaRequired
    assert.strictEqual(body.mfa.authType, "ARS")
    assert.match(body.mfa.transactionId, /^ARS\d{14}[A-Z0-9]{15}$/u)
    assert.strictEqual(body.mfa.phoneNumber, MOBILE)
    assert.match(body.mfa.expireAt, ISO)
    assert.isAbove(Date.parse(body.mfa.expireAt), before)
    assert.strictEqual(body.mfa.attemptsLeft, 5)
    // The PIN travels by phone only, never in the response.
    assert.notInclude(JSON.stringify(body), await h.pinFor(MOBILE))

    const calls = await h.runtime.runPromise(DevelopmentCalls.use((c) => c.calls))
    assert.deepStrictEqual(
      calls.map((c) => [c.transactionId, c.phoneNumber]),
      [[body.mfa.transactionId, MOBILE]]
    )
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "PENDING")
  })

  it("accepts a human form of the number in extras.phoneNumber", async () => {
    const { h, a } = await setup()
    const response = await h.request(
      a,
      "PUT",
      authenticatePath(MOBILE),
      undefined,
      mfaHeader("010-2345-6789")
    )
    await expectError(response, 403, "MFARequired")
  })

  it("refuses a request without x-mfa-data with MissingRequiredParameter 400", async () => {
    const { h, a } = await setup()
    const error = await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, EN),
      400,
      "MissingRequiredParameter"
    )
    assert.include(error.errorMessage, "x-mfa-data")
    await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, { "x-mfa-data": "  " }),
      400,
      "MissingRequiredParameter"
    )
  })

  it("refuses a malformed JSON header with InvalidParameter 400 naming x-mfa-data", async () => {
    const { h, a } = await setup()
    const error = await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, {
        "x-mfa-data": '{"authType":"ARS",',
        ...EN
      }),
      400,
      "InvalidParameter"
    )
    assert.include(error.errorMessage, "x-mfa-data")
  })

  it("refuses a header that is JSON but not an object with InvalidParameter 400", async () => {
    const { h, a } = await setup()
    await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, { "x-mfa-data": '"ARS"' }),
      400,
      "InvalidParameter"
    )
  })

  it("refuses an authType other than ARS with InvalidParameter 400", async () => {
    const { h, a } = await setup()
    const header = {
      "x-mfa-data": JSON.stringify({ authType: "SMS", extras: { phoneNumber: MOBILE } }),
      ...EN
    }
    const error = await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, header),
      400,
      "InvalidParameter"
    )
    assert.include(error.errorMessage, "x-mfa-data.authType")
  })

  it("refuses a header without extras.phoneNumber with MissingRequiredParameter 400", async () => {
    const { h, a } = await setup()
    const header = { "x-mfa-data": JSON.stringify({ authType: "ARS", extras: {} }), ...EN }
    const error = await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, header),
      400,
      "MissingRequiredParameter"
    )
    assert.include(error.errorMessage, "x-mfa-data.extras.phoneNumber")
  })

  it("refuses extras.phoneNumber different from the path with InvalidParameter 400, placing no call", async () => {
    const { h, a } = await setup()
    const error = await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, { ...mfaHeader("01098765432"), ...EN }),
      400,
      "InvalidParameter"
    )
    assert.include(error.errorMessage, "x-mfa-data.extras.phoneNumber")
    assert.deepStrictEqual(await h.runtime.runPromise(DevelopmentCalls.use((c) => c.calls)), [])
  })

  it("refuses ARS for a representative number with ArsNotAllowed 400, placing no call", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const book = await expectOk<Wire.AccountBook>(await register(h, a, "1588-1234"))
    assert.strictEqual(book.senderIds[0]?.phoneNumber, "15881234")
    assert.deepStrictEqual(book.senderIds[0]?.necessaryMeasures, ["BUSINESS_DOCUMENTS"])

    await expectError(
      await h.request(a, "PUT", authenticatePath("15881234"), undefined, mfaHeader("15881234")),
      400,
      "ArsNotAllowed"
    )
    assert.deepStrictEqual(await h.runtime.runPromise(DevelopmentCalls.use((c) => c.calls)), [])
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "PENDING")
  })

  it("refuses a number the account does not hold with InvalidSenderId 400", async () => {
    const { h, a } = await setup()
    await expectError(
      await h.request(a, "PUT", authenticatePath("01099998888"), undefined, mfaHeader("01099998888")),
      400,
      "InvalidSenderId"
    )
  })

  it("refuses a number that is already ACTIVE with VerificationNotAllowed 409", async () => {
    const { h, a } = await setup()
    await activate(h, a, MOBILE)
    await expectError(
      await h.request(a, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE)),
      409,
      "VerificationNotAllowed"
    )
  })

  it("refuses a DUPLICATED number with VerificationNotAllowed 409: its unlock must be approved first", async () => {
    const { h, a } = await setup()
    await activate(h, a, MOBILE)
    const b = await h.customer()
    await expectOk(await register(h, b, MOBILE))
    await expectError(
      await h.request(b, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE)),
      409,
      "VerificationNotAllowed"
    )
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "ACTIVE")
    assert.strictEqual((await bookOf(h, b)).senderIds[0]?.status, "DUPLICATED")
  })

  it("refuses a PENDING number another account has since verified with DuplicatedSenderId 409", async () => {
    const { h, a } = await setup()
    const b = await h.customer()
    await expectOk(await register(h, b, MOBILE))
    await activate(h, a, MOBILE)
    const error = await expectError(
      await h.request(b, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE)),
      409,
      "DuplicatedSenderId"
    )
    // Never says which account holds it.
    assert.notInclude(error.errorMessage, a.accountId)
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "ACTIVE")
    assert.strictEqual((await bookOf(h, b)).senderIds[0]?.status, "PENDING")
  })
})

describe("ARS step two", () => {
  it("with the PIN heard makes the number ACTIVE by ARS for about 180 days", async () => {
    const { h, a } = await setup()
    const { transactionId } = await placeCall(h, a, MOBILE)
    const token = await h.pinFor(MOBILE)
    const before = Date.now()
    const book = await expectOk<Wire.AccountBook>(
      await h.request(
        a,
        "PUT",
        authenticatePath(MOBILE),
        undefined,
        mfaHeader(MOBILE, { transactionId, token })
      )
    )
    const after = Date.now()
    const senderId = book.senderIds[0]
    assert.strictEqual(book.accountId, a.accountId)
    assert.strictEqual(senderId?.status, "ACTIVE")
    assert.strictEqual(senderId?.method, "ARS")
    assert.deepStrictEqual(senderId?.necessaryMeasures, [])
    const expireAt = Date.parse(senderId?.expireAt ?? "")
    assert.isAtLeast(expireAt, before + 180 * DAY)
    assert.isAtMost(expireAt, after + 180 * DAY)
    // Created, call placed, verified.
    assert.strictEqual(senderId?.log.length, 3)
    assert.deepStrictEqual(await expectOk(await h.request(a, "GET", `${NUMBERS}/active`)), [MOBILE])
  })

  it("refuses a wrong PIN with TokenMismatch 400, counting every attempt", async () => {
    const { h, a } = await setup()
    const { transactionId } = await placeCall(h, a, MOBILE)
    const token = wrongPin(await h.pinFor(MOBILE))
    const attempt = () =>
      h.request(a, "PUT", authenticatePath(MOBILE), undefined, {
        ...mfaHeader(MOBILE, { transactionId, token }),
        ...EN
      })
    const first = await expectError(await attempt(), 400, "TokenMismatch")
    assert.include(first.errorMessage, "4 attempts left")
    const second = await expectError(await attempt(), 400, "TokenMismatch")
    assert.include(second.errorMessage, "3 attempts left")
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "PENDING")
    assert.deepStrictEqual(await expectOk(await h.request(a, "GET", `${NUMBERS}/active`)), [])
  })

  it("still accepts the right PIN after a wrong one", async () => {
    const { h, a } = await setup()
    const { transactionId } = await placeCall(h, a, MOBILE)
    const pin = await h.pinFor(MOBILE)
    const send = (token: string) =>
      h.request(a, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE, { transactionId, token }))
    await expectError(await send(wrongPin(pin)), 400, "TokenMismatch")
    const book = await expectOk<Wire.AccountBook>(await send(pin))
    assert.strictEqual(book.senderIds[0]?.status, "ACTIVE")
  })

  it("spends the challenge after five wrong PINs: the right one is then refused too", async () => {
    const { h, a } = await setup({ callsWithoutPause: true })
    const { transactionId } = await placeCall(h, a, MOBILE)
    const pin = await h.pinFor(MOBILE)
    const send = (token: string) =>
      h.request(a, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE, { transactionId, token }))
    for (let i = 0; i < 4; i++) await expectError(await send(wrongPin(pin)), 400, "TokenMismatch")
    await expectError(await send(wrongPin(pin)), 409, "ChallengeAttemptsExceeded")
    await expectError(await send(pin), 409, "ChallengeAttemptsExceeded")
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "PENDING")

    // A new call gives a fresh challenge.
    const book = await activate(h, a, MOBILE)
    assert.strictEqual(book.senderIds[0]?.status, "ACTIVE")
  })

  it("rations calls: a second call within a minute is 429 ArsCallLimitExceeded with Retry-After", async () => {
    const { h, a } = await setup()
    await placeCall(h, a, MOBILE)
    const again = await h.request(a, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE))
    await expectError(again, 429, "ArsCallLimitExceeded")
    const retryAfter = Number(again.headers.get("retry-after"))
    assert.isTrue(retryAfter >= 1 && retryAfter <= 60, String(retryAfter))
    const calls = await h.runtime.runPromise(DevelopmentCalls.use((c) => c.calls))
    assert.strictEqual(calls.length, 1)
  })

  it("refuses a challenge used once already", async () => {
    const { h, a } = await setup()
    const { transactionId } = await placeCall(h, a, MOBILE)
    const token = await h.pinFor(MOBILE)
    const send = () =>
      h.request(a, "PUT", authenticatePath(MOBILE), undefined, mfaHeader(MOBILE, { transactionId, token }))
    await expectOk(await send())
    await expectError(await send(), 409, "ChallengeAlreadyUsed")
  })

  it("refuses an unknown transactionId with InvalidTransactionId 400", async () => {
    const { h, a } = await setup()
    await placeCall(h, a, MOBILE)
    const token = await h.pinFor(MOBILE)
    await expectError(
      await h.request(
        a,
        "PUT",
        authenticatePath(MOBILE),
        undefined,
        mfaHeader(MOBILE, { transactionId: "ARS20260101000000NOSUCHCHALLENGE", token })
      ),
      400,
      "InvalidTransactionId"
    )
  })

  it("refuses the transaction of another number of the same account with InvalidTransactionId 400", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01098765432"))
    const { transactionId } = await placeCall(h, a, "01098765432")
    const token = await h.pinFor("01098765432")
    await expectError(
      await h.request(
        a,
        "PUT",
        authenticatePath(MOBILE),
        undefined,
        mfaHeader(MOBILE, { transactionId, token })
      ),
      400,
      "InvalidTransactionId"
    )
    const book = await bookOf(h, a)
    assert.deepStrictEqual(
      book.senderIds.map((s) => s.status),
      ["PENDING", "PENDING"]
    )
  })

  for (const [present, missing] of [
    ["transactionId", "token"],
    ["token", "transactionId"]
  ] as const) {
    it(`refuses ${present} without ${missing} with MissingRequiredParameter 400 naming it`, async () => {
      const { h, a } = await setup()
      const { transactionId } = await placeCall(h, a, MOBILE)
      const token = await h.pinFor(MOBILE)
      const extra = present === "token" ? { token } : { transactionId }
      const error = await expectError(
        await h.request(a, "PUT", authenticatePath(MOBILE), undefined, {
          ...mfaHeader(MOBILE, extra),
          ...EN
        }),
        400,
        "MissingRequiredParameter"
      )
      assert.include(error.errorMessage, `x-mfa-data.${missing}`)
      assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "PENDING")
    })
  }

  it("refuses unknown fields in the header with InvalidParameter 400", async () => {
    const { h, a } = await setup()
    const { transactionId } = await placeCall(h, a, MOBILE)
    const token = await h.pinFor(MOBILE)
    await expectError(
      await h.request(
        a,
        "PUT",
        authenticatePath(MOBILE),
        undefined,
        mfaHeader(MOBILE, { transactionId, token, status: "ACTIVE" })
      ),
      400,
      "InvalidParameter"
    )
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "PENDING")
  })
})

describe("after ARS", () => {
  it("lists the number in /numbers/active and lets it be switched INACTIVE", async () => {
    const { h, a } = await setup()
    await activate(h, a, MOBILE)
    assert.deepStrictEqual(await expectOk(await h.request(a, "GET", `${NUMBERS}/active`)), [MOBILE])
    const book = await expectOk<Wire.AccountBook>(
      await h.request(a, "PUT", `${NUMBERS}/${MOBILE}`, { status: "INACTIVE" })
    )
    assert.strictEqual(book.senderIds[0]?.status, "INACTIVE")
    assert.strictEqual(book.senderIds[0]?.method, "ARS")
  })

  it("verifies a second call's transaction with the PIN read on that call", async () => {
    const { h, a } = await setup({ callsWithoutPause: true })
    const first = await placeCall(h, a, MOBILE)
    const second = await placeCall(h, a, MOBILE)
    assert.notStrictEqual(first.transactionId, second.transactionId)
    const calls = await h.runtime.runPromise(DevelopmentCalls.use((c) => c.calls))
    assert.strictEqual(calls.length, 2)
    const book = await expectOk<Wire.AccountBook>(
      await h.request(
        a,
        "PUT",
        authenticatePath(MOBILE),
        undefined,
        mfaHeader(MOBILE, { transactionId: second.transactionId, token: calls[1]?.pin })
      )
    )
    assert.strictEqual(book.senderIds[0]?.status, "ACTIVE")
  })
})
