/**
 * The console as a whole: moving between screens, the help overlay (generated from the keymap),
 * NO_COLOR, and staying up — with every screen saying so inline — when the server goes away or
 * answers nonsense.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { createClient } from "@senderid/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bindingsOf, keyLabel, SCREEN_SCOPES } from "../src/keymap.ts"
import { KEYS, renderConsole } from "./support/console.tsx"
import { type Registry, startRegistry } from "./support/registry.ts"

/** The accounts screen's title line (the tab bar names every screen on every frame). */
const ACCOUNTS = /^Accounts · /mu

let registry: Registry
beforeAll(async () => {
  registry = await startRegistry()
})
afterAll(() => registry.close())

describe("the console", () => {
  it("moves between screens by number, Tab and Shift-Tab", async () => {
    const ui = renderConsole(registry.operator)
    await ui.waitFor("reviews waiting")
    await ui.press("2")
    await ui.waitFor("Review queue")
    await ui.press(KEYS.tab)
    await ui.waitFor(ACCOUNTS)
    await ui.press("\u001B[Z") // Shift-Tab
    await ui.waitFor("Review queue")
    await ui.press("5")
    await ui.waitFor("Webhook deliveries")
    await ui.press("6")
    await ui.waitFor("Bulk import")
    await ui.press(KEYS.tab)
    await ui.waitFor("reviews waiting") // round to the dashboard
    // Keys typed faster than they are read arrive together, and still count one by one.
    await ui.press("25")
    await ui.waitFor("Webhook deliveries")
    ui.unmount()
  })

  it("keeps each screen as it was left when another is opened for the first time", async () => {
    await registry.operator.openAccount({ body: { accountId: "KEEP-ME", limit: 1 } })
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor("KEEP-ME")
    await ui.press("/")
    await ui.waitFor("Account id contains:")
    await ui.type("keep")
    await ui.press(KEYS.enter)
    await ui.waitFor('Accounts matching "keep" · 1 of 1')
    // Reviews comes before Accounts in the tab order: opening it first must not remount Accounts.
    await ui.press("2")
    await ui.waitFor("Review queue")
    await ui.press("3")
    await ui.waitFor('Accounts matching "keep" · 1 of 1')
    ui.unmount()
  })

  it("keeps a long answer on one line with its end in view", async () => {
    const ui = renderConsole(registry.operator, { initial: "accounts" })
    await ui.waitFor(ACCOUNTS)
    await ui.press("/")
    await ui.waitFor("Account id contains:")
    await ui.type(`${"x".repeat(130)}THE-END`)
    const frame = await ui.waitFor("THE-END")
    expect(frame).toMatch(/› x+THE-END/u)
    ui.unmount()
  })

  it("shows every key of the screen, the lists and everywhere in the help overlay", async () => {
    const ui = renderConsole(registry.operator, { initial: "reviews" })
    await ui.waitFor("Review queue")
    await ui.press("?")
    const help = await ui.waitFor("Keys (? or Esc closes)")
    for (const binding of bindingsOf([...(SCREEN_SCOPES.reviews ?? []), "prompt", "global"])) {
      expect(help).toContain(binding.description)
      expect(help).toContain(binding.keys.map(keyLabel).join(" "))
    }
    // While the overlay is open, keys do not reach the screen underneath (Ink has handled the key
    // and drawn its frame when press returns).
    await ui.press("3")
    expect(ui.frame()).toContain("Keys (? or Esc closes)")
    expect(ui.frame()).toContain("Review queue")
    await ui.press(KEYS.escape)
    await ui.waitFor((f) => f.includes("Review queue") && !f.includes("Keys (?"))
    ui.unmount()
  })

  it("uses no colour when asked (NO_COLOR), and colour otherwise", async () => {
    const colourful = renderConsole(registry.operator, { colour: true })
    const plain = renderConsole(registry.operator, { colour: false })
    for (const ui of [colourful, plain]) {
      await ui.waitFor("reviews waiting")
      await ui.press("?") // section titles are coloured
      await ui.waitFor("Keys (? or Esc closes)")
    }
    // An SGR foreground colour: ESC [ 30–37, 90–97 or 38;… m. Bold, dim and inverse are not colours.
    const colourCode = new RegExp(`${String.fromCharCode(27)}\\[(3[0-7]|9[0-7]|38;)`, "u")
    expect(colourful.lastFrame()).toMatch(colourCode)
    expect(plain.lastFrame()).not.toMatch(colourCode)
    colourful.unmount()
    plain.unmount()
  })

  it("stays up when the server goes away, saying so on every screen", async () => {
    const gone = await startRegistry()
    const client = createClient({ baseUrl: gone.origin, ...gone.operatorKey, retry: false })
    const ui = renderConsole(client)
    await ui.waitFor("reviews waiting")
    await gone.close()
    // Each screen's own answer: its title, and the failure under it.
    const screens = [
      ["r", /0 reviews waiting/u],
      ["2", /^Review queue · /mu],
      ["3", ACCOUNTS],
      ["4", /^Expiring within /mu],
      ["5", /^Webhook deliveries · /mu]
    ] as const
    for (const [key, title] of screens) {
      await ui.press(key)
      await ui.waitFor((f) => title.test(f) && f.includes("✗ The server cannot be reached"))
    }
    await ui.press("?")
    await ui.waitFor("Keys (? or Esc closes)")
    await client.close()
    ui.unmount()
  })

  it("shows an answer it cannot understand inline, instead of failing", async () => {
    const nonsense = createServer((_, response) =>
      response.writeHead(200, { "content-type": "application/json" }).end('{"accounts":"lots"}')
    )
    await new Promise<void>((resolve) => nonsense.listen(0, "127.0.0.1", () => resolve()))
    const { port } = nonsense.address() as AddressInfo
    const client = createClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: "K",
      apiSecret: "S",
      retry: false
    })
    const ui = renderConsole(client, { initial: "accounts" })
    const misunderstood = "✗ The server's answer was not understood (200)"
    await ui.waitFor((f) => ACCOUNTS.test(f) && f.includes(misunderstood))
    await ui.press("1")
    await ui.waitFor((f) => !ACCOUNTS.test(f) && f.includes(misunderstood))
    await client.close()
    nonsense.close()
    ui.unmount()
  })
})
