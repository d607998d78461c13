/**
 * Bulk import from a CSV file against a real server: every row gets a result (registered, or the
 * server's reason), the progress reaches the total, and the report saved as CSV says the same.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KEYS, renderConsole } from "./support/console.tsx"
import { type Registry, startRegistry } from "./support/registry.ts"

let registry: Registry
const folder = mkdtempSync(join(tmpdir(), "senderid-tui-import-"))
beforeAll(async () => {
  registry = await startRegistry()
  await registry.operator.openAccount({ body: { accountId: "SHOP", limit: 3 } })
})
afterAll(() => registry.close())

describe("bulk import", () => {
  it("registers each row, reports each row, and saves the report", async () => {
    const csv = join(folder, "numbers.csv")
    writeFileSync(
      csv,
      [
        "phoneNumber,accountId,note",
        "0223456789,SHOP,head office",
        "02-3456-7890,SHOP,hyphens are fine",
        "12,SHOP,too short",
        "0312345678,NOBODY,no such account",
        ",SHOP,missing number",
        "0223456789,SHOP,again",
        "0412345678,SHOP,third",
        "0512345678,SHOP,over the limit"
      ].join("\n")
    )
    // Started from the folder the file is in: its bare name is enough, as in the operator's shell.
    const ui = renderConsole(registry.operator, { initial: "import", directory: folder })
    await ui.waitFor("Press o to choose a file")
    await ui.press("s")
    await ui.waitFor("There is no finished import")
    await ui.press("o")
    await ui.waitFor("CSV file:")
    await ui.type("numbers.csv")
    await ui.press(KEYS.enter)
    // Checked first: what would be skipped and why, and what the registry would refuse.
    const preview = await ui.waitFor(
      "Register 4 rows for 1 accounts, ACTIVE at once? The 4 listed are skipped."
    )
    // The notice wraps at the screen's width.
    expect(preview.replace(/\s+/gu, " ")).toContain(
      "8 rows: 4 to register for 1 account · 1 invalid number · 1 for an unknown account · 1 missing a value · 1 repeated · SHOP over its limit by 1"
    )
    expect(preview).toMatch(/4\s+SHOP\s+12\s+skipped InvalidPhoneNumber: /u)
    expect(preview).toMatch(/5\s+NOBODY\s+0312345678\s+skipped UnknownAccount: no account NOBODY/u)
    expect(preview).toMatch(/6\s+SHOP\s+skipped MissingValue/u)
    expect(preview).toMatch(
      /7\s+SHOP\s+0223456789\s+skipped RepeatedRow: the same number for the same account/u
    )
    // Nothing is registered before the operator says so.
    expect((await registry.operator.getAccount({ params: { accountId: "SHOP" } })).senderIds).toHaveLength(0)
    await ui.press(KEYS.enter)
    const done = await ui.waitFor("Done: 3 registered, 1 failed, 4 skipped")
    expect(done).toMatch(/done 4\/4 ✓3 ✗1 ⊘4 skipped \[█+\]/u)
    expect(done).toMatch(/2\s+SHOP\s+0223456789\s+registered ACTIVE/u)
    expect(done).toMatch(/4\s+SHOP\s+12\s+skipped InvalidPhoneNumber/u)
    await ui.press("s")
    await ui.waitFor("Save the report to:")
    await ui.press(KEYS.enter)
    await ui.waitFor("Saved the report of 8 rows")
    const saved = readFileSync(join(folder, "numbers.report.csv"), "utf8")
    expect(saved.startsWith("\uFEFFline,")).toBe(true) // for Excel on Korean Windows
    const report: Array<Record<string, string>> = parse(saved, {
      columns: true,
      bom: true
    })
    expect(report.map((r) => [r.line, r.result, r.errorCode])).toEqual([
      ["2", "registered", ""],
      ["3", "registered", ""],
      ["4", "skipped", "InvalidPhoneNumber"],
      ["5", "skipped", "UnknownAccount"],
      ["6", "skipped", "MissingValue"],
      ["7", "skipped", "RepeatedRow"],
      ["8", "registered", ""],
      ["9", "failed", report[7]?.errorCode]
    ])
    expect(report[7]?.errorCode).toMatch(/Limit/u)
    const book = await registry.operator.getAccount({ params: { accountId: "SHOP" } })
    expect(book.senderIds.map((s) => s.phoneNumber).sort()).toEqual([
      "0223456789",
      "0234567890",
      "0412345678"
    ])
    ui.unmount()
  })

  it("stops a running import when asked, and reports the rows it did not send", async () => {
    await registry.operator.openAccount({ body: { accountId: "BULK", limit: 5000 } })
    const csv = join(folder, "bulk.csv")
    writeFileSync(
      csv,
      ["accountId,phoneNumber", ...Array.from({ length: 3000 }, (_, i) => `BULK,010${30_000_000 + i}`)].join(
        "\n"
      )
    )
    const ui = renderConsole(registry.operator, { initial: "import" })
    await ui.press("o")
    await ui.waitFor("CSV file:")
    await ui.type(csv)
    await ui.press(KEYS.enter)
    await ui.waitFor("Register 3000 rows for 1 accounts, ACTIVE at once?")
    expect(ui.frame()).toContain("Every row passed the check.")
    await ui.press(KEYS.escape)
    await ui.waitFor("Nothing was imported.")
    await ui.press("o")
    await ui.waitFor("CSV file:")
    await ui.type(csv)
    await ui.press(KEYS.enter)
    await ui.waitFor("Register 3000 rows for 1 accounts")
    // The server holds the first row's request: the import is running for as long as the test
    // needs, however fast the machine (one account's rows go one at a time).
    const door = registry.holdRequests()
    await ui.press(KEYS.enter)
    await door.reached
    await ui.waitFor("running 0/3000")
    // Quitting mid-import asks first.
    await ui.press("q")
    await ui.waitFor("An import is running (3000 rows): quit anyway?")
    await ui.press(KEYS.escape)
    await ui.waitFor((f) => f.includes("running 0/3000") && !f.includes("quit anyway"))
    await ui.press("x")
    await ui.waitFor("Stopping: rows already sent finish, the others are not sent")
    door.release()
    // The row in flight finishes; none after it is sent.
    const stopped = await ui.waitFor("Stopped, 2999 rows not sent: 1 registered, 0 failed")
    expect(stopped).toMatch(/stopped 1\/3000 ✓1 ✗0 ·2999 not sent/u)
    const book = await registry.operator.getAccount({ params: { accountId: "BULK" } })
    expect(book.senderIds.map((s) => s.phoneNumber)).toEqual(["01030000000"])
    ui.unmount()
  })

  it("registers nothing from a file whose every row has a problem, and reports why", async () => {
    const csv = join(folder, "hopeless.csv")
    writeFileSync(csv, ["accountId,phoneNumber", "NOBODY,0223456789", "SHOP,0101234567"].join("\n"))
    const ui = renderConsole(registry.operator, { initial: "import", directory: folder })
    await ui.press("o")
    await ui.type("hopeless.csv")
    await ui.press(KEYS.enter)
    const refused = await ui.waitFor("Nothing to register; s saves the report.")
    expect(refused.replace(/\s+/gu, " ")).toContain(
      "2 rows: 0 to register for 0 accounts · 1 invalid number · 1 for an unknown account"
    )
    expect(refused).toMatch(/3\s+SHOP\s+0101234567\s+skipped InvalidPhoneNumber/u)
    expect(refused).not.toContain("ACTIVE at once?")
    await ui.press("s")
    await ui.press(KEYS.enter)
    await ui.waitFor("Saved the report of 2 rows")
    ui.unmount()
  })

  it("says what is wrong with a file it cannot use, without leaving the screen", async () => {
    const bad = join(folder, "bad.csv")
    writeFileSync(bad, "number,account\n0223456789,SHOP\n")
    const ui = renderConsole(registry.operator, { initial: "import" })
    await ui.press("o")
    await ui.waitFor("CSV file:")
    await ui.type(bad)
    await ui.press(KEYS.enter)
    await ui.waitFor("The first row must name the columns accountId and phoneNumber")
    await ui.press("o")
    await ui.waitFor("CSV file:")
    await ui.type(join(folder, "missing.csv"))
    await ui.press(KEYS.enter)
    await ui.waitFor(/Cannot read .*missing\.csv: ENOENT/u)
    expect(ui.frame()).toContain("Bulk import")
    ui.unmount()
  })
})
