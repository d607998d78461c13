/**
 * Send eligibility through `app.request()`: a service key asks about any account it names and
 * reaches nothing else; a customer's key asks about its own account only; one number or a batch
 * of up to 1000, answered in order with a reason for every no.
 */
import { assert, describe, it } from "@effect/vitest"
import type { EligibilityWire } from "@senderid/contract"
import type { Customer } from "../support/harness.ts"
import { makeHarness } from "../support/harness.ts"
import { activate, EN, expectError, expectOk, NUMBERS, register } from "./routeSupport.ts"

const ELIGIBILITY = "/senderid/v1/eligibility"
const MOBILE = "01023456789"
const LANDLINE = "0312345678"

type Key = Pick<Customer, "apiKey" | "secret">

const setUp = async () => {
  const h = makeHarness({ rateLimit: false })
  const service: Key = await h.issueKey(["sender:eligibility"], { serviceId: "message-sender" })
  const customer = await h.customer()
  return { h, service, customer }
}

const one = (h: ReturnType<typeof makeHarness>, who: Key, phoneNumber: string, accountId?: string) =>
  h.request(
    who,
    "GET",
    `${ELIGIBILITY}/${encodeURIComponent(phoneNumber)}${accountId === undefined ? "" : `?accountId=${accountId}`}`
  )

describe("a service key", () => {
  it("asks whether the account it names may send from a number, as the number moves through its states", async () => {
    const { h, service, customer } = await setUp()
    assert.deepStrictEqual(await expectOk(await one(h, service, MOBILE, customer.accountId)), {
      phoneNumber: MOBILE,
      eligible: false,
      status: "NOT_REGISTERED",
      reason: "NOT_REGISTERED"
    })
    await register(h, customer, MOBILE)
    assert.deepStrictEqual(await expectOk(await one(h, service, "010-2345-6789", customer.accountId)), {
      phoneNumber: MOBILE,
      eligible: false,
      status: "PENDING",
      reason: "PENDING"
    })
    await activate(h, customer, MOBILE)
    assert.deepStrictEqual(await expectOk(await one(h, service, "+82 10 2345 6789", customer.accountId)), {
      phoneNumber: MOBILE,
      eligible: true,
      status: "ACTIVE"
    })
  })

  it("asks about many numbers at once, one answer per number in order, duplicates included", async () => {
    const { h, service, customer } = await setUp()
    await register(h, customer, MOBILE)
    await activate(h, customer, MOBILE)
    await register(h, customer, LANDLINE)
    const answer = await expectOk<EligibilityWire.EligibilityResults>(
      await h.request(service, "POST", ELIGIBILITY, {
        accountId: customer.accountId,
        phoneNumbers: [LANDLINE, "010-2345-6789", "not a number", "07023456789", MOBILE]
      })
    )
    assert.strictEqual(answer.accountId, customer.accountId)
    assert.deepStrictEqual(answer.results, [
      { phoneNumber: LANDLINE, eligible: false, status: "PENDING", reason: "PENDING" },
      { phoneNumber: MOBILE, eligible: true, status: "ACTIVE" },
      { phoneNumber: "not a number", eligible: false, status: "NOT_REGISTERED", reason: "INVALID_NUMBER" },
      { phoneNumber: "07023456789", eligible: false, status: "NOT_REGISTERED", reason: "NOT_REGISTERED" },
      { phoneNumber: MOBILE, eligible: true, status: "ACTIVE" }
    ])
  })

  it("hears ACCOUNT_SUSPENDED for a suspended account's numbers, where the account's own key gets 403", async () => {
    const { h, service, customer } = await setUp()
    await register(h, customer, MOBILE)
    await activate(h, customer, MOBILE)
    const operator = await h.issueKey(["operator:write"], { operatorId: "alice" })
    await expectOk(
      await h.request(operator, "POST", `/operator/v1/accounts/${customer.accountId}/suspension`, {
        reason: "미납"
      })
    )
    assert.deepStrictEqual(await expectOk(await one(h, service, MOBILE, customer.accountId)), {
      phoneNumber: MOBILE,
      eligible: false,
      status: "ACTIVE",
      reason: "ACCOUNT_SUSPENDED"
    })
    await expectError(await one(h, customer, MOBILE), 403, "AccountSuspended")
  })

  it("hears NOT_REGISTERED about an account that does not exist: it has registered nothing", async () => {
    const { h, service } = await setUp()
    const answer = await expectOk<EligibilityWire.EligibilityView>(
      await one(h, service, MOBILE, "NO-SUCH-ACCOUNT")
    )
    assert.strictEqual(answer.reason, "NOT_REGISTERED")
  })

  it("must name the account, in the query or the body", async () => {
    const { h, service } = await setUp()
    const get = await expectError(await one(h, service, MOBILE), 400, "MissingRequiredParameter")
    assert.include(get.errorMessage, "accountId")
    await expectError(
      await h.request(service, "POST", ELIGIBILITY, { phoneNumbers: [MOBILE] }),
      400,
      "MissingRequiredParameter"
    )
    await expectError(await one(h, service, MOBILE, "bad%20id"), 400, "InvalidParameter")
  })

  it("reaches no other route: 403 on the numbers, documents and operator routes", async () => {
    const { h, service } = await setUp()
    for (const [method, path] of [
      ["GET", NUMBERS],
      ["GET", `${NUMBERS}/active`],
      ["POST", NUMBERS],
      ["GET", "/senderid/v1/documents"],
      ["GET", "/operator/v1/accounts"]
    ] as const) {
      await expectError(
        await h.request(service, method, path, method === "POST" ? { phoneNumber: MOBILE } : undefined),
        403,
        "Forbidden"
      )
    }
  })
})

describe("a customer's key", () => {
  it("asks about its own account, with or without naming it", async () => {
    const { h, customer } = await setUp()
    await register(h, customer, MOBILE)
    await activate(h, customer, MOBILE)
    assert.isTrue((await expectOk<EligibilityWire.EligibilityView>(await one(h, customer, MOBILE))).eligible)
    assert.isTrue(
      (await expectOk<EligibilityWire.EligibilityView>(await one(h, customer, MOBILE, customer.accountId)))
        .eligible
    )
    const batch = await expectOk<EligibilityWire.EligibilityResults>(
      await h.request(customer, "POST", ELIGIBILITY, { phoneNumbers: [MOBILE] })
    )
    assert.deepStrictEqual(batch, {
      accountId: customer.accountId,
      results: [{ phoneNumber: MOBILE, eligible: true, status: "ACTIVE" }]
    })
  })

  it("cannot ask about another account, even carrying the service scope", async () => {
    const { h, customer } = await setUp()
    const other = await h.customer()
    const refused = await expectError(await one(h, customer, MOBILE, other.accountId), 403, "Forbidden")
    assert.include(refused.errorMessage, other.accountId)
    const english = await expectError(
      await h.request(
        customer,
        "POST",
        ELIGIBILITY,
        { accountId: other.accountId, phoneNumbers: [MOBILE] },
        EN
      ),
      403,
      "Forbidden"
    )
    assert.include(english.errorMessage, "its own account")
    // The service's reach comes with a service key, not with the scope's name on a customer's key.
    const scoped = await h.issueKey(["senderid:read", "sender:eligibility"], {
      accountId: customer.accountId
    })
    await expectError(await one(h, scoped, MOBILE, other.accountId), 403, "Forbidden")
  })

  it("needs senderid:read, and an operator's key is refused", async () => {
    const { h, customer } = await setUp()
    const writeOnly = await h.issueKey(["senderid:write"], { accountId: customer.accountId })
    await expectError(await one(h, writeOnly, MOBILE), 403, "Forbidden")
    const operator = await h.issueKey(["operator:read", "operator:write", "sender:eligibility"], {
      operatorId: "alice"
    })
    await expectError(await one(h, operator, MOBILE, customer.accountId), 403, "Forbidden")
  })
})

describe("a batch", () => {
  it("takes up to 1000 numbers and refuses more with 400, saying the limit", async () => {
    const { h, service, customer } = await setUp()
    const numbers = (n: number) => Array.from({ length: n }, (_, i) => `0102${String(i).padStart(7, "0")}`)
    const full = await expectOk<EligibilityWire.EligibilityResults>(
      await h.request(service, "POST", ELIGIBILITY, {
        accountId: customer.accountId,
        phoneNumbers: numbers(1000)
      })
    )
    assert.strictEqual(full.results.length, 1000)
    assert.deepStrictEqual(
      full.results.map((r) => r.phoneNumber),
      numbers(1000)
    )
    const over = await expectError(
      await h.request(
        service,
        "POST",
        ELIGIBILITY,
        { accountId: customer.accountId, phoneNumbers: numbers(1001) },
        EN
      ),
      400,
      "InvalidParameter"
    )
    assert.include(over.errorMessage, "phoneNumbers")
    assert.include(over.errorMessage, "1000")
  })

  it("refuses an empty list, a list that is not one, and a number that is not text", async () => {
    const { h, customer } = await setUp()
    for (const body of [{ phoneNumbers: [] }, { phoneNumbers: MOBILE }, { phoneNumbers: [1234] }, {}]) {
      const response = await h.request(customer, "POST", ELIGIBILITY, body)
      assert.strictEqual(response.status, 400, JSON.stringify(body))
    }
  })
})
