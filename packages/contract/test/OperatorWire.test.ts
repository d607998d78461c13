import { assert, describe, it } from "@effect/vitest"
import { SenderId } from "@senderid/domain"
import { Schema } from "effect"
import * as OperatorWire from "../src/OperatorWire.ts"

const WEEK = 7 * 86_400_000
const now = Date.UTC(2027, 0, 15, 8, 0, 0)

const report = {
  accounts: 12,
  suspendedAccounts: 1,
  senderIds: { PENDING: 3, ACTIVE: 10, INACTIVE: 0, DUPLICATED: 0, EXPIRED: 1, REJECTED: 0 },
  reviews: { EVIDENCE: 2, DUPLICATE_UNLOCK: 0, LIMITATION: 1 },
  expiries: [
    { from: now, to: now + WEEK, count: 4 },
    { from: now + WEEK, to: now + 2 * WEEK, count: 0 }
  ]
}

describe("OperatorWire.registryStats", () => {
  it("renders the windows' bounds as ISO dates and keeps every count", () => {
    const stats = OperatorWire.registryStats(report)
    assert.deepStrictEqual(stats.expiries, [
      { from: "2027-01-15T08:00:00.000Z", to: "2027-01-22T08:00:00.000Z", count: 4 },
      { from: "2027-01-22T08:00:00.000Z", to: "2027-01-29T08:00:00.000Z", count: 0 }
    ])
    assert.deepStrictEqual(stats.senderIds, report.senderIds)
    assert.deepStrictEqual(stats.reviews, report.reviews)
  })

  it("produces exactly what its schema describes, with a key for every status the domain has", () => {
    const stats = OperatorWire.registryStats(report)
    const decoded = Schema.decodeUnknownSync(OperatorWire.RegistryStats)(stats, { onExcessProperty: "error" })
    assert.deepStrictEqual(decoded, stats)
    assert.sameMembers(Object.keys(OperatorWire.RegistryStats.fields.senderIds.fields), [
      ...SenderId.SenderIdStatus.literals
    ])
  })
})
