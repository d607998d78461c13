import { assert, describe, it } from "@effect/vitest"
import { type Account, SenderId } from "@senderid/domain"
import { Duration, Schema } from "effect"
import * as Wire from "../src/Wire.ts"

const at = {
  now: Date.UTC(2018, 10, 20, 5, 25, 27, 285),
  actor: { type: "ACCOUNT" as const, id: "12925149" }
}

const pending = SenderId.register({
  handleKey: "SED20181120142527G9MUYZKJXEV6ADY",
  accountId: "12925149",
  phoneNumber: "01000000000",
  category: "mobile",
  heldByAnotherAccount: false,
  pendingTtl: Duration.days(12),
  at
})

const account: Account.Account = {
  accountId: "12925149",
  limit: 2,
  limitationRequests: [],
  log: [],
  dateCreated: at.now,
  dateUpdated: at.now,
  version: 0
}

describe("Wire.accountBook", () => {
  it("renders SOLAPI's sample shape: ISO dates, a log of { createAt, message }, an unlock request of nulls", () => {
    const book = Wire.accountBook({ account, senderIds: [pending] })
    assert.deepStrictEqual(Object.keys(book).sort(), [
      "accountId",
      "dateCreated",
      "dateUpdated",
      "limit",
      "limitationDocuments",
      "senderIds"
    ])
    const [view] = book.senderIds
    assert.strictEqual(view?.dateCreated, "2018-11-20T05:25:27.285Z")
    assert.deepStrictEqual(view?.unlockDuplicate, {
      duplicateId: null,
      reasonForRequested: null,
      name: null,
      status: null,
      reason: null,
      dateCreated: null,
      dateUpdated: null
    })
    assert.deepStrictEqual(Object.keys(view?.log[0] ?? {}), ["createAt", "message"])
    assert.strictEqual(view?.method, null)
    assert.deepStrictEqual(view?.necessaryMeasures, ["ARS", "BUSINESS_DOCUMENTS"])
  })

  it("adds nextKey only to a paged book", () => {
    assert.isFalse("nextKey" in Wire.accountBook({ account, senderIds: [] }))
    assert.strictEqual(Wire.accountBook({ account, senderIds: [] }, { nextKey: null }).nextKey, null)
  })

  it("produces exactly what its schema describes, nothing more", () => {
    const book = Wire.accountBook({ account, senderIds: [pending] })
    const decoded = Schema.decodeUnknownSync(Wire.AccountBook)(book, { onExcessProperty: "error" })
    assert.deepStrictEqual(decoded, book)
  })
})
