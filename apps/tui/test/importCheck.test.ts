/**
 * The check an import runs before sending anything: which rows are skipped and why, which accounts
 * the rest would take past their limit, and the report's word for a skipped row.
 */
import { describe, expect, it } from "vitest"
import { reportCsv } from "../src/import/BulkImport.ts"
import { checkImport, planSummary } from "../src/import/ImportCheck.ts"

const rows = [
  { line: 2, accountId: "SHOP", phoneNumber: "02-2345-6789" },
  { line: 3, accountId: "SHOP", phoneNumber: "0223456789" },
  { line: 4, accountId: "SHOP", phoneNumber: "0312345678" },
  { line: 5, accountId: "bad id", phoneNumber: "0412345678" },
  { line: 6, accountId: "GONE", phoneNumber: "0412345678" },
  { line: 7, accountId: "BANK", phoneNumber: "112" }
]

describe("checkImport", () => {
  it("skips what cannot succeed, asks only about ids that may exist, and counts the limit", async () => {
    const asked: Array<ReadonlyArray<string>> = []
    const plan = await checkImport(rows, async (ids) => {
      asked.push(ids)
      return new Map([
        ["SHOP", { held: 4, limit: 5 }],
        ["BANK", { held: 0, limit: 5 }]
      ])
    })
    expect(asked).toEqual([["SHOP", "GONE", "BANK"]])
    expect(plan.send.map((r) => r.line)).toEqual([2, 4, 7])
    expect(plan.skipped.map((r) => [r.line, !r.ok && r.errorCode])).toEqual([
      [3, "RepeatedRow"],
      [5, "UnknownAccount"],
      [6, "UnknownAccount"]
    ])
    expect(plan.overLimit).toEqual([{ accountId: "SHOP", over: 1 }])
    expect(planSummary(plan)).toBe(
      "6 rows: 3 to register for 2 accounts · 2 for unknown accounts · 1 repeated · SHOP over its limit by 1"
    )
    expect(reportCsv(plan.skipped).split("\n")[1]).toBe(
      "3,SHOP,0223456789,skipped,,RepeatedRow,the same number for the same account as line 2"
    )
  })
})
