/**
 * The dashboard and the expiring list against a real server whose verifications last 10 days:
 * counts by status and by review kind as bars, the weekly expiry chart, and the soonest lapses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KEYS, renderConsole } from "./support/console.tsx"
import { type Registry, requestHigherLimit, startRegistry, submitEvidence } from "./support/registry.ts"

let registry: Registry
beforeAll(async () => {
  registry = await startRegistry()
  await registry.operator.openAccount({ body: { accountId: "BETA", limit: 10 } })
  for (const phoneNumber of ["0312345678", "0327654321", "0415551234"])
    await registry.operator.registerSpecialNumber({ params: { accountId: "BETA" }, body: { phoneNumber } })
  await submitEvidence(registry, "0223456789")
  await requestHigherLimit(registry, 9)
  await registry.operator.suspendAccount({ params: { accountId: "BETA" }, body: { reason: "unpaid" } })
})
afterAll(() => registry.close())

const barOf = (frame: string, label: string) => new RegExp(`${label}\\s+(\\d+) ?(█*)`, "u").exec(frame)

describe("dashboard", () => {
  it("draws counts by status and by review kind as bars, and expiries week by week", async () => {
    const ui = renderConsole(registry.operator)
    const frame = await ui.waitFor("reviews waiting")
    expect(frame).toContain("2 accounts")
    expect(frame).toContain("(1 suspended)")
    expect(frame).toContain("4 sender IDs")
    expect(frame).toContain("2 reviews waiting")
    const active = barOf(frame, "ACTIVE")
    const pending = barOf(frame, "PENDING")
    expect(active?.[1]).toBe("3")
    expect(pending?.[1]).toBe("1")
    // Bars scale to the largest count: ACTIVE's is the longest, PENDING's about a third of it.
    expect(active?.[2]?.length ?? 0).toBeGreaterThan(pending?.[2]?.length ?? 0)
    expect(barOf(frame, "EXPIRED")?.[2]).toBe("")
    expect(barOf(frame, "evidence")?.[1]).toBe("1")
    expect(barOf(frame, "limit raise")?.[1]).toBe("1")
    // Verified today for 10 days: all three lapse in the second week from now.
    expect(barOf(frame, "this wk \\d\\d-\\d\\d")?.[1]).toBe("0")
    expect(barOf(frame, "\\+1 wk \\d\\d-\\d\\d")?.[1]).toBe("3")
    ui.unmount()
  })

  it("refreshes its figures with r", async () => {
    const ui = renderConsole(registry.operator)
    await ui.waitFor("4 sender IDs")
    await registry.operator.registerSpecialNumber({
      params: { accountId: "ACME" },
      body: { phoneNumber: "0512345678" }
    })
    await ui.press("r")
    await ui.waitFor("5 sender IDs")
    ui.unmount()
  })
})

describe("expiring soon", () => {
  it("lists the lapsing numbers soonest first and looks nearer or further ahead", async () => {
    const ui = renderConsole(registry.operator, { initial: "expiring" })
    const within30 = await ui.waitFor("Expiring within 30 days · 1 of 4")
    expect(within30).toMatch(/BETA\s+0312345678\s+ACTIVE/u)
    expect(within30).toMatch(/\b(9|10)d\b/u)
    await ui.press("-")
    await ui.waitFor("Expiring within 14 days · 1 of 4")
    await ui.press("-")
    await ui.waitFor("Nothing lapses within 7 days.")
    await ui.press("+", "+", "+")
    await ui.waitFor("Expiring within 60 days · 1 of 4")
    await ui.press(KEYS.enter)
    await ui.waitFor(/0312345678 · BETA · ACTIVE[\s\S]*Audit timeline \(1\)/u)
    await ui.press("4") // the screen's own key: back to its first view
    await ui.waitFor("Expiring within 60 days · 1 of 4")
    ui.unmount()
  })
})
