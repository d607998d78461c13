/**
 * The sender-ID routes through `app.request()`: register (one and bulk), the account book whole and
 * a page at a time, the active numbers, one number, switch on and off, delete, and strict bodies.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Wire } from "@senderid/contract"
import { makeHarness } from "../support/harness.ts"
import { activate, bookOf, EN, expectError, expectOk, ISO, NUMBERS, register } from "./routeSupport.ts"

const HANDLE_KEY = /^SED\d{14}[A-Z0-9]{15}$/u

const setup = async (limit = 5) => {
  const h = makeHarness()
  const a = await h.customer({ limit })
  return { h, a }
}

describe("POST /senderid/v1/numbers", () => {
  it("answers with the whole account book in SOLAPI's shape, the new number PENDING", async () => {
    const { h, a } = await setup()
    const book = await expectOk<Wire.AccountBook>(await register(h, a, "01023456789"))

    assert.strictEqual(book.accountId, a.accountId)
    assert.strictEqual(book.limit, 5)
    assert.deepStrictEqual(book.limitationDocuments, [])
    assert.match(book.dateCreated, ISO)
    assert.match(book.dateUpdated, ISO)
    assert.strictEqual(book.senderIds.length, 1)
    const [senderId] = book.senderIds
    assert.isDefined(senderId)
    if (senderId === undefined) return
    assert.match(senderId.handleKey, HANDLE_KEY)
    assert.strictEqual(senderId.phoneNumber, "01023456789")
    assert.strictEqual(senderId.status, "PENDING")
    assert.isNull(senderId.method)
    assert.isNotNull(senderId.expireAt)
    assert.match(senderId.expireAt ?? "", ISO)
    assert.isAbove(Date.parse(senderId.expireAt ?? ""), Date.now())
    assert.strictEqual(senderId.log.length, 1)
    const [entry] = senderId.log
    assert.match(entry?.createAt ?? "", ISO)
    assert.isString(entry?.message)
    assert.isAbove(entry?.message.length ?? 0, 0)
    assert.deepStrictEqual(senderId.approvalDocuments, [])
    assert.deepStrictEqual(senderId.unlockDuplicate, {
      duplicateId: null,
      reasonForRequested: null,
      name: null,
      status: null,
      reason: null,
      dateCreated: null,
      dateUpdated: null
    })
    assert.match(senderId.dateCreated, ISO)
    assert.match(senderId.dateUpdated, ISO)
    assert.notProperty(book, "nextKey")
  })

  it("stores human forms of a number as digits only", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "02-2345-6789"))
    await expectOk(await register(h, a, "+82 10-3456-7890"))
    await expectOk(await register(h, a, "(031) 234.5678"))
    const book = await bookOf(h, a)
    assert.sameMembers(
      book.senderIds.map((s) => s.phoneNumber),
      ["0223456789", "01034567890", "0312345678"]
    )
  })

  it("refuses an invalid number with InvalidPhoneNumber 400, in Korean by default", async () => {
    const { h, a } = await setup()
    const error = await expectError(await register(h, a, "111-1111"), 400, "InvalidPhoneNumber")
    assert.match(error.errorMessage, /전화번호/u)
    assert.deepStrictEqual((await bookOf(h, a)).senderIds, [])
  })

  it("says what is wrong with the number in English on Accept-Language: en", async () => {
    const { h, a } = await setup()
    const response = await h.request(a, "POST", NUMBERS, { phoneNumber: "0012345678" }, EN)
    const error = await expectError(response, 400, "InvalidPhoneNumber")
    assert.match(error.errorMessage, /^Invalid phone number: /u)
    assert.notMatch(error.errorMessage, /[가-힣]/u)
  })

  it("refuses a document id the account never uploaded with InvalidDocumentId 400, storing nothing", async () => {
    const { h, a } = await setup()
    const response = await register(h, a, "01023456789", { documents: ["DOC20260101000000NOTAREALDOC0001"] })
    await expectError(response, 400, "InvalidDocumentId")
    assert.deepStrictEqual((await bookOf(h, a)).senderIds, [])
  })

  it("refuses the same number twice in one account with AlreadyRegistered 409, in any written form", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    await expectError(await register(h, a, "010-2345-6789"), 409, "AlreadyRegistered")
    assert.strictEqual((await bookOf(h, a)).senderIds.length, 1)
  })

  it("refuses a number beyond the account limit with LimitExceeded 403", async () => {
    const { h, a } = await setup(2)
    await expectOk(await register(h, a, "01023456781"))
    await expectOk(await register(h, a, "01023456782"))
    await expectError(await register(h, a, "01023456783"), 403, "LimitExceeded")
    const book = await bookOf(h, a)
    assert.sameMembers(
      book.senderIds.map((s) => s.phoneNumber),
      ["01023456781", "01023456782"]
    )
  })

  it("registers a number another account holds ACTIVE as DUPLICATED", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const b = await h.customer()
    await expectOk(await register(h, a, "01023456789"))
    await activate(h, a, "01023456789")

    const book = await expectOk<Wire.AccountBook>(await register(h, b, "01023456789"))
    const [senderId] = book.senderIds
    assert.strictEqual(senderId?.status, "DUPLICATED")
    assert.isNull(senderId?.method)
    assert.deepStrictEqual(senderId?.necessaryMeasures, ["DUPLICATED"])
    // The holder keeps its number.
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "ACTIVE")
  })

  it("registers a number another account has only PENDING as PENDING", async () => {
    const h = makeHarness()
    const a = await h.customer()
    const b = await h.customer()
    await expectOk(await register(h, a, "01023456789"))
    const book = await expectOk<Wire.AccountBook>(await register(h, b, "01023456789"))
    assert.strictEqual(book.senderIds[0]?.status, "PENDING")
  })
})

describe("register body validation", () => {
  for (const [field, value] of [
    ["status", "ACTIVE"],
    ["accountId", "SOMEONE-ELSE"],
    ["limit", 1000],
    ["log", []],
    ["handleKey", "SED20181120142527G9MUYZKJXEV6ADY"]
  ] as const) {
    it(`refuses a register body carrying ${field} with InvalidParameter naming it, storing nothing`, async () => {
      const { h, a } = await setup()
      const response = await h.request(a, "POST", NUMBERS, { phoneNumber: "01023456789", [field]: value }, EN)
      const error = await expectError(response, 400, "InvalidParameter")
      assert.include(error.errorMessage, field)
      assert.include(error.errorMessage, "not allowed")
      const book = await bookOf(h, a)
      assert.deepStrictEqual(book.senderIds, [])
      assert.strictEqual(book.limit, 5)
      assert.strictEqual(book.accountId, a.accountId)
    })
  }

  it("refuses an unknown field with InvalidParameter naming it", async () => {
    const { h, a } = await setup()
    const response = await h.request(a, "POST", NUMBERS, { phoneNumber: "01023456789", colour: "blue" }, EN)
    const error = await expectError(response, 400, "InvalidParameter")
    assert.include(error.errorMessage, "colour")
    assert.deepStrictEqual((await bookOf(h, a)).senderIds, [])
  })

  for (const [label, payload, field] of [
    ["a numeric phoneNumber", { phoneNumber: 1023456789 }, "phoneNumber"],
    ["documents as a string", { phoneNumber: "01023456789", documents: "DOC1" }, "documents"],
    ["a numeric document id", { phoneNumber: "01023456789", documents: [1] }, "documents[0]"],
    ["autoExtension as a string", { phoneNumber: "01023456789", autoExtension: "yes" }, "autoExtension"]
  ] as const) {
    it(`refuses ${label} with InvalidParameter 400 naming ${field}`, async () => {
      const { h, a } = await setup()
      const response = await h.request(a, "POST", NUMBERS, payload, EN)
      const error = await expectError(response, 400, "InvalidParameter")
      assert.include(error.errorMessage, field)
      assert.deepStrictEqual((await bookOf(h, a)).senderIds, [])
    })
  }

  it("refuses a body that is not an object with InvalidParameter 400", async () => {
    const { h, a } = await setup()
    await expectError(await h.request(a, "POST", NUMBERS, ["01023456789"]), 400, "InvalidParameter")
    await expectError(await h.request(a, "POST", NUMBERS, '"01023456789"'), 400, "InvalidParameter")
  })

  it("refuses malformed JSON with InvalidJSON 400", async () => {
    const { h, a } = await setup()
    await expectError(await h.request(a, "POST", NUMBERS, '{"phoneNumber":'), 400, "InvalidJSON")
  })

  it("refuses a body without phoneNumber with MissingRequiredParameter 400", async () => {
    const { h, a } = await setup()
    const error = await expectError(
      await h.request(a, "POST", NUMBERS, {}, EN),
      400,
      "MissingRequiredParameter"
    )
    assert.include(error.errorMessage, "phoneNumber")
    await expectError(await h.request(a, "POST", NUMBERS, ""), 400, "MissingRequiredParameter")
  })
})

describe("GET /senderid/v1/numbers", () => {
  it("answers with the account book listing every number of the account, even when empty", async () => {
    const { h, a } = await setup()
    const empty = await bookOf(h, a)
    assert.strictEqual(empty.accountId, a.accountId)
    assert.deepStrictEqual(empty.senderIds, [])
    await expectOk(await register(h, a, "01023456781"))
    await expectOk(await register(h, a, "01023456782"))
    const book = await bookOf(h, a)
    assert.sameMembers(
      book.senderIds.map((s) => s.phoneNumber),
      ["01023456781", "01023456782"]
    )
    assert.notProperty(book, "nextKey")
  })

  it("pages with limit and nextKey → startKey until nextKey is null", async () => {
    const { h, a } = await setup()
    const numbers = ["01023456781", "01023456782", "01023456783", "01023456784", "01023456785"]
    for (const n of numbers) await expectOk(await register(h, a, n))

    const seen: Array<string> = []
    let startKey: string | null | undefined
    let pages = 0
    do {
      const query = startKey === undefined ? "?limit=2" : `?limit=2&startKey=${startKey}`
      const page = await expectOk<Wire.AccountBook>(await h.request(a, "GET", `${NUMBERS}${query}`))
      assert.isAtMost(page.senderIds.length, 2)
      assert.property(page, "nextKey")
      seen.push(...page.senderIds.map((s) => s.phoneNumber))
      startKey = page.nextKey
      pages++
    } while (startKey !== null && pages < 10)
    assert.strictEqual(pages, 3)
    // Same-millisecond registrations tie on age and then keep the handle key's order: the pages
    // walk the book exactly as the whole book lists it.
    assert.deepStrictEqual(
      seen,
      (await bookOf(h, a)).senderIds.map((s) => s.phoneNumber)
    )
    assert.sameMembers(seen, numbers)
  })

  it("keeps paging when the number the next page starts at is deleted in between", async () => {
    const { h, a } = await setup()
    const numbers = ["01023456781", "01023456782", "01023456783", "01023456784", "01023456785"]
    for (const n of numbers) await expectOk(await register(h, a, n))
    const order = (await bookOf(h, a)).senderIds.map((s) => s.phoneNumber)

    const first = await expectOk<Wire.AccountBook>(await h.request(a, "GET", `${NUMBERS}?limit=2`))
    assert.deepStrictEqual(
      first.senderIds.map((s) => s.phoneNumber),
      order.slice(0, 2)
    )
    await expectOk(await h.request(a, "DELETE", `${NUMBERS}/${order[2]}`))
    const rest = await expectOk<Wire.AccountBook>(
      await h.request(a, "GET", `${NUMBERS}?limit=2&startKey=${encodeURIComponent(first.nextKey ?? "")}`)
    )
    assert.deepStrictEqual(
      rest.senderIds.map((s) => s.phoneNumber),
      order.slice(3)
    )
    assert.isNull(rest.nextKey)
  })

  it("filters by status=", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456781"))
    await expectOk(await register(h, a, "01023456782"))
    await activate(h, a, "01023456782")

    const active = await expectOk<Wire.AccountBook>(await h.request(a, "GET", `${NUMBERS}?status=ACTIVE`))
    assert.deepStrictEqual(
      active.senderIds.map((s) => s.phoneNumber),
      ["01023456782"]
    )
    assert.isNull(active.nextKey)
    const pending = await expectOk<Wire.AccountBook>(await h.request(a, "GET", `${NUMBERS}?status=PENDING`))
    assert.deepStrictEqual(
      pending.senderIds.map((s) => s.phoneNumber),
      ["01023456781"]
    )
  })

  for (const [query, field] of [
    ["limit=0", "limit"],
    ["limit=-1", "limit"],
    ["limit=abc", "limit"],
    ["limit=1001", "limit"],
    ["limit=2.5", "limit"],
    ["status=GONE", "status"],
    ["startKey=SED20990101000000NOSUCHHANDLEKEY", "startKey"]
  ] as const) {
    it(`refuses ?${query} with InvalidParameter 400 naming ${field}`, async () => {
      const { h, a } = await setup()
      await expectOk(await register(h, a, "01023456781"))
      const error = await expectError(
        await h.request(a, "GET", `${NUMBERS}?${query}`, undefined, EN),
        400,
        "InvalidParameter"
      )
      assert.include(error.errorMessage, field)
    })
  }

  for (const query of ["status[eq]=ACTIVE", "status[ne]=PENDING", "phoneNumber=01023456781", "startkey=x"]) {
    it(`refuses the unknown parameter in ?${query} with InvalidParameter 400 instead of ignoring it`, async () => {
      const { h, a } = await setup()
      await expectOk(await register(h, a, "01023456781"))
      const name = query.slice(0, query.indexOf("="))
      const error = await expectError(
        await h.request(a, "GET", `${NUMBERS}?${query}`, undefined, EN),
        400,
        "InvalidParameter"
      )
      assert.include(error.errorMessage, name)
      assert.include(error.errorMessage, "not a known parameter")
    })
  }
})

describe("GET /senderid/v1/numbers/active", () => {
  it("lists only the ACTIVE numbers, as an array of strings", async () => {
    const { h, a } = await setup()
    assert.deepStrictEqual(await expectOk(await h.request(a, "GET", `${NUMBERS}/active`)), [])
    await expectOk(await register(h, a, "01023456781"))
    await expectOk(await register(h, a, "01023456782"))
    await expectOk(await register(h, a, "01023456783"))
    await activate(h, a, "01023456781")
    await activate(h, a, "01023456783")
    await expectOk(await h.request(a, "PUT", `${NUMBERS}/01023456783`, { status: "INACTIVE" }))
    assert.deepStrictEqual(await expectOk(await h.request(a, "GET", `${NUMBERS}/active`)), ["01023456781"])
  })
})

describe("GET /senderid/v1/numbers/:phoneNumber", () => {
  it("answers with one sender ID, found by any written form", async () => {
    const { h, a } = await setup()
    const book = await expectOk<Wire.AccountBook>(await register(h, a, "01023456789"))
    const one = await expectOk<Wire.SenderIdView>(await h.request(a, "GET", `${NUMBERS}/01023456789`))
    assert.deepStrictEqual(one, book.senderIds[0])
    const hyphenated = await expectOk<Wire.SenderIdView>(
      await h.request(a, "GET", `${NUMBERS}/010-2345-6789`)
    )
    assert.strictEqual(hyphenated.handleKey, one.handleKey)
    assert.isFalse(one.autoExtension)
    assert.deepStrictEqual(one.necessaryMeasures, ["ARS", "BUSINESS_DOCUMENTS"])
  })

  it("refuses a number the account does not hold with InvalidSenderId 400", async () => {
    const { h, a } = await setup()
    await expectError(await h.request(a, "GET", `${NUMBERS}/01099998888`), 400, "InvalidSenderId")
    await expectError(await h.request(a, "GET", `${NUMBERS}/not-a-number`), 400, "InvalidSenderId")
  })
})

describe("PUT /senderid/v1/numbers/:phoneNumber", () => {
  it("switches an ACTIVE number to INACTIVE and back, logging each change", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    await activate(h, a, "01023456789")

    const off = await expectOk<Wire.AccountBook>(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status: "INACTIVE" })
    )
    assert.strictEqual(off.senderIds[0]?.status, "INACTIVE")
    assert.deepStrictEqual(await expectOk(await h.request(a, "GET", `${NUMBERS}/active`)), [])

    const on = await expectOk<Wire.AccountBook>(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status: "ACTIVE" })
    )
    const senderId = on.senderIds[0]
    assert.strictEqual(senderId?.status, "ACTIVE")
    assert.strictEqual(senderId?.method, "ARS")
    // Created, call placed, verified, INACTIVE, ACTIVE.
    assert.strictEqual(senderId?.log.length, 5)
    assert.deepStrictEqual(await expectOk(await h.request(a, "GET", `${NUMBERS}/active`)), ["01023456789"])
  })

  it("refuses to activate a PENDING number with FailedToUpdate 409, leaving it PENDING", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    await expectError(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status: "ACTIVE" }),
      409,
      "FailedToUpdate"
    )
    const senderId = (await bookOf(h, a)).senderIds[0]
    assert.strictEqual(senderId?.status, "PENDING")
    assert.strictEqual(senderId?.log.length, 1)
  })

  for (const status of ["PENDING", "DUPLICATED", "EXPIRED", "REJECTED"] as const) {
    it(`refuses to set an ACTIVE number to ${status} with FailedToUpdate 409`, async () => {
      const { h, a } = await setup()
      await expectOk(await register(h, a, "01023456789"))
      await activate(h, a, "01023456789")
      await expectError(
        await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status }),
        409,
        "FailedToUpdate"
      )
      assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "ACTIVE")
    })
  }

  it("refuses a status that is not a sender-ID status with InvalidParameter 400", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    await expectError(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status: "DELETED" }),
      400,
      "InvalidParameter"
    )
  })

  it("refuses a number the account does not hold with InvalidSenderId 400", async () => {
    const { h, a } = await setup()
    await expectError(
      await h.request(a, "PUT", `${NUMBERS}/01099998888`, { status: "INACTIVE" }),
      400,
      "InvalidSenderId"
    )
  })

  it("turns autoExtension on and off", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    const on = await expectOk<Wire.AccountBook>(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { autoExtension: true })
    )
    assert.isTrue(on.senderIds[0]?.autoExtension)
    assert.strictEqual(on.senderIds[0]?.status, "PENDING")
    const off = await expectOk<Wire.AccountBook>(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { autoExtension: false })
    )
    assert.isFalse(off.senderIds[0]?.autoExtension)
  })

  it("sets autoExtension when the status sent is the current one, and still refuses that status alone", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    const both = await expectOk<Wire.AccountBook>(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status: "PENDING", autoExtension: true })
    )
    assert.isTrue(both.senderIds[0]?.autoExtension)
    assert.strictEqual(both.senderIds[0]?.status, "PENDING")
    await expectError(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status: "PENDING" }),
      409,
      "FailedToUpdate"
    )
  })

  it("refuses an empty update with MissingRequiredParameter 400", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    await expectError(
      await h.request(a, "PUT", `${NUMBERS}/01023456789`, {}),
      400,
      "MissingRequiredParameter"
    )
  })

  it("refuses forbidden fields in an update with InvalidParameter 400, changing nothing", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    for (const extra of [{ limit: 100 }, { accountId: "X" }, { handleKey: "SED" }, { log: [] }]) {
      await expectError(
        await h.request(a, "PUT", `${NUMBERS}/01023456789`, { autoExtension: true, ...extra }),
        400,
        "InvalidParameter"
      )
    }
    const book = await bookOf(h, a)
    assert.isFalse(book.senderIds[0]?.autoExtension)
    assert.strictEqual(book.limit, 5)
  })
})

describe("DELETE /senderid/v1/numbers/:phoneNumber", () => {
  it("removes a PENDING number and answers with the book without it", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456781"))
    await expectOk(await register(h, a, "01023456782"))
    const book = await expectOk<Wire.AccountBook>(await h.request(a, "DELETE", `${NUMBERS}/01023456781`))
    assert.deepStrictEqual(
      book.senderIds.map((s) => s.phoneNumber),
      ["01023456782"]
    )
    await expectError(await h.request(a, "GET", `${NUMBERS}/01023456781`), 400, "InvalidSenderId")
  })

  it("frees a place under the limit", async () => {
    const { h, a } = await setup(1)
    await expectOk(await register(h, a, "01023456781"))
    await expectError(await register(h, a, "01023456782"), 403, "LimitExceeded")
    await expectOk(await h.request(a, "DELETE", `${NUMBERS}/01023456781`))
    await expectOk(await register(h, a, "01023456782"))
  })

  it("refuses to delete an ACTIVE number with FailedToDelete 409, and allows it once INACTIVE", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456789"))
    await activate(h, a, "01023456789")
    await expectError(await h.request(a, "DELETE", `${NUMBERS}/01023456789`), 409, "FailedToDelete")
    assert.strictEqual((await bookOf(h, a)).senderIds[0]?.status, "ACTIVE")

    await expectOk(await h.request(a, "PUT", `${NUMBERS}/01023456789`, { status: "INACTIVE" }))
    const book = await expectOk<Wire.AccountBook>(await h.request(a, "DELETE", `${NUMBERS}/01023456789`))
    assert.deepStrictEqual(book.senderIds, [])
  })

  it("refuses a number the account does not hold with InvalidSenderId 400", async () => {
    const { h, a } = await setup()
    await expectError(await h.request(a, "DELETE", `${NUMBERS}/01099998888`), 400, "InvalidSenderId")
  })
})

describe("POST /senderid/v1/numbers/bulk", () => {
  it("answers with one result per number, in order, each ok or with its error code", async () => {
    const { h, a } = await setup()
    await expectOk(await register(h, a, "01023456780"))
    const response = await h.request(a, "POST", `${NUMBERS}/bulk`, {
      numbers: [
        { phoneNumber: "010-2345-6781" },
        { phoneNumber: "111-1111" },
        { phoneNumber: "01023456780" },
        { phoneNumber: "0223456789", autoExtension: true }
      ]
    })
    const result = await expectOk<Wire.BulkResult>(response)
    assert.strictEqual(result.registered, 2)
    assert.strictEqual(result.failed, 2)
    assert.deepStrictEqual(
      result.results.map((r) => [r.phoneNumber, r.ok, r.ok ? r.senderId.phoneNumber : r.errorCode]),
      [
        ["010-2345-6781", true, "01023456781"],
        ["111-1111", false, "InvalidPhoneNumber"],
        ["01023456780", false, "AlreadyRegistered"],
        ["0223456789", true, "0223456789"]
      ]
    )
    const [, invalid, again, landline] = result.results
    if (invalid?.ok === false) assert.strictEqual(invalid.httpStatus, 400)
    if (again?.ok === false) assert.strictEqual(again.httpStatus, 409)
    if (landline?.ok === true) {
      assert.isTrue(landline.senderId.autoExtension)
      assert.match(landline.senderId.handleKey, HANDLE_KEY)
    }
    assert.sameMembers(
      (await bookOf(h, a)).senderIds.map((s) => s.phoneNumber),
      ["01023456780", "01023456781", "0223456789"]
    )
  })

  it("respects the limit mid-batch: the items after the limit fail with LimitExceeded", async () => {
    const { h, a } = await setup(3)
    await expectOk(await register(h, a, "01023456780"))
    const result = await expectOk<Wire.BulkResult>(
      await h.request(a, "POST", `${NUMBERS}/bulk`, {
        numbers: [
          { phoneNumber: "01023456781" },
          { phoneNumber: "01023456782" },
          { phoneNumber: "01023456783" },
          { phoneNumber: "01023456784" }
        ]
      })
    )
    assert.deepStrictEqual(
      result.results.map((r) => (r.ok ? "ok" : `${r.httpStatus} ${r.errorCode}`)),
      ["ok", "ok", "403 LimitExceeded", "403 LimitExceeded"]
    )
    assert.strictEqual(result.registered, 2)
    assert.strictEqual(result.failed, 2)
    assert.strictEqual((await bookOf(h, a)).senderIds.length, 3)
  })

  it("refuses an empty batch and forbidden fields in an item with InvalidParameter 400", async () => {
    const { h, a } = await setup()
    await expectError(await h.request(a, "POST", `${NUMBERS}/bulk`, { numbers: [] }), 400, "InvalidParameter")
    const error = await expectError(
      await h.request(
        a,
        "POST",
        `${NUMBERS}/bulk`,
        { numbers: [{ phoneNumber: "01023456781" }, { phoneNumber: "01023456782", status: "ACTIVE" }] },
        EN
      ),
      400,
      "InvalidParameter"
    )
    assert.include(error.errorMessage, "numbers[1].status")
    assert.deepStrictEqual((await bookOf(h, a)).senderIds, [])
  })

  it("refuses a batch without numbers with MissingRequiredParameter 400", async () => {
    const { h, a } = await setup()
    await expectError(await h.request(a, "POST", `${NUMBERS}/bulk`, {}), 400, "MissingRequiredParameter")
  })
})
