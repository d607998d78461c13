/**
 * Reading import files and running them, apart from the screen: header names in any case and
 * order, quoted fields, line numbers for the report, file order within an account, and the report.
 */
import { describe, expect, it } from "vitest"
import { parseImport, type RowResult, reportCsv, runImport } from "../src/import/BulkImport.ts"

describe("parseImport", () => {
  it("reads the two columns by name, keeps the file's line numbers and ignores other columns", () => {
    const parsed = parseImport(
      '\uFEFFNote,PHONENUMBER,accountid\n"a, b",0223456789,ACME\n\n  x ,  031-234-5678 , BETA \n'
    )
    expect(parsed).toEqual({
      _tag: "Parsed",
      rows: [
        { line: 2, accountId: "ACME", phoneNumber: "0223456789" },
        { line: 4, accountId: "BETA", phoneNumber: "031-234-5678" }
      ]
    })
  })

  it("refuses an empty file, a file without the columns, and broken quoting", () => {
    expect(parseImport("")).toEqual({ _tag: "Invalid", message: "The file is empty." })
    expect(parseImport("a,b\n1,2")).toMatchObject({
      _tag: "Invalid",
      message: expect.stringContaining("accountId")
    })
    expect(parseImport('accountId,phoneNumber\n"ACME,0223456789\n')).toMatchObject({
      _tag: "Invalid",
      message: expect.stringContaining("Not a readable CSV file")
    })
  })
})

describe("runImport", () => {
  it("keeps each account's rows in file order and answers in file order", async () => {
    const rows = [
      { line: 2, accountId: "A", phoneNumber: "1" },
      { line: 3, accountId: "B", phoneNumber: "2" },
      { line: 4, accountId: "A", phoneNumber: "3" },
      { line: 5, accountId: "A", phoneNumber: "" }
    ]
    // A's first row is answered only once B's row has started: B must not wait behind A, and A's
    // next row must not start before its first is answered.
    let bStarted = () => {}
    const bHasStarted = new Promise<void>((resolve) => {
      bStarted = resolve
    })
    const events: Array<string> = []
    const seen: Array<RowResult> = []
    const results = await runImport(
      rows,
      async (row) => {
        const name = `${row.accountId}${row.phoneNumber}`
        events.push(`start ${name}`)
        if (name === "B2") bStarted()
        if (name === "A1") await bHasStarted
        events.push(`end ${name}`)
        return { status: "ACTIVE" }
      },
      (result) => seen.push(result)
    )
    expect(events.filter((e) => e.endsWith("A1") || e.endsWith("A3"))).toEqual([
      "start A1",
      "end A1",
      "start A3",
      "end A3"
    ])
    expect(events.indexOf("start B2")).toBeLessThan(events.indexOf("end A1"))
    expect(results.map((r) => r.line)).toEqual([2, 3, 4, 5])
    expect(results[3]).toMatchObject({ ok: false, errorCode: "MissingValue" })
    expect(seen).toHaveLength(4)
    expect(reportCsv(results).split("\n")[0]).toBe(
      "\uFEFFline,accountId,phoneNumber,result,status,errorCode,errorMessage"
    )
  })

  it("sends nothing more once stopped, and says so for every row not sent", async () => {
    const controller = new AbortController()
    const sent: Array<number> = []
    const results = await runImport(
      [1, 2, 3].map((n) => ({ line: n + 1, accountId: "A", phoneNumber: String(n) })),
      async (row) => {
        sent.push(row.line)
        controller.abort()
        return { status: "ACTIVE" }
      },
      () => undefined,
      { signal: controller.signal }
    )
    expect(sent).toEqual([2])
    expect(results.map((r) => (r.ok ? "ok" : r.errorCode))).toEqual(["ok", "NotAttempted", "NotAttempted"])
    expect(reportCsv(results).split("\n")[2]).toBe(
      "3,A,2,not sent,,NotAttempted,the import was stopped before this row"
    )
  })
})
