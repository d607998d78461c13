/**
 * The review requests a customer files through `app.request()`: evidence for a number, a
 * duplicate-unlock for a number another account holds, and a higher limit.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Wire } from "@senderid/contract"
import { Reviews } from "@senderid/domain"
import type { Customer, Harness } from "../support/harness.ts"
import { makeHarness, PNG_BASE64 } from "../support/harness.ts"
import {
  activate,
  bookOf,
  DOCUMENTS,
  EN,
  expectError,
  expectOk,
  ISO,
  PAPERS,
  register,
  upload
} from "./routeSupport.ts"

const MOBILE = "01023456789"
const APPROVAL = `${PAPERS}/approval`
const DUPLICATE = `${PAPERS}/duplicate`
const LIMITATION = `${PAPERS}/limitation`

const documentOf = async (h: Harness, who: Customer, documentId: string) =>
  expectOk<Wire.DocumentView>(await h.request(who, "GET", `${DOCUMENTS}/${documentId}`))

/** A number account A holds ACTIVE and account B registered after it, so B's is DUPLICATED. */
const duplicated = async () => {
  const h = makeHarness()
  const a = await h.customer()
  const b = await h.customer()
  await expectOk(await register(h, a, MOBILE))
  await activate(h, a, MOBILE)
  const book = await expectOk<Wire.AccountBook>(await register(h, b, MOBILE))
  assert.strictEqual(book.senderIds[0]?.status, "DUPLICATED")
  return { h, a, b }
}

describe("POST /senderid/v1/papers/approval/:phoneNumber", () => {
  it("starts an evidence review with an uploaded document and marks the document used", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    const document = await upload(h, a, PNG_BASE64)
    assert.isFalse(document.use)

    const book = await expectOk<Wire.AccountBook>(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: [document.documentId] })
    )
    const senderId = book.senderIds[0]
    assert.strictEqual(senderId?.status, "PENDING")
    assert.strictEqual(senderId?.approvalDocuments.length, 1)
    const [approval] = senderId?.approvalDocuments ?? []
    assert.match(approval?.approvalId ?? "", /^APD\d{14}[A-Z0-9]{15}$/u)
    assert.deepStrictEqual(approval?.documents, [document.documentId])
    assert.strictEqual(approval?.status, "PENDING")
    assert.isNull(approval?.reason)
    assert.match(approval?.dateCreated ?? "", ISO)
    assert.deepStrictEqual(senderId?.necessaryMeasures, ["WAIT_FOR_REVIEW"])
    assert.isTrue((await documentOf(h, a, document.documentId)).use)
  })

  it("accepts the path number in a human form", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    const document = await upload(h, a, PNG_BASE64)
    const book = await expectOk<Wire.AccountBook>(
      await h.request(a, "POST", `${APPROVAL}/010-2345-6789`, { documents: [document.documentId] })
    )
    assert.strictEqual(book.senderIds[0]?.approvalDocuments.length, 1)
  })

  it("starts the review at registration when documents come with the number", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const document = await upload(h, a, PNG_BASE64)
    const book = await expectOk<Wire.AccountBook>(
      await register(h, a, MOBILE, { documents: [document.documentId] })
    )
    assert.deepStrictEqual(book.senderIds[0]?.approvalDocuments[0]?.documents, [document.documentId])
    assert.isTrue((await documentOf(h, a, document.documentId)).use)
  })

  it("refuses a second submission while one is under review with AlreadyRequested 409", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    const first = await upload(h, a, PNG_BASE64)
    const second = await upload(h, a, PNG_BASE64)
    await expectOk(await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: [first.documentId] }))
    await expectError(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: [second.documentId] }),
      409,
      "AlreadyRequested"
    )
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.approvalDocuments.length, 1)
    assert.isFalse((await documentOf(h, a, second.documentId)).use)
  })

  it("refuses another account's document with InvalidDocumentId 400, leaving both accounts unchanged", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const b = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    const theirs = await upload(h, b, PNG_BASE64)
    await expectError(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: [theirs.documentId] }),
      400,
      "InvalidDocumentId"
    )
    assert.deepStrictEqual((await bookOf(h, a)).senderIds[0]?.approvalDocuments, [])
    assert.isFalse((await documentOf(h, b, theirs.documentId)).use)
  })

  it("refuses a document of the limitation category with InvalidDocumentId 400", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    const limitation = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
    await expectError(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: [limitation.documentId] }),
      400,
      "InvalidDocumentId"
    )
  })

  it("refuses a number the account does not hold with InvalidSenderId 400", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const document = await upload(h, a, PNG_BASE64)
    await expectError(
      await h.request(a, "POST", `${APPROVAL}/01099998888`, { documents: [document.documentId] }),
      400,
      "InvalidSenderId"
    )
    assert.isFalse((await documentOf(h, a, document.documentId)).use)
  })

  it("refuses evidence for an ACTIVE number with VerificationNotAllowed 409", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    await activate(h, a, MOBILE)
    const document = await upload(h, a, PNG_BASE64)
    await expectError(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: [document.documentId] }),
      409,
      "VerificationNotAllowed"
    )
  })

  it("refuses an empty or missing documents list with a 400", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    await expectError(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: [] }),
      400,
      "InvalidParameter"
    )
    await expectError(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, {}),
      400,
      "MissingRequiredParameter"
    )
    const error = await expectError(
      await h.request(a, "POST", `${APPROVAL}/${MOBILE}`, { documents: ["DOC1"], status: "APPROVED" }, EN),
      400,
      "InvalidParameter"
    )
    assert.include(error.errorMessage, "status")
  })
})

describe("POST /senderid/v1/papers/duplicate/:phoneNumber", () => {
  it("files a duplicate-unlock request on a DUPLICATED number, with its reason and name", async () => {
    const { h, a, b } = await duplicated()
    const book = await expectOk<Wire.AccountBook>(
      await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, {
        reason: "We own this line",
        name: "Hong Gildong"
      })
    )
    const unlock = book.senderIds[0]?.unlockDuplicate
    assert.match(unlock?.duplicateId ?? "", /^DUP\d{14}[A-Z0-9]{15}$/u)
    assert.strictEqual(unlock?.reasonForRequested, "We own this line")
    assert.strictEqual(unlock?.name, "Hong Gildong")
    assert.strictEqual(unlock?.status, "PENDING")
    assert.isNull(unlock?.reason)
    assert.match(unlock?.dateCreated ?? "", ISO)
    assert.match(unlock?.dateUpdated ?? "", ISO)
    assert.strictEqual(book.senderIds[0]?.status, "DUPLICATED")
    assert.isTrue(book.senderIds[0]?.log.some((entry) => entry.message.includes("We own this line")))
    // The holder is untouched.
    const holder = (await bookOf(h, a)).senderIds[0]
    assert.strictEqual(holder?.status, "ACTIVE")
    assert.isNull(holder?.unlockDuplicate.duplicateId)
  })

  it("files a request without a name, leaving name null", async () => {
    const { h, b } = await duplicated()
    const book = await expectOk<Wire.AccountBook>(
      await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { reason: "ours" })
    )
    assert.isNull(book.senderIds[0]?.unlockDuplicate.name)
  })

  it("refuses a second request while one is under review with AlreadyRequested 409", async () => {
    const { h, b } = await duplicated()
    await expectOk(await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { reason: "first" }))
    await expectError(
      await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { reason: "second" }),
      409,
      "AlreadyRequested"
    )
    assert.strictEqual((await bookOf(h, b)).senderIds[0]?.unlockDuplicate.reasonForRequested, "first")
  })

  it("refuses a new request once one is approved with AlreadyApproved 409", async () => {
    const { h, b } = await duplicated()
    await expectOk(await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { reason: "ours" }))
    await h.runtime.runPromise(
      Reviews.use((r) =>
        r.decideUnlock("op", { accountId: b.accountId, phoneNumber: MOBILE }, { approve: true })
      )
    )
    await expectError(
      await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { reason: "again" }),
      409,
      "AlreadyApproved"
    )
  })

  it("refuses a number that is not DUPLICATED with UnlockNotAllowed 409", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectOk(await register(h, a, MOBILE))
    await expectError(
      await h.request(a, "POST", `${DUPLICATE}/${MOBILE}`, { reason: "please" }),
      409,
      "UnlockNotAllowed"
    )
    const senderId = (await bookOf(h, a)).senderIds[0]
    assert.isNull(senderId?.unlockDuplicate.duplicateId)
    assert.strictEqual(senderId?.log.length, 1)
  })

  it("refuses a number the account does not hold with InvalidSenderId 400", async () => {
    const h = makeHarness()
    const a = await h.customer()
    await expectError(
      await h.request(a, "POST", `${DUPLICATE}/01099998888`, { reason: "please" }),
      400,
      "InvalidSenderId"
    )
  })

  it("refuses a missing or empty reason with a 400", async () => {
    const { h, b } = await duplicated()
    await expectError(
      await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { name: "x" }),
      400,
      "MissingRequiredParameter"
    )
    await expectError(
      await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { reason: "" }),
      400,
      "InvalidParameter"
    )
    await expectError(
      await h.request(b, "POST", `${DUPLICATE}/${MOBILE}`, { reason: 42 }),
      400,
      "InvalidParameter"
    )
    assert.isNull((await bookOf(h, b)).senderIds[0]?.unlockDuplicate.duplicateId)
  })
})

describe("POST /senderid/v1/papers/limitation", () => {
  it("files a limit increase with SENDERID_LIMITATION documents as a limitationDocuments entry", async () => {
    const h = makeHarness()
    const a = await h.customer({ limit: 2 })
    const document = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
    const book = await expectOk<Wire.AccountBook>(
      await h.request(a, "POST", LIMITATION, { documents: [document.documentId], limit: 10 })
    )
    assert.strictEqual(book.limit, 2)
    assert.strictEqual(book.limitationDocuments.length, 1)
    const [request] = book.limitationDocuments
    assert.match(request?.limitationId ?? "", /^LID\d{14}[A-Z0-9]{15}$/u)
    assert.deepStrictEqual(request?.documents, [document.documentId])
    assert.strictEqual(request?.limitRequested, 10)
    assert.strictEqual(request?.limitBeforeRequest, 2)
    assert.strictEqual(request?.status, "PENDING")
    assert.isNull(request?.reason)
    assert.match(request?.dateCreated ?? "", ISO)
    assert.match(request?.dateUpdated ?? "", ISO)
    assert.isTrue((await documentOf(h, a, document.documentId)).use)
    assert.deepStrictEqual((await bookOf(h, a)).limitationDocuments, book.limitationDocuments)
  })

  it("refuses a SENDERID_APPROVAL document with InvalidDocumentId 400", async () => {
    const h = makeHarness()
    const a = await h.customer({ limit: 2 })
    const document = await upload(h, a, PNG_BASE64, "SENDERID_APPROVAL")
    await expectError(
      await h.request(a, "POST", LIMITATION, { documents: [document.documentId], limit: 10 }),
      400,
      "InvalidDocumentId"
    )
    assert.deepStrictEqual((await bookOf(h, a)).limitationDocuments, [])
  })

  it("refuses another account's document with InvalidDocumentId 400", async () => {
    const h = makeHarness()
    const a = await h.customer({ limit: 2 })
    const b = await h.customer()
    const theirs = await upload(h, b, PNG_BASE64, "SENDERID_LIMITATION")
    await expectError(
      await h.request(a, "POST", LIMITATION, { documents: [theirs.documentId], limit: 10 }),
      400,
      "InvalidDocumentId"
    )
    assert.deepStrictEqual((await bookOf(h, a)).limitationDocuments, [])
    assert.isFalse((await documentOf(h, b, theirs.documentId)).use)
  })

  it("refuses a limit not above the current one with InvalidLimit 400", async () => {
    const h = makeHarness()
    const a = await h.customer({ limit: 5 })
    const document = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
    await expectError(
      await h.request(a, "POST", LIMITATION, { documents: [document.documentId], limit: 5 }),
      400,
      "InvalidLimit"
    )
  })

  it("refuses a second request while one is under review with AlreadyRequested 409", async () => {
    const h = makeHarness()
    const a = await h.customer({ limit: 2 })
    const first = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
    const second = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
    await expectOk(await h.request(a, "POST", LIMITATION, { documents: [first.documentId], limit: 10 }))
    await expectError(
      await h.request(a, "POST", LIMITATION, { documents: [second.documentId], limit: 20 }),
      409,
      "AlreadyRequested"
    )
    assert.strictEqual((await bookOf(h, a)).limitationDocuments.length, 1)
  })

  for (const [label, payload, code] of [
    ["a fractional limit", { limit: 2.5 }, "InvalidParameter"],
    ["a string limit", { limit: "10" }, "InvalidParameter"],
    ["a zero limit", { limit: 0 }, "InvalidParameter"],
    ["no limit", {}, "MissingRequiredParameter"]
  ] as const) {
    it(`refuses ${label} with ${code} 400`, async () => {
      const h = makeHarness()
      const a = await h.customer({ limit: 2 })
      const document = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
      await expectError(
        await h.request(a, "POST", LIMITATION, { documents: [document.documentId], ...payload }),
        400,
        code
      )
      assert.deepStrictEqual((await bookOf(h, a)).limitationDocuments, [])
    })
  }

  it("refuses an empty documents list with InvalidParameter 400", async () => {
    const h = makeHarness()
    const a = await h.customer({ limit: 2 })
    await expectError(
      await h.request(a, "POST", LIMITATION, { documents: [], limit: 10 }),
      400,
      "InvalidParameter"
    )
  })

  it("refuses an accountId in the body with InvalidParameter 400, filing nothing", async () => {
    const h = makeHarness()
    const a = await h.customer({ limit: 2 })
    const b = await h.customer({ limit: 2 })
    const document = await upload(h, a, PNG_BASE64, "SENDERID_LIMITATION")
    const error = await expectError(
      await h.request(
        a,
        "POST",
        LIMITATION,
        { documents: [document.documentId], limit: 10, accountId: b.accountId },
        EN
      ),
      400,
      "InvalidParameter"
    )
    assert.include(error.errorMessage, "accountId")
    assert.deepStrictEqual((await bookOf(h, a)).limitationDocuments, [])
    assert.deepStrictEqual((await bookOf(h, b)).limitationDocuments, [])
  })
})
