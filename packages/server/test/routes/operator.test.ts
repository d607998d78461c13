/**
 * The operator API through `app.request()`: who may reach it, accounts and their keys, the review
 * queue and the three decisions, audit trails with their actors, any account's documents, special
 * numbers, and expiries. Customers act through their own routes, as they would.
 */
import { assert, describe, it } from "@effect/vitest"
import { Endpoints, OperatorWire, type Wire } from "@senderid/contract"
import { Duration, Schema } from "effect"
import type { Customer, Harness } from "../support/harness.ts"
import { makeHarness, PNG_BASE64 } from "../support/harness.ts"
import {
  activate,
  bookOf,
  DAY,
  EN,
  expectError,
  expectOk,
  ISO,
  NUMBERS,
  PAPERS,
  register,
  upload
} from "./routeSupport.ts"

const OPS = "/operator/v1"
const MOBILE = "01023456789"

type Operator = Pick<Customer, "apiKey" | "secret">

const operatorOf = async (
  h: Harness,
  scopes: ReadonlyArray<"operator:read" | "operator:write"> = ["operator:read", "operator:write"],
  operatorId = "alice"
): Promise<Operator> => h.issueKey(scopes, { operatorId })

// ARS calls unrationed: the unlock flow calls one number from two accounts within a minute.
const setUp = async () => {
  const h = makeHarness({ rateLimit: false }, { arsCallInterval: Duration.zero })
  return { h, operator: await operatorOf(h) }
}

/** Every operator route with its path parameters filled in. */
const operatorRoutes = Object.values(Endpoints.endpoints)
  .filter((e) => e.path.startsWith(OPS))
  .map((e) => ({ ...e, concrete: e.path.replace(/:[A-Za-z]+/gu, "X1") }))

describe("who may reach /operator/v1", () => {
  it("covers every operator route of the endpoint table", () => {
    assert.isAtLeast(operatorRoutes.length, 17)
  })

  it("answers a customer's key with 403 on every operator route, before reading anything", async () => {
    const h = makeHarness()
    const customer = await h.customer()
    for (const route of operatorRoutes) {
      const response = await h.request(
        customer,
        route.method,
        route.concrete,
        "body" in route ? {} : undefined
      )
      await expectError(response, 403, "Forbidden")
    }
  })

  it("answers an operator key without the route's scope with 403", async () => {
    const h = makeHarness()
    const reader = await operatorOf(h, ["operator:read"])
    const writer = await operatorOf(h, ["operator:write"])
    for (const route of operatorRoutes) {
      const lacking = route.scope === "operator:write" ? reader : writer
      const response = await h.request(
        lacking,
        route.method,
        route.concrete,
        "body" in route ? {} : undefined
      )
      await expectError(response, 403, "Forbidden")
    }
  })

  it("answers an unsigned request with 401 on every operator route", async () => {
    const h = makeHarness()
    for (const route of operatorRoutes) {
      await expectError(await h.request(undefined, route.method, route.concrete), 401, "Unauthorized")
    }
  })

  it("keeps operators' keys off the customer routes, whatever scopes they carry", async () => {
    const h = makeHarness()
    const both = await h.issueKey(["operator:read", "senderid:read", "senderid:write"], {
      operatorId: "mallory"
    })
    await expectError(await h.request(both, "GET", NUMBERS), 403, "Forbidden")
  })
})

describe("accounts", () => {
  it("opens an account with its limit, refuses it twice, and reads its book", async () => {
    const { h, operator } = await setUp()
    const book = await expectOk<Wire.AccountBook>(
      await h.request(operator, "POST", `${OPS}/accounts`, { accountId: "ACME-1", limit: 3 })
    )
    assert.strictEqual(book.accountId, "ACME-1")
    assert.strictEqual(book.limit, 3)
    assert.deepStrictEqual(book.senderIds, [])
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts`, { accountId: "ACME-1" }),
      409,
      "AccountAlreadyExists"
    )
    const read = await expectOk<Wire.AccountBook>(await h.request(operator, "GET", `${OPS}/accounts/ACME-1`))
    assert.deepStrictEqual(read, book)
    await expectError(await h.request(operator, "GET", `${OPS}/accounts/NOPE`), 400, "InvalidAccountId")
  })

  it("refuses account ids that are not safe in paths and logs", async () => {
    const { h, operator } = await setUp()
    for (const accountId of ["", "a b", "a/b", "x".repeat(65), "계정"]) {
      await expectError(
        await h.request(operator, "POST", `${OPS}/accounts`, { accountId }),
        400,
        "InvalidParameter"
      )
    }
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts`, { accountId: "A", limit: -1 }),
      400,
      "InvalidParameter"
    )
  })

  it("lists accounts in id order, searched by part of the id, a page at a time", async () => {
    const { h, operator } = await setUp()
    for (const accountId of ["shop-b", "SHOP-a", "shop-c", "bank-1"]) {
      await expectOk(await h.request(operator, "POST", `${OPS}/accounts`, { accountId }))
    }
    const first = await expectOk<OperatorWire.AccountPage>(
      await h.request(operator, "GET", `${OPS}/accounts?search=shop&limit=2`)
    )
    assert.deepStrictEqual(
      first.accounts.map((a) => a.accountId),
      ["SHOP-a", "shop-b"]
    )
    assert.strictEqual(first.nextKey, "shop-c")
    const second = await expectOk<OperatorWire.AccountPage>(
      await h.request(operator, "GET", `${OPS}/accounts?search=shop&limit=2&startKey=${first.nextKey}`)
    )
    assert.deepStrictEqual(
      second.accounts.map((a) => a.accountId),
      ["shop-c"]
    )
    assert.isNull(second.nextKey)
    assert.match(second.accounts[0]?.dateCreated ?? "", ISO)
    assert.strictEqual(second.accounts[0]?.senderIdCount, 0)
    await expectError(await h.request(operator, "GET", `${OPS}/accounts?serch=shop`), 400, "InvalidParameter")
    await expectError(await h.request(operator, "GET", `${OPS}/accounts?limit=0`), 400, "InvalidParameter")
  })

  it("sets a limit, not below what the account holds, with the operator in its audit log", async () => {
    const { h, operator } = await setUp()
    const customer = await h.customer({ limit: 2 })
    await expectOk(await register(h, customer, MOBILE))
    await expectOk(await register(h, customer, "01023456790"))
    const listed = await expectOk<OperatorWire.AccountPage>(
      await h.request(operator, "GET", `${OPS}/accounts?search=${customer.accountId}`)
    )
    assert.strictEqual(listed.accounts[0]?.senderIdCount, 2)
    const raised = await expectOk<Wire.AccountBook>(
      await h.request(operator, "PUT", `${OPS}/accounts/${customer.accountId}/limit`, { limit: 10 })
    )
    assert.strictEqual(raised.limit, 10)
    assert.strictEqual((await bookOf(h, customer)).limit, 10)
    await expectError(
      await h.request(operator, "PUT", `${OPS}/accounts/${customer.accountId}/limit`, { limit: 1 }),
      409,
      "LimitBelowHeld"
    )
  })
})

describe("API keys", () => {
  it("issues a key whose secret is shown once and works at once; lists keys without secrets", async () => {
    const { h, operator } = await setUp()
    await expectOk(await h.request(operator, "POST", `${OPS}/accounts`, { accountId: "KEYS-1" }))
    const issued = await expectOk<OperatorWire.IssuedApiKey>(
      await h.request(operator, "POST", `${OPS}/accounts/KEYS-1/keys`, {})
    )
    assert.match(issued.apiKey, /^NCS[0-9A-Z]{13}$/u)
    assert.match(issued.apiSecret, /^[0-9A-Z]{32}$/u)
    assert.deepStrictEqual(issued.scopes, ["senderid:read", "senderid:write"])
    assert.strictEqual(issued.accountId, "KEYS-1")
    const customer = { apiKey: issued.apiKey, secret: issued.apiSecret }
    assert.strictEqual((await bookOf(h, { ...customer, accountId: "KEYS-1" })).accountId, "KEYS-1")

    const listed = await expectOk<OperatorWire.ApiKeyView[]>(
      await h.request(operator, "GET", `${OPS}/accounts/KEYS-1/keys`)
    )
    assert.deepStrictEqual(
      listed.map((k) => k.apiKey),
      [issued.apiKey]
    )
    assert.notInclude(JSON.stringify(listed), issued.apiSecret)
  })

  it("issues a read-only key that cannot write", async () => {
    const { h, operator } = await setUp()
    await expectOk(await h.request(operator, "POST", `${OPS}/accounts`, { accountId: "KEYS-2" }))
    const issued = await expectOk<OperatorWire.IssuedApiKey>(
      await h.request(operator, "POST", `${OPS}/accounts/KEYS-2/keys`, { scopes: ["senderid:read"] })
    )
    const reader = { apiKey: issued.apiKey, secret: issued.apiSecret }
    await expectOk(await h.request(reader, "GET", NUMBERS))
    await expectError(await h.request(reader, "POST", NUMBERS, { phoneNumber: MOBILE }), 403, "Forbidden")
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts/KEYS-2/keys`, { scopes: ["operator:write"] }),
      400,
      "InvalidParameter"
    )
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts/NOPE/keys`, {}),
      400,
      "InvalidAccountId"
    )
  })

  it("revokes a key: its next request is refused", async () => {
    const { h, operator } = await setUp()
    const customer = await h.customer()
    await bookOf(h, customer)
    const revoked = await expectOk<OperatorWire.ApiKeyView>(
      await h.request(operator, "DELETE", `${OPS}/keys/${customer.apiKey}`)
    )
    assert.strictEqual(revoked.apiKey, customer.apiKey)
    assert.match(revoked.revokedAt ?? "", ISO)
    await expectError(await h.request(customer, "GET", NUMBERS), 403, "InvalidAPIKey")
    await expectError(
      await h.request(operator, "DELETE", `${OPS}/keys/NCSNOSUCHKEY00`),
      400,
      "InvalidApiKeyId"
    )
  })
})

/** A customer with one of each review pending: evidence, a limit request, a duplicate unlock. */
const withPendingReviews = async () => {
  const { h, operator } = await setUp()
  const holder = await h.customer()
  const customer = await h.customer({ limit: 5 })
  await expectOk(await register(h, holder, "01099990000"))
  await activate(h, holder, "01099990000")

  const evidenceDocument = await upload(h, customer, PNG_BASE64)
  await expectOk(await register(h, customer, MOBILE))
  await expectOk(
    await h.request(customer, "POST", `${PAPERS}/approval/${MOBILE}`, {
      documents: [evidenceDocument.documentId]
    })
  )
  const limitDocument = await upload(h, customer, PNG_BASE64, "SENDERID_LIMITATION")
  await expectOk(
    await h.request(customer, "POST", `${PAPERS}/limitation`, {
      documents: [limitDocument.documentId],
      limit: 20
    })
  )
  await expectOk(await register(h, customer, "01099990000"))
  await expectOk(
    await h.request(customer, "POST", `${PAPERS}/duplicate/01099990000`, { reason: "번호를 이전받았습니다" })
  )
  return { h, operator, customer, holder, evidenceDocument, limitDocument }
}

const queueOf = async (h: Harness, operator: Operator, query = "") =>
  expectOk<OperatorWire.ReviewPage>(await h.request(operator, "GET", `${OPS}/reviews${query}`))

describe("the review queue", () => {
  it("shows every pending review oldest first, with what it is about and its documents", async () => {
    const { h, operator, customer, holder, evidenceDocument, limitDocument } = await withPendingReviews()
    const queue = await queueOf(h, operator, `?accountId=${customer.accountId}`)
    assert.deepStrictEqual(
      queue.reviews.map((r) => r.kind),
      ["EVIDENCE", "LIMITATION", "DUPLICATE_UNLOCK"]
    )
    const [evidence, limitation, unlock] = queue.reviews
    assert.strictEqual(evidence?.phoneNumber, MOBILE)
    assert.strictEqual(evidence?.senderId?.approvalDocuments[0]?.approvalId, evidence?.reviewId)
    assert.deepStrictEqual(
      evidence?.documents.map((d) => d.documentId),
      [evidenceDocument.documentId]
    )
    assert.match(evidence?.documents[0]?.url ?? "", /\/operator\/v1\/documents\/DOC[0-9A-Z]+\/file$/u)
    assert.isNull(limitation?.phoneNumber)
    assert.strictEqual(limitation?.limitation?.limitRequested, 20)
    assert.deepStrictEqual(
      limitation?.documents.map((d) => d.documentId),
      [limitDocument.documentId]
    )
    assert.strictEqual(unlock?.senderId?.status, "DUPLICATED")
    assert.strictEqual(unlock?.senderId?.unlockDuplicate.reasonForRequested, "번호를 이전받았습니다")
    // Who would lose the number: the other account's registration that holds it now.
    assert.strictEqual(unlock?.holder?.accountId, holder.accountId)
    assert.strictEqual(unlock?.holder?.phoneNumber, "01099990000")
    assert.strictEqual(unlock?.holder?.status, "ACTIVE")
    assert.strictEqual(unlock?.holder?.method, "ARS")
    assert.isNull(evidence?.holder)
    assert.isNull(limitation?.holder)
    assert.isNull(queue.nextKey)
  })

  it("filters by kind and pages with nextKey", async () => {
    const { h, operator, customer } = await withPendingReviews()
    const only = await queueOf(h, operator, `?accountId=${customer.accountId}&kind=LIMITATION`)
    assert.deepStrictEqual(
      only.reviews.map((r) => r.kind),
      ["LIMITATION"]
    )
    const first = await queueOf(h, operator, `?accountId=${customer.accountId}&limit=2`)
    assert.strictEqual(first.reviews.length, 2)
    assert.isString(first.nextKey)
    const rest = await queueOf(
      h,
      operator,
      `?accountId=${customer.accountId}&limit=2&startKey=${encodeURIComponent(first.nextKey ?? "")}`
    )
    assert.deepStrictEqual(
      rest.reviews.map((r) => r.kind),
      ["DUPLICATE_UNLOCK"]
    )
    for (const bad of ["?kind=OTHER", "?startKey=nonsense", "?limit=101", "?status=PENDING"]) {
      await expectError(await h.request(operator, "GET", `${OPS}/reviews${bad}`), 400, "InvalidParameter")
    }
  })

  it("approves evidence: ACTIVE by DOCUMENT, the operator in the audit trail, out of the queue", async () => {
    const { h, operator, customer } = await withPendingReviews()
    const [evidence] = (await queueOf(h, operator, `?accountId=${customer.accountId}&kind=EVIDENCE`)).reviews
    const path = `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/approvals/${evidence?.reviewId}`
    const approval = await h.request(operator, "POST", path, { decision: "APPROVE" })
    const requestId = approval.headers.get("x-request-id")
    const decided = await expectOk<OperatorWire.DecidedReview>(approval)
    assert.strictEqual(decided.status, "APPROVED")
    assert.strictEqual(decided.senderId?.status, "ACTIVE")
    assert.strictEqual(decided.senderId?.method, "DOCUMENT")
    const mine = (await bookOf(h, customer)).senderIds.find((s) => s.phoneNumber === MOBILE)
    assert.strictEqual(mine?.status, "ACTIVE")

    const trail = await expectOk<OperatorWire.AuditTrail>(
      await h.request(operator, "GET", `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/audit`)
    )
    const last = trail.entries.at(-1)
    assert.deepStrictEqual(last?.actor, { type: "OPERATOR", id: "alice", apiKey: operator.apiKey })
    assert.strictEqual(last?.requestId, requestId)
    assert.strictEqual(last?.statusBefore, "PENDING")
    assert.strictEqual(last?.statusAfter, "ACTIVE")
    assert.deepStrictEqual(trail.entries[0]?.actor, {
      type: "ACCOUNT",
      id: customer.accountId,
      apiKey: customer.apiKey
    })
    assert.isString(trail.entries[0]?.requestId)

    const left = await queueOf(h, operator, `?accountId=${customer.accountId}`)
    assert.notInclude(
      left.reviews.map((r) => r.kind),
      "EVIDENCE"
    )
    await expectError(await h.request(operator, "POST", path, { decision: "APPROVE" }), 409, "AlreadyDecided")
  })

  it("keeps an approval's note for operators — decision, number, audit trail — and never shows it to the customer", async () => {
    const { h, operator, customer } = await withPendingReviews()
    const note = "대표자 통화로 확인 (confirmed with the CEO by phone)"
    const [evidence] = (await queueOf(h, operator, `?accountId=${customer.accountId}&kind=EVIDENCE`)).reviews
    const path = `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/approvals/${evidence?.reviewId}`
    const decided = await expectOk<OperatorWire.DecidedReview>(
      await h.request(operator, "POST", path, { decision: "APPROVE", reason: note })
    )
    assert.strictEqual(decided.note, note)
    assert.isNull(decided.reason)
    assert.strictEqual(decided.senderId?.approvalDocuments[0]?.note, note)

    const number = await expectOk<Wire.SenderIdView>(
      await h.request(operator, "GET", `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}`)
    )
    assert.strictEqual(number.approvalDocuments[0]?.note, note)
    assert.isNull(number.unlockDuplicate.note)
    const trail = await expectOk<OperatorWire.AuditTrail>(
      await h.request(operator, "GET", `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/audit`)
    )
    assert.strictEqual(trail.entries.at(-1)?.note, note)
    assert.isNull(trail.entries[0]?.note)

    const book = await h.request(customer, "GET", NUMBERS)
    const text = await book.text()
    assert.notInclude(text, "confirmed with the CEO")
    const mine = (JSON.parse(text) as Wire.AccountBook).senderIds.find((s) => s.phoneNumber === MOBILE)
    assert.strictEqual(mine?.approvalDocuments[0]?.status, "APPROVED")
    assert.notProperty(mine?.approvalDocuments[0] ?? {}, "note")
  })

  it("keeps a limit approval's note on the request and in the account's audit", async () => {
    const { h, operator, customer } = await withPendingReviews()
    const [limitation] = (await queueOf(h, operator, `?accountId=${customer.accountId}&kind=LIMITATION`))
      .reviews
    const decided = await expectOk<OperatorWire.DecidedReview>(
      await h.request(
        operator,
        "POST",
        `${OPS}/accounts/${customer.accountId}/limitations/${limitation?.reviewId}`,
        {
          decision: "APPROVE",
          reason: "계약서 확인"
        }
      )
    )
    assert.strictEqual(decided.note, "계약서 확인")
    assert.strictEqual(decided.limitation?.note, "계약서 확인")
    assert.notInclude(JSON.stringify(await bookOf(h, customer)), "계약서 확인")
  })

  it("rejects only with a reason, which the customer then sees", async () => {
    const { h, operator, customer } = await withPendingReviews()
    const [evidence] = (await queueOf(h, operator, `?accountId=${customer.accountId}&kind=EVIDENCE`)).reviews
    const path = `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/approvals/${evidence?.reviewId}`
    await expectError(await h.request(operator, "POST", path, { decision: "REJECT" }), 400, "ReasonRequired")
    await expectError(await h.request(operator, "POST", path, { decision: "MAYBE" }), 400, "InvalidParameter")
    const decided = await expectOk<OperatorWire.DecidedReview>(
      await h.request(operator, "POST", path, { decision: "REJECT", reason: "사업자등록증이 흐립니다" })
    )
    assert.strictEqual(decided.status, "REJECTED")
    assert.strictEqual(decided.senderId?.status, "REJECTED")
    const mine = (await bookOf(h, customer)).senderIds.find((s) => s.phoneNumber === MOBILE)
    assert.strictEqual(mine?.approvalDocuments[0]?.reason, "사업자등록증이 흐립니다")
    await expectError(
      await h.request(
        operator,
        "POST",
        `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/approvals/APDNOPE`,
        {
          decision: "APPROVE"
        }
      ),
      400,
      "InvalidApprovalId"
    )
  })

  it("approves a limit request: the new limit applies", async () => {
    const { h, operator, customer } = await withPendingReviews()
    const [limitation] = (await queueOf(h, operator, `?accountId=${customer.accountId}&kind=LIMITATION`))
      .reviews
    const decided = await expectOk<OperatorWire.DecidedReview>(
      await h.request(
        operator,
        "POST",
        `${OPS}/accounts/${customer.accountId}/limitations/${limitation?.reviewId}`,
        {
          decision: "APPROVE"
        }
      )
    )
    assert.strictEqual(decided.limit, 20)
    assert.strictEqual(decided.limitation?.status, "APPROVED")
    assert.strictEqual((await bookOf(h, customer)).limit, 20)
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts/${customer.accountId}/limitations/LIDNOPE`, {
        decision: "APPROVE"
      }),
      400,
      "InvalidLimitationId"
    )
  })

  it("approves a duplicate unlock: the number can then be verified and moves over", async () => {
    const { h, operator, customer, holder } = await withPendingReviews()
    const decided = await expectOk<OperatorWire.DecidedReview>(
      await h.request(operator, "POST", `${OPS}/accounts/${customer.accountId}/numbers/01099990000/unlock`, {
        decision: "APPROVE"
      })
    )
    assert.strictEqual(decided.kind, "DUPLICATE_UNLOCK")
    assert.strictEqual(decided.status, "APPROVED")
    await activate(h, customer, "01099990000")
    const theirs = (await bookOf(h, holder)).senderIds.find((s) => s.phoneNumber === "01099990000")
    assert.strictEqual(theirs?.status, "DUPLICATED")
  })

  it("downloads any account's evidence; an unknown document is InvalidDocumentId", async () => {
    const { h, operator, evidenceDocument } = await withPendingReviews()
    const meta = await expectOk<Wire.DocumentView>(
      await h.request(operator, "GET", `${OPS}/documents/${evidenceDocument.documentId}`)
    )
    assert.strictEqual(meta.accountId, evidenceDocument.accountId)
    const file = await h.request(operator, "GET", `${OPS}/documents/${evidenceDocument.documentId}/file`)
    assert.strictEqual(file.status, 200)
    assert.strictEqual(file.headers.get("content-type"), "image/png")
    assert.deepStrictEqual(
      new Uint8Array(await file.arrayBuffer()),
      Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0))
    )
    await expectError(
      await h.request(operator, "GET", `${OPS}/documents/DOCNOPE`, undefined, EN),
      400,
      "InvalidDocumentId"
    )
  })
})

describe("numbers", () => {
  it("registers a special number ACTIVE at once for its owner, which customers cannot", async () => {
    const { h, operator } = await setUp()
    const police = await h.customer()
    const senderId = await expectOk<Wire.SenderIdView>(
      await h.request(operator, "POST", `${OPS}/accounts/${police.accountId}/numbers`, { phoneNumber: "112" })
    )
    assert.strictEqual(senderId.status, "ACTIVE")
    assert.deepStrictEqual(await expectOk(await h.request(police, "GET", `${NUMBERS}/active`)), ["112"])
    const other = await h.customer()
    await expectError(await register(h, other, "112"), 400, "InvalidPhoneNumber")
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts/${police.accountId}/numbers`, {
        phoneNumber: "112"
      }),
      409,
      "AlreadyRegistered"
    )
  })

  it("lists verifications lapsing within N days, soonest first", async () => {
    const { h, operator } = await setUp()
    const customer = await h.customer()
    await expectOk(await register(h, customer, MOBILE))
    await activate(h, customer, MOBILE)
    const within = await expectOk<OperatorWire.ExpiringNumbers>(
      await h.request(operator, "GET", `${OPS}/expiring?withinDays=181&accountId=${customer.accountId}`)
    )
    assert.deepStrictEqual(
      within.senderIds.map((s) => [s.accountId, s.phoneNumber]),
      [[customer.accountId, MOBILE]]
    )
    assert.match(within.from, ISO)
    const sooner = await expectOk<OperatorWire.ExpiringNumbers>(
      await h.request(operator, "GET", `${OPS}/expiring?withinDays=30&accountId=${customer.accountId}`)
    )
    assert.deepStrictEqual(sooner.senderIds, [])
    await expectError(
      await h.request(operator, "GET", `${OPS}/expiring?withinDays=0`),
      400,
      "InvalidParameter"
    )
    await expectError(
      await h.request(operator, "GET", `${OPS}/expiring?withinDays=367`),
      400,
      "InvalidParameter"
    )
  })

  it("runs the expiry sweep on demand: a lapsed verification becomes EXPIRED", async () => {
    // Verifications lapse the moment they are made, so the sweep has one to expire without waiting.
    const h = makeHarness({ rateLimit: false }, { activeTtl: Duration.zero })
    const operator = await operatorOf(h)
    const customer = await h.customer()
    await expectOk(await register(h, customer, MOBILE))
    await activate(h, customer, MOBILE)
    const report = await expectOk<OperatorWire.SweepReport>(
      await h.request(operator, "POST", `${OPS}/expiry/sweep`)
    )
    assert.strictEqual(report.expired, 1)
    const mine = (await bookOf(h, customer)).senderIds[0]
    assert.strictEqual(mine?.status, "EXPIRED")
    const trail = await expectOk<OperatorWire.AuditTrail>(
      await h.request(operator, "GET", `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/audit`)
    )
    assert.deepStrictEqual(trail.entries.at(-1)?.actor.type, "SYSTEM")
  })
})

describe("the dashboard", () => {
  const statsOf = async (h: Harness, operator: Operator, query = "") =>
    expectOk<OperatorWire.RegistryStats>(await h.request(operator, "GET", `${OPS}/stats${query}`))

  it("counts accounts, numbers by status, pending reviews by kind and expiries week by week", async () => {
    const { h, operator, holder } = await withPendingReviews()
    await expectOk(
      await h.request(operator, "POST", `${OPS}/accounts/${holder.accountId}/suspension`, { reason: "미납" })
    )
    const before = Date.now()
    const stats = await statsOf(h, operator)
    const after = Date.now()
    Schema.decodeUnknownSync(OperatorWire.RegistryStats)(stats, { onExcessProperty: "error" })
    assert.strictEqual(stats.accounts, 2)
    assert.strictEqual(stats.suspendedAccounts, 1)
    assert.deepStrictEqual(stats.senderIds, {
      PENDING: 1,
      ACTIVE: 1,
      INACTIVE: 0,
      DUPLICATED: 1,
      EXPIRED: 0,
      REJECTED: 0
    })
    assert.deepStrictEqual(stats.reviews, { EVIDENCE: 1, DUPLICATE_UNLOCK: 1, LIMITATION: 1 })
    // Eight weeks unless asked: consecutive, each seven days, the first from now.
    assert.strictEqual(stats.expiries.length, 8)
    for (const [i, window] of stats.expiries.entries()) {
      assert.match(window.from, ISO)
      assert.strictEqual(Date.parse(window.to) - Date.parse(window.from), 7 * DAY)
      if (i > 0) assert.strictEqual(window.from, stats.expiries[i - 1]?.to)
    }
    // The first window starts at the moment the server answered.
    const from = Date.parse(stats.expiries[0]?.from ?? "")
    assert.isTrue(before <= from && from <= after, `${before} <= ${from} <= ${after}`)
    // The holder's verification lasts 180 days: it lapses in the 26th week, past the default eight.
    assert.deepStrictEqual(
      stats.expiries.map((w) => w.count),
      Array(8).fill(0)
    )
    const year = await statsOf(h, operator, "?weeks=52")
    assert.strictEqual(year.expiries.length, 52)
    assert.deepStrictEqual(
      year.expiries.flatMap((w, week) => (w.count === 0 ? [] : [[week, w.count]])),
      [[25, 1]]
    )
    assert.strictEqual((await statsOf(h, operator, "?weeks=1")).expiries.length, 1)
  })

  it("refuses a weeks outside 1 to 52 and query names it does not know", async () => {
    const { h, operator } = await setUp()
    for (const bad of ["?weeks=0", "?weeks=53", "?weeks=abc", "?weeks=1.5", "?weeks=-1"]) {
      const refused = await expectError(
        await h.request(operator, "GET", `${OPS}/stats${bad}`, undefined, EN),
        400,
        "InvalidParameter"
      )
      assert.strictEqual(
        refused.errorMessage,
        "The parameter weeks has an invalid value; it must be a whole number from 1 to 52.",
        bad
      )
    }
    const misspelt = await expectError(
      await h.request(operator, "GET", `${OPS}/stats?week=3`, undefined, EN),
      400,
      "InvalidParameter"
    )
    assert.strictEqual(
      misspelt.errorMessage,
      "The parameter week is not a known parameter; this endpoint takes weeks."
    )
  })
})

describe("suspensions", () => {
  it("suspends an account: its keys get 403 with the reason everywhere, until it is reinstated", async () => {
    const { h, operator } = await setUp()
    const customer = await h.customer()
    await expectOk(await register(h, customer, MOBILE))
    const summary = await expectOk<OperatorWire.AccountSummary>(
      await h.request(operator, "POST", `${OPS}/accounts/${customer.accountId}/suspension`, {
        reason: "요금 미납"
      })
    )
    assert.strictEqual(summary.suspension?.reason, "요금 미납")
    const refused = await expectError(await h.request(customer, "GET", NUMBERS), 403, "AccountSuspended")
    assert.include(refused.errorMessage, "요금 미납")
    await expectError(await h.request(customer, "GET", `${NUMBERS}/active`), 403, "AccountSuspended")
    await expectError(await register(h, customer, "01023456790"), 403, "AccountSuspended")
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts/${customer.accountId}/suspension`, {
        reason: "again"
      }),
      409,
      "SuspensionUnchanged"
    )
    const listed = await expectOk<OperatorWire.AccountPage>(
      await h.request(operator, "GET", `${OPS}/accounts?search=${customer.accountId}`)
    )
    assert.strictEqual(listed.accounts[0]?.suspension?.reason, "요금 미납")

    const back = await expectOk<OperatorWire.AccountSummary>(
      await h.request(operator, "DELETE", `${OPS}/accounts/${customer.accountId}/suspension`)
    )
    assert.isNull(back.suspension)
    await expectOk(await h.request(customer, "GET", NUMBERS))
    await expectError(
      await h.request(operator, "POST", `${OPS}/accounts/${customer.accountId}/suspension`, {}),
      400,
      "MissingRequiredParameter"
    )
  })

  it("suspends a number: INACTIVE, unusable, and its owner cannot switch it back on until it is lifted", async () => {
    const { h, operator } = await setUp()
    const customer = await h.customer()
    await expectOk(await register(h, customer, MOBILE))
    await activate(h, customer, MOBILE)
    const path = `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/suspension`
    const suspended = await expectOk<Wire.SenderIdView>(
      await h.request(operator, "POST", path, { reason: "스팸 신고" })
    )
    assert.strictEqual(suspended.status, "INACTIVE")
    assert.deepStrictEqual(suspended.necessaryMeasures, ["SUSPENDED"])
    assert.strictEqual(suspended.suspension?.reason, "스팸 신고")
    assert.deepStrictEqual(await expectOk(await h.request(customer, "GET", `${NUMBERS}/active`)), [])
    const refused = await expectError(
      await h.request(customer, "PUT", `${NUMBERS}/${MOBILE}`, { status: "ACTIVE" }),
      409,
      "NumberSuspended"
    )
    assert.include(refused.errorMessage, "스팸 신고")
    await expectError(await h.request(customer, "DELETE", `${NUMBERS}/${MOBILE}`), 409, "NumberSuspended")

    const lifted = await expectOk<Wire.SenderIdView>(await h.request(operator, "DELETE", path))
    assert.isUndefined(lifted.suspension)
    await expectOk(await h.request(customer, "PUT", `${NUMBERS}/${MOBILE}`, { status: "ACTIVE" }))
    assert.deepStrictEqual(await expectOk(await h.request(customer, "GET", `${NUMBERS}/active`)), [MOBILE])
    await expectError(await h.request(operator, "DELETE", path), 409, "SuspensionUnchanged")
  })
})

describe("one number of any account", () => {
  it("reads a sender ID as its owner would plus the review notes, and says InvalidSenderId for one the account lacks", async () => {
    const { h, operator } = await setUp()
    const customer = await h.customer()
    await expectOk(await register(h, customer, MOBILE))
    const own = await expectOk<Wire.SenderIdView>(await h.request(customer, "GET", `${NUMBERS}/${MOBILE}`))
    const read = await expectOk<Wire.SenderIdView>(
      await h.request(operator, "GET", `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}`)
    )
    // Operators also see each review's note (none here: nothing was decided).
    assert.deepStrictEqual(read, { ...own, unlockDuplicate: { ...own.unlockDuplicate, note: null } })
    await expectError(
      await h.request(operator, "GET", `${OPS}/accounts/${customer.accountId}/numbers/0223456789`),
      400,
      "InvalidSenderId"
    )
  })
})

describe("audit trails of deleted numbers", () => {
  it("reads a deleted number's trail by its handle key; an unknown handle key is InvalidSenderId", async () => {
    const { h, operator } = await setUp()
    const customer = await h.customer()
    const book = await expectOk<Wire.AccountBook>(await register(h, customer, MOBILE))
    const handleKey = book.senderIds[0]?.handleKey ?? ""
    await expectOk(await h.request(customer, "DELETE", `${NUMBERS}/${MOBILE}`))
    await expectError(
      await h.request(operator, "GET", `${OPS}/accounts/${customer.accountId}/numbers/${MOBILE}/audit`),
      400,
      "InvalidSenderId"
    )
    const trail = await expectOk<OperatorWire.AuditTrail>(
      await h.request(operator, "GET", `${OPS}/audit/${handleKey}`)
    )
    assert.deepStrictEqual(
      trail.entries.map((e) => e.message),
      ["sender ID created", "sender ID deleted"]
    )
    assert.deepStrictEqual(trail.entries[1]?.actor, {
      type: "ACCOUNT",
      id: customer.accountId,
      apiKey: customer.apiKey
    })
    await expectError(await h.request(operator, "GET", `${OPS}/audit/SEDNOSUCHKEY`), 400, "InvalidSenderId")
  })
})
