/**
 * Accounts, an account's numbers and a number's details, driven by keys against a real server:
 * search, open, register a number (and see the server's refusal inline), filter by status, search by
 * number, and the audit timeline with its actor.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KEYS, renderConsole } from "./support/console.tsx"
import { type Registry, startRegistry } from "./support/registry.ts"

let registry: Registry
beforeAll(async () => {
  registry = await startRegistry()
  for (const accountId of ["BETA-SHOP", "GAMMA"])
    await registry.operator.openAccount({ body: { accountId, limit: 10 } })
  await registry.customer.registerNumber({ body: { phoneNumber: "0223456789" } })
  for (const phoneNumber of ["0312345678", "0327654321"])
    await registry.operator.registerSpecialNumber({
      params: { accountId: "BETA-SHOP" },
      body: { phoneNumber }
    })
})
afterAll(() => registry.close())

describe("accounts", () => {
  it("lists accounts with the numbers each holds, and narrows them with a search", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    const first = await ui.waitFor("GAMMA")
    expect(first).toMatch(/account\s+held\s+limit\s+state/u)
    expect(first).toMatch(/ACME\s+1\s+5\s+ok/u)
    expect(first).toMatch(/BETA-SHOP\s+2\s+10\s+ok/u)
    await ui.press("/")
    await ui.waitFor("Account id contains:")
    await ui.type("bet")
    await ui.press(KEYS.enter)
    // The searched list, not the empty one shown while it loads.
    const found = await ui.waitFor('Accounts matching "bet" · 1 of 1')
    expect(found).toContain("BETA-SHOP")
    expect(found).not.toContain("GAMMA")
    expect(found).not.toContain("ACME ")
    ui.unmount()
  })

  it("opens an account's numbers, filters by status and searches by number", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("GAMMA")
    await ui.press(KEYS.enter) // ACME, the first account
    const book = await ui.waitFor("0223456789")
    expect(book).toMatch(/ACME · 1 of limit 5/u)
    expect(book).toContain("PENDING")
    await ui.press("f", "f") // PENDING, then ACTIVE
    await ui.waitFor(/status: ACTIVE · 0 rows[\s\S]*No number matches\./u)
    await ui.press("f") // INACTIVE … back round to all
    for (let i = 0; i < 4; i++) await ui.press("f")
    await ui.waitFor("status: all · 1 of 1")
    await ui.press("/")
    await ui.waitFor("Number contains:")
    await ui.type("999")
    await ui.waitFor(/number contains 999 · 0 rows[\s\S]*No number matches\./u)
    await ui.press(KEYS.escape) // cancelling the search restores the list
    await ui.waitFor((f) => f.includes("0223456789") && !f.includes("number contains"))
    await ui.press(KEYS.escape) // and Esc again goes back to the accounts
    await ui.waitFor(/^Accounts · 1 of \d+/mu)
    ui.unmount()
  })

  it("registers a number for an account, and shows a refusal without leaving the screen", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("GAMMA")
    await ui.press(KEYS.down, KEYS.down) // GAMMA
    await ui.press(KEYS.enter)
    await ui.waitFor("This account holds no numbers.")
    await ui.press("n")
    await ui.waitFor("Register for GAMMA")
    await ui.type("0415551234")
    await ui.press(KEYS.enter)
    await ui.waitFor("Registered 0415551234: ACTIVE")
    await ui.waitFor((f) => f.includes("GAMMA · 1 of limit 10") && f.includes("OPERATOR"))
    await ui.press("n")
    await ui.waitFor("Register for GAMMA")
    await ui.type("12")
    await ui.press(KEYS.enter)
    const refused = await ui.waitFor(/✗ \w+: /u)
    expect(refused).toContain("0415551234") // still on the list
    ui.unmount()
  })

  it("keeps a book of 2,000 numbers to a screenful of rows, and reaches its end", async () => {
    await registry.operator.openAccount({ body: { accountId: "LARGE", limit: 2000 } })
    const key = await registry.operator.issueKey({ params: { accountId: "LARGE" }, body: {} })
    const { createClient } = await import("@senderid/client")
    const large = createClient({ baseUrl: registry.origin, apiKey: key.apiKey, apiSecret: key.apiSecret })
    for (let from = 0; from < 2000; from += 100)
      await large.registerNumbers({
        body: {
          numbers: Array.from({ length: 100 }, (_, i) => ({ phoneNumber: `010${20_000_000 + from + i}` }))
        }
      })
    await large.close()
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("LARGE")
    await ui.press("/")
    await ui.waitFor("Account id contains:")
    await ui.type("LARGE")
    await ui.press(KEYS.enter)
    await ui.waitFor('matching "LARGE" · 1 of 1')
    await ui.press(KEYS.enter)
    const top = await ui.waitFor("1 of 2000")
    expect(top.match(/^010\d{8} /gmu)?.length ?? 0).toBeLessThan(24)
    await ui.press("G")
    const bottom = await ui.waitFor("2000 of 2000")
    expect(bottom).toContain("01020001999")
    await ui.press("/")
    await ui.waitFor("Number contains:")
    await ui.type("1999")
    const found = await ui.waitFor("number contains 1999 · 1 of 1")
    expect(found).toContain("01020001999")
    ui.unmount()
  })

  it("reads the number again with r, so its details never contradict its timeline", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("GAMMA")
    await ui.press(KEYS.down, KEYS.enter) // BETA-SHOP
    await ui.waitFor("0312345678")
    await ui.press(KEYS.enter)
    await ui.waitFor("not suspended")
    await registry.operator.suspendNumber({
      params: { accountId: "BETA-SHOP", phoneNumber: "0312345678" },
      body: { reason: "reported for smishing" }
    })
    await ui.press("r")
    const after = await ui.waitFor("suspended since")
    expect(after).toContain("reported for smishing")
    expect(after).toMatch(/0312345678 · BETA-SHOP · INACTIVE/u)
    await ui.press(KEYS.escape)
    await ui.waitFor(/0312345678\s+SUSPENDED/u)
    ui.unmount()
  })

  it("sets an account's limit, suspends it with a reason and reinstates it", async () => {
    await registry.operator.openAccount({ body: { accountId: "DELTA", limit: 2 } })
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor(/^Accounts · 1 of \d+/mu)
    await ui.press("/")
    await ui.waitFor("Account id contains:")
    await ui.type("DELTA")
    await ui.press(KEYS.enter)
    await ui.waitFor((f) => f.includes('matching "DELTA" · 1 of 1') && /DELTA\s+0\s+2\s+ok/u.test(f))
    await ui.press("L")
    await ui.waitFor("New limit for DELTA (now 2)")
    await ui.press("\u0015") // Ctrl-U clears the field
    await ui.type("lots")
    await ui.press(KEYS.enter)
    await ui.waitFor("A limit is a whole number from 0 to 1,000,000.")
    await ui.press("\u0015")
    await ui.type("40")
    await ui.press(KEYS.enter)
    await ui.waitFor("DELTA may now hold 40 sender IDs.")
    await ui.waitFor(/DELTA\s+0\s+40\s+ok/u)
    await ui.press("S")
    await ui.waitFor("Suspend DELTA")
    await ui.press(KEYS.enter)
    await ui.waitFor("A reason is needed")
    await ui.type("unpaid invoices")
    await ui.press(KEYS.enter)
    await ui.waitFor(/DELTA\s+0\s+40\s+SUSPENDED unpaid/u)
    expect((await registry.operator.getAccount({ params: { accountId: "DELTA" } })).limit).toBe(40)
    await ui.press("S")
    await ui.waitFor("Reinstate DELTA (suspended: unpaid invoices)?")
    await ui.press(KEYS.enter)
    await ui.waitFor("Reinstated DELTA: its keys work again.")
    await ui.waitFor(/DELTA\s+0\s+40\s+ok/u)
    ui.unmount()
  })

  it("suspends a number and lifts the suspension", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("GAMMA")
    await ui.press("/")
    await ui.waitFor("Account id contains:")
    await ui.type("GAMMA")
    await ui.press(KEYS.enter)
    await ui.waitFor((f) => f.includes('matching "GAMMA" · 1 of 1') && /GAMMA\s+1\s+10\s/u.test(f))
    await ui.press(KEYS.enter)
    await ui.waitFor(/0415551234\s+ACTIVE/u)
    await ui.press("S")
    await ui.waitFor("Suspend 0415551234")
    // Shell editing keys: Ctrl-W deletes a word; other Ctrl keys type nothing.
    await ui.type("spam oops")
    await ui.press("\u0017", "\u0001", "\u0005")
    await ui.waitFor(/› spam \s/u)
    await ui.type("complaints")
    await ui.press(KEYS.enter)
    await ui.waitFor(/0415551234\s+SUSPENDED/u)
    await ui.press("S")
    await ui.waitFor("Lift the suspension of 0415551234 (spam complaints)?")
    expect(
      (await registry.operator.getAccount({ params: { accountId: "GAMMA" } })).senderIds[0]?.suspension
        ?.reason
    ).toBe("spam complaints")
    await ui.press(KEYS.enter)
    await ui.waitFor(/0415551234\s+INACTIVE/u)
    ui.unmount()
  })

  it("opens a new account, after checking its id and limit", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("GAMMA")
    await ui.press("c")
    await ui.waitFor("Open a new account. Its id")
    await ui.type("new co")
    await ui.press(KEYS.enter)
    await ui.waitFor("An account id is 1 to 64 letters")
    await ui.press("\u0015")
    await ui.type("NEW-CO")
    await ui.press(KEYS.enter)
    await ui.waitFor("Open NEW-CO: sender IDs it may hold")
    await ui.type("lots")
    await ui.press(KEYS.enter)
    await ui.waitFor("A limit is a whole number")
    await ui.press("\u0015")
    await ui.type("7")
    await ui.press(KEYS.enter)
    await ui.waitFor("Opened NEW-CO, limit 7.")
    await ui.waitFor(/matching "NEW-CO" · 1 of 1[\s\S]*NEW-CO\s+0\s+7\s+ok/u)
    expect((await registry.operator.getAccount({ params: { accountId: "NEW-CO" } })).limit).toBe(7)
    ui.unmount()
  })

  it("issues a key whose secret is shown once, and revokes it after asking", async () => {
    await registry.operator.openAccount({ body: { accountId: "KEYED", limit: 3 } })
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.press("/")
    await ui.type("KEYED")
    await ui.press(KEYS.enter)
    await ui.waitFor(/matching "KEYED" · 1 of 1[\s\S]*KEYED\s+0\s+3/u)
    await ui.press("K")
    await ui.waitFor("This account has no API keys (n issues one).")
    await ui.press("n")
    await ui.waitFor("Issue a key for KEYED. Scopes (read write, or read):")
    await ui.press(KEYS.enter)
    const shown = await ui.waitFor("copy the secret now")
    const [, apiKey = "", apiSecret = ""] = /key (NCS\w+) secret (\w+)/u.exec(shown) ?? []
    // The secret shown is the key's: it works.
    const { createClient } = await import("@senderid/client")
    const keyed = createClient({ baseUrl: registry.origin, apiKey, apiSecret })
    expect((await keyed.getBook()).accountId).toBe("KEYED")
    await ui.press(KEYS.enter)
    const listed = await ui.waitFor((f) => !f.includes("copy the secret now") && f.includes("1 in use"))
    expect(listed).not.toContain(apiSecret)
    expect(listed).toMatch(new RegExp(`${apiKey}\\s+read write\\s+\\d{4}-`, "u"))
    await ui.press("x")
    await ui.waitFor(`Revoke ${apiKey} of KEYED?`)
    await ui.press(KEYS.escape)
    await ui.waitFor((f) => !f.includes("Revoke "))
    expect((await keyed.getBook()).accountId).toBe("KEYED") // cancelled: still works
    await ui.press("x")
    await ui.waitFor(`Revoke ${apiKey} of KEYED?`)
    await ui.press(KEYS.enter)
    await ui.waitFor(`Revoked ${apiKey}.`)
    await ui.waitFor(/0 in use, 1 revoked[\s\S]*revoked \d{4}-/u)
    await expect(keyed.getBook()).rejects.toMatchObject({ errorCode: "InvalidAPIKey" })
    await keyed.close()
    ui.unmount()
  })

  it("shows a number's details and its audit timeline with the operator as actor", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("GAMMA")
    await ui.press(KEYS.down, KEYS.enter)
    await ui.waitFor("0327654321")
    await ui.press(KEYS.down, KEYS.enter)
    const detail = await ui.waitFor("Audit timeline (1)")
    expect(detail).toContain("verified by OPERATOR")
    expect(detail).toMatch(/operator alice/u)
    expect(detail).toMatch(/→ACTIVE|ACTIVE/u)
    ui.unmount()
  })

  it("says so when the number was deleted while its details were open; the trail stays", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("GAMMA")
    await ui.press(KEYS.enter) // ACME
    await ui.waitFor("0223456789")
    await ui.press(KEYS.enter)
    await ui.waitFor(/Audit timeline \(1\)/u)
    await registry.customer.deleteNumber({ params: { phoneNumber: "0223456789" } })
    await ui.press("r")
    await ui.waitFor("The account no longer holds this number (deleted); its audit trail remains.")
    await ui.waitFor(/Audit timeline \(2\)/u)
    ui.unmount()
  })
})
