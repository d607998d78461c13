/**
 * Who may call what, through `app.request()`: SOLAPI's HMAC header (every refusal code, both
 * methods, offset dates, the official SDK's real header), scopes, operator keys kept off customer
 * routes, and one account's key unable to read or change another account's numbers and documents.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Wire } from "@senderid/contract"
import { ApiKeys, DevelopmentCalls } from "@senderid/domain"
import { Effect } from "effect"
import * as Signature from "../../src/Signature.ts"
import type { Customer, Harness } from "../support/harness.ts"
import { makeHarness, PNG_BASE64 } from "../support/harness.ts"
import { captureSolapiRequest } from "../support/solapiHeader.ts"
import {
  activate,
  authenticatePath,
  bookOf,
  DOCUMENTS,
  EN,
  expectError,
  expectOk,
  mfaHeader,
  NUMBERS,
  PAPERS,
  placeCall,
  register,
  upload
} from "./routeSupport.ts"

const MINUTE = 60_000

const withAuthorization = (
  h: Harness,
  authorization: string,
  method = "GET",
  path = NUMBERS,
  body?: unknown
) => h.request(undefined, method, path, body, { authorization })

const signed = (who: Pick<Customer, "apiKey" | "secret">, options: Partial<Signature.SignOptions> = {}) =>
  Effect.runPromise(Signature.sign({ apiKey: who.apiKey, apiSecret: who.secret, ...options }))

/** `millis` written as local wall time at `offsetMinutes` from UTC, e.g. `2026-11-26T23:14:00+09:00`. */
const withOffset = (millis: number, offsetMinutes: number): string => {
  const local = new Date(millis + offsetMinutes * MINUTE).toISOString().slice(0, 19)
  const sign = offsetMinutes < 0 ? "-" : "+"
  const abs = Math.abs(offsetMinutes)
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`
}

describe("authentication", () => {
  it("refuses a request without an Authorization header with 401 Unauthorized", async () => {
    const h = makeHarness()
    await expectError(await h.request(undefined, "GET", NUMBERS), 401, "Unauthorized")
  })

  it("authenticates before reading the body: no header and bad JSON is still 401", async () => {
    const h = makeHarness()
    await expectError(await h.request(undefined, "POST", NUMBERS, "{not json"), 401, "Unauthorized")
  })

  for (const header of [
    "Bearer abc",
    "HMAC-SHA256",
    "HMAC-SHA256 apiKey=NCSABC",
    "HMAC-SHA256 apiKey=NCSABC, date=yesterday, salt=abcdefabcdefabcdef, signature=00",
    "HMAC-SHA1 apiKey=NCSABC, date=2026-01-01T00:00:00Z, salt=abcdefabcdefabcdef, signature=00"
  ]) {
    it(`refuses a malformed header (${header}) with 401 InvalidAuthorization`, async () => {
      const h = makeHarness()
      await expectError(await withAuthorization(h, header), 401, "InvalidAuthorization")
    })
  }

  it("refuses an unknown key with 403 InvalidAPIKey", async () => {
    const h = makeHarness()
    const header = await signed({ apiKey: "NCSNOSUCHKEY0001", secret: "S".repeat(32) })
    await expectError(await withAuthorization(h, header), 403, "InvalidAPIKey")
  })

  it("refuses a revoked key with 403 InvalidAPIKey", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await h.request(a, "GET", NUMBERS))
    await h.runtime.runPromise(ApiKeys.use((keys) => keys.revoke(a.apiKey)))
    await expectError(await h.request(a, "GET", NUMBERS), 403, "InvalidAPIKey")
  })

  it("refuses a header signed with another secret with 403 SignatureDoesNotMatch", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const header = await signed({ apiKey: a.apiKey, secret: "WRONGSECRET".padEnd(32, "0") })
    await expectError(await withAuthorization(h, header), 403, "SignatureDoesNotMatch")
  })

  for (const minutes of [-16, 16]) {
    it(`refuses a date ${minutes} minutes from the server's with 403 RequestTimeTooSkewed`, async () => {
      const h = makeHarness()
      const a = await h.customer()
      const header = await signed(a, { date: new Date(Date.now() + minutes * MINUTE).toISOString() })
      await expectError(await withAuthorization(h, header), 403, "RequestTimeTooSkewed")
    })
  }

  it("accepts a date 14 minutes behind the server's", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const header = await signed(a, { date: new Date(Date.now() - 14 * MINUTE).toISOString() })
    await expectOk(await withAuthorization(h, header))
  })

  it("refuses the same header a second time with 403 DuplicatedSignature, changing nothing", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const header = await h.authorization(a)
    await expectOk(await withAuthorization(h, header, "POST", NUMBERS, { phoneNumber: "01023456781" }))
    await expectError(
      await withAuthorization(h, header, "POST", NUMBERS, { phoneNumber: "01023456782" }),
      403,
      "DuplicatedSignature"
    )
    assert.deepStrictEqual(
      (await bookOf(h, a)).senderIds.map((s) => s.phoneNumber),
      ["01023456781"]
    )
  })

  it("accepts HMAC-MD5", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const header = await h.authorization(a, "HMAC-MD5")
    assert.match(header, /^HMAC-MD5 /u)
    const book = await expectOk<Wire.AccountBook>(await withAuthorization(h, header))
    assert.strictEqual(book.accountId, a.accountId)
  })

  for (const offset of [9 * 60, -5 * 60]) {
    it(`accepts a date written with a local offset of ${offset / 60} hours`, async () => {
      const h = makeHarness()
      const a = await h.customer()
      const date = withOffset(Date.now(), offset)
      assert.match(date, /[+-]0[59]:00$/u)
      const book = await expectOk<Wire.AccountBook>(await withAuthorization(h, await signed(a, { date })))
      assert.strictEqual(book.accountId, a.accountId)
    })
  }

  for (const timeZone of ["Asia/Seoul", "UTC"]) {
    it(`accepts the header the official solapi SDK sends (SDK running in ${timeZone})`, async () => {
      const h = makeHarness()
      const a = await h.customer()
      const captured = await Effect.runPromise(
        captureSolapiRequest({ apiKey: a.apiKey, apiSecret: a.secret, timeZone })
      )
      if (timeZone === "Asia/Seoul") assert.match(captured.authorization, /date=[^,]+\+09:00,/u)
      const book = await expectOk<Wire.AccountBook>(await withAuthorization(h, captured.authorization))
      assert.strictEqual(book.accountId, a.accountId)
    })
  }

  it("refuses the SDK's header when the SDK holds another secret with 403 SignatureDoesNotMatch", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const captured = await Effect.runPromise(
      captureSolapiRequest({ apiKey: a.apiKey, apiSecret: "OTHER".padEnd(32, "0"), timeZone: "Asia/Seoul" })
    )
    await expectError(await withAuthorization(h, captured.authorization), 403, "SignatureDoesNotMatch")
  })

  it("never echoes the secret or the signature in a refusal", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const header = await signed({ apiKey: a.apiKey, secret: "WRONGSECRET".padEnd(32, "0") })
    const text = await (await withAuthorization(h, header, "GET", NUMBERS, undefined)).text()
    assert.notInclude(text, a.secret)
    assert.notInclude(text, /signature=([0-9a-f]+)/u.exec(header)?.[1] ?? "unreachable")
  })
})

describe("scopes", () => {
  it("lets a read-only key read but refuses every write with 403 Forbidden", async () => {
    const h = makeHarness()
    const writer = await h.customer()
    await expectOk(await register(h, writer, "01023456789"))
    const key = await h.issueKey(["senderid:read"], { accountId: writer.accountId })
    const reader: Customer = { accountId: writer.accountId, apiKey: key.apiKey, secret: key.secret }

    assert.strictEqual((await bookOf(h, reader)).senderIds.length, 1)
    await expectOk(await h.request(reader, "GET", `${NUMBERS}/active`))
    await expectOk(await h.request(reader, "GET", `${NUMBERS}/01023456789`))
    await expectOk(await h.request(reader, "GET", DOCUMENTS))

    const writes: ReadonlyArray<readonly [string, string, unknown]> = [
      ["POST", NUMBERS, { phoneNumber: "01023456780" }],
      ["POST", `${NUMBERS}/bulk`, { numbers: [{ phoneNumber: "01023456780" }] }],
      ["PUT", `${NUMBERS}/01023456789`, { autoExtension: true }],
      ["DELETE", `${NUMBERS}/01023456789`, undefined],
      ["PUT", authenticatePath("01023456789"), undefined],
      ["POST", `${PAPERS}/approval/01023456789`, { documents: ["DOC1"] }],
      ["POST", `${PAPERS}/duplicate/01023456789`, { reason: "x" }],
      ["POST", `${PAPERS}/limitation`, { documents: ["DOC1"], limit: 10 }],
      ["POST", DOCUMENTS, { file: PNG_BASE64, category: "SENDERID_APPROVAL" }],
      ["DELETE", DOCUMENTS, { documents: ["DOC1"] }]
    ]
    for (const [method, path, body] of writes) {
      const headers = path.endsWith("/authenticate") ? mfaHeader("01023456789") : {}
      await expectError(await h.request(reader, method, path, body, headers), 403, "Forbidden")
    }
    const book = await bookOf(h, writer)
    assert.deepStrictEqual(
      book.senderIds.map((s) => [s.phoneNumber, s.status, s.autoExtension]),
      [["01023456789", "PENDING", false]]
    )
    assert.deepStrictEqual(await h.runtime.runPromise(DevelopmentCalls.use((c) => c.calls)), [])
  })

  it("names the missing scope in the refusal", async () => {
    const h = makeHarness()
    const reader = await h.customer({ scopes: ["senderid:read"] })
    const error = await expectError(
      await h.request(reader, "POST", NUMBERS, { phoneNumber: "01023456789" }, EN),
      403,
      "Forbidden"
    )
    assert.include(error.errorMessage, "senderid:write")
  })

  it("does not let a write-only key read: scopes are independent", async () => {
    const h = makeHarness()
    const writer = await h.customer({ scopes: ["senderid:write"] })
    await expectOk(await register(h, writer, "01023456789"))
    await expectError(await h.request(writer, "GET", NUMBERS), 403, "Forbidden")
  })

  it("refuses an operator key on customer routes with 403 Forbidden", async () => {
    const h = makeHarness()
    const key = await h.issueKey(["operator:read", "operator:write"], { operatorId: "op" })
    const operator = { apiKey: key.apiKey, secret: key.secret }
    await expectError(await h.request(operator, "GET", NUMBERS), 403, "Forbidden")
    await expectError(await h.request(operator, "GET", `${NUMBERS}/active`), 403, "Forbidden")
    await expectError(
      await h.request(operator, "POST", NUMBERS, { phoneNumber: "01023456789" }),
      403,
      "Forbidden"
    )
    await expectError(await h.request(operator, "GET", DOCUMENTS), 403, "Forbidden")
  })

  it("refuses an operator key that also carries customer scopes but no account with 403 Forbidden", async () => {
    const h = makeHarness()
    const key = await h.issueKey(["senderid:read", "senderid:write", "operator:read"], { operatorId: "op" })
    const operator = { apiKey: key.apiKey, secret: key.secret }
    await expectError(await h.request(operator, "GET", NUMBERS), 403, "Forbidden")
    await expectError(
      await h.request(operator, "POST", NUMBERS, { phoneNumber: "01023456789" }),
      403,
      "Forbidden"
    )
  })

  it("serves GET /health without authentication", async () => {
    const h = makeHarness()
    const response = await h.request(undefined, "GET", "/health")
    assert.deepStrictEqual(await expectOk(response), { status: "ok", storage: "ok" })
  })
})

describe("account isolation", () => {
  const ACTIVE = "01023456789"
  const REVIEWED = "0223456789"
  const DUPLICATED = "01055556666"
  const NOT_HELD_BY_A = "01099998888"

  /** Account A with an ACTIVE number, a number under evidence review, a DUPLICATED number and
   * documents of both categories; account B with its own key and documents. */
  const accounts = async () => {
    const h = makeHarness()
    const a = await h.customer()
    const b = await h.customer()
    const c = await h.customer()
    await expectOk(await register(h, a, ACTIVE))
    await activate(h, a, ACTIVE)
    const evidence = await upload(h, a, PNG_BASE64)
    await expectOk(await register(h, a, REVIEWED, { documents: [evidence.documentId] }))
    await expectOk(await register(h, c, DUPLICATED))
    await activate(h, c, DUPLICATED)
    await expectOk(await register(h, a, DUPLICATED))
    const spare = await upload(h, a, PNG_BASE64)
    const limitation = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
    const theirs = await upload(h, b, PNG_BASE64)
    const theirLimitation = await upload(h, b, PNG_BASE64, "SENDERID_LIMITATION")

    const snapshot = async () => ({
      book: await bookOf(h, a),
      documents: await expectOk<Wire.DocumentPage>(await h.request(a, "GET", DOCUMENTS)),
      files: await Promise.all(
        [evidence, spare, limitation].map(async (d) =>
          new Uint8Array(
            await (await h.request(a, "GET", `${DOCUMENTS}/${d.documentId}/file`)).arrayBuffer()
          ).join(",")
        )
      )
    })
    const before = await snapshot()
    assert.sameDeepMembers(
      before.book.senderIds.map((s) => [s.phoneNumber, s.status]),
      [
        [ACTIVE, "ACTIVE"],
        [REVIEWED, "PENDING"],
        [DUPLICATED, "DUPLICATED"]
      ]
    )
    assert.strictEqual(before.documents.data.length, 3)
    const callsBefore = (await h.runtime.runPromise(DevelopmentCalls.use((x) => x.calls))).length

    /** Asserts A's book, documents and files are exactly as they were, and no call was placed. */
    const unchanged = async () => {
      assert.deepStrictEqual(await snapshot(), before)
      assert.strictEqual(
        (await h.runtime.runPromise(DevelopmentCalls.use((x) => x.calls))).length,
        callsBefore
      )
    }
    return { h, a, b, evidence, spare, limitation, theirs, theirLimitation, unchanged }
  }

  it("B's book and active numbers show nothing of A's", async () => {
    const { h, b, unchanged } = await accounts()
    const book = await bookOf(h, b)
    assert.strictEqual(book.accountId, b.accountId)
    assert.deepStrictEqual(book.senderIds, [])
    assert.deepStrictEqual(await expectOk(await h.request(b, "GET", `${NUMBERS}/active`)), [])
    await unchanged()
  })

  it("B cannot page into A's book with A's handleKey", async () => {
    const { h, a, b, unchanged } = await accounts()
    const handleKey = (await bookOf(h, a)).senderIds[1]?.handleKey ?? ""
    await expectError(await h.request(b, "GET", `${NUMBERS}?startKey=${handleKey}`), 400, "InvalidParameter")
    await unchanged()
  })

  for (const phoneNumber of [ACTIVE, REVIEWED, DUPLICATED]) {
    it(`B cannot read, switch, extend or delete A's number ${phoneNumber}: InvalidSenderId`, async () => {
      const { h, b, unchanged } = await accounts()
      await expectError(await h.request(b, "GET", `${NUMBERS}/${phoneNumber}`), 400, "InvalidSenderId")
      for (const status of ["ACTIVE", "INACTIVE"]) {
        await expectError(
          await h.request(b, "PUT", `${NUMBERS}/${phoneNumber}`, { status }),
          400,
          "InvalidSenderId"
        )
      }
      await expectError(
        await h.request(b, "PUT", `${NUMBERS}/${phoneNumber}`, { autoExtension: true }),
        400,
        "InvalidSenderId"
      )
      await expectError(await h.request(b, "DELETE", `${NUMBERS}/${phoneNumber}`), 400, "InvalidSenderId")
      await unchanged()
    })

    it(`B cannot start ARS or file papers on A's number ${phoneNumber}: InvalidSenderId`, async () => {
      const { h, b, theirs, unchanged } = await accounts()
      await expectError(
        await h.request(b, "PUT", authenticatePath(phoneNumber), undefined, mfaHeader(phoneNumber)),
        400,
        "InvalidSenderId"
      )
      await expectError(
        await h.request(b, "POST", `${PAPERS}/approval/${phoneNumber}`, { documents: [theirs.documentId] }),
        400,
        "InvalidSenderId"
      )
      await expectError(
        await h.request(b, "POST", `${PAPERS}/duplicate/${phoneNumber}`, { reason: "mine now" }),
        400,
        "InvalidSenderId"
      )
      await unchanged()
    })
  }

  it("B cannot complete A's ARS challenge, even holding the same number and the PIN", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const b = await h.customer()
    await expectOk(await register(h, a, NOT_HELD_BY_A))
    await expectOk(await register(h, b, NOT_HELD_BY_A))
    const { transactionId } = await placeCall(h, a, NOT_HELD_BY_A)
    const token = await h.pinFor(NOT_HELD_BY_A)
    await expectError(
      await h.request(
        b,
        "PUT",
        authenticatePath(NOT_HELD_BY_A),
        undefined,
        mfaHeader(NOT_HELD_BY_A, { transactionId, token })
      ),
      400,
      "InvalidTransactionId"
    )
    assert.strictEqual((await bookOf(h, b)).senderIds[0]?.status, "PENDING")
    // A's challenge was not spent by B's attempt.
    const book = await expectOk<Wire.AccountBook>(
      await h.request(
        a,
        "PUT",
        authenticatePath(NOT_HELD_BY_A),
        undefined,
        mfaHeader(NOT_HELD_BY_A, { transactionId, token })
      )
    )
    assert.strictEqual(book.senderIds[0]?.status, "ACTIVE")
  })

  it("B cannot use A's documents to register, submit evidence or ask for a limit: InvalidDocumentId", async () => {
    const { h, b, spare, limitation, unchanged } = await accounts()
    await expectOk(await register(h, b, NOT_HELD_BY_A))
    await expectError(
      await register(h, b, "01077778888", { documents: [spare.documentId] }),
      400,
      "InvalidDocumentId"
    )
    await expectError(
      await h.request(b, "POST", `${PAPERS}/approval/${NOT_HELD_BY_A}`, { documents: [spare.documentId] }),
      400,
      "InvalidDocumentId"
    )
    await expectError(
      await h.request(b, "POST", `${PAPERS}/limitation`, { documents: [limitation.documentId], limit: 10 }),
      400,
      "InvalidDocumentId"
    )
    const book = await bookOf(h, b)
    assert.deepStrictEqual(
      book.senderIds.map((s) => [s.phoneNumber, s.approvalDocuments.length]),
      [[NOT_HELD_BY_A, 0]]
    )
    assert.deepStrictEqual(book.limitationDocuments, [])
    await unchanged()
  })

  it("B cannot read, download, list or delete A's documents: InvalidDocumentId", async () => {
    const { h, b, evidence, spare, limitation, theirs, theirLimitation, unchanged } = await accounts()
    for (const document of [evidence, spare, limitation]) {
      await expectError(
        await h.request(b, "GET", `${DOCUMENTS}/${document.documentId}`),
        400,
        "InvalidDocumentId"
      )
      await expectError(
        await h.request(b, "GET", `${DOCUMENTS}/${document.documentId}/file`),
        400,
        "InvalidDocumentId"
      )
      await expectError(
        await h.request(b, "DELETE", DOCUMENTS, { documents: [document.documentId] }),
        400,
        "InvalidDocumentId"
      )
      const filtered = await expectOk<Wire.DocumentPage>(
        await h.request(b, "GET", `${DOCUMENTS}?documentId=${document.documentId}`)
      )
      assert.deepStrictEqual(filtered.data, [])
    }
    // Mixed with B's own: all or none, so B's own document survives too.
    await expectError(
      await h.request(b, "DELETE", DOCUMENTS, { documents: [theirs.documentId, spare.documentId] }),
      400,
      "InvalidDocumentId"
    )
    const page = await expectOk<Wire.DocumentPage>(await h.request(b, "GET", DOCUMENTS))
    assert.sameMembers(
      page.data.map((d) => d.documentId),
      [theirs.documentId, theirLimitation.documentId]
    )
    await unchanged()
  })

  it("B reusing A's Idempotency-Key with the same body gets its own result, never A's replay", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const b = await h.customer()
    const key = { "idempotency-key": "register-01077778888" }
    const first = await expectOk<Wire.AccountBook>(
      await h.request(a, "POST", NUMBERS, { phoneNumber: "01077778888" }, key)
    )
    const response = await h.request(b, "POST", NUMBERS, { phoneNumber: "01077778888" }, key)
    assert.isNull(response.headers.get("idempotent-replayed"))
    const second = await expectOk<Wire.AccountBook>(response)
    assert.strictEqual(second.accountId, b.accountId)
    assert.notStrictEqual(second.senderIds[0]?.handleKey, first.senderIds[0]?.handleKey)
    assert.strictEqual((await bookOf(h, a)).senderIds.length, 1)
  })

  it("B registering A's ACTIVE number gets its own DUPLICATED entry and A keeps the number", async () => {
    const { h, b, unchanged } = await accounts()
    const book = await expectOk<Wire.AccountBook>(await register(h, b, ACTIVE))
    assert.strictEqual(book.senderIds[0]?.status, "DUPLICATED")
    const bulk = await expectOk<Wire.BulkResult>(
      await h.request(b, "POST", `${NUMBERS}/bulk`, { numbers: [{ phoneNumber: REVIEWED }] })
    )
    assert.strictEqual(bulk.results[0]?.ok, true)
    await expectOk(await h.request(b, "DELETE", `${NUMBERS}/${ACTIVE}`))
    await expectOk(await h.request(b, "DELETE", `${NUMBERS}/${REVIEWED}`))
    await unchanged()
  })
})
