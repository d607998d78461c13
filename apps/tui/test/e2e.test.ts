/**
 * End to end: the built `senderid-ops` (dist/bin.js) in a real 80×24 terminal (tmux), against the
 * real API started as `pnpm start` starts it (SQLite file, real port), driven by keys: the
 * dashboard, approving evidence, an account's numbers and a number's audit timeline, the help,
 * quitting cleanly; and the one-line refusals for wrong credentials and an absent server.
 */
import { existsSync, mkdtempSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createClient } from "@senderid/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ApiServer, startApiServer } from "./support/apiServer.ts"
import { PNG } from "./support/registry.ts"
import { hasTmux, openTerminal, type Terminal } from "./support/tmux.ts"

/** A port nothing listens on: taken, then released. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })

const BIN = join(import.meta.dirname, "..", "dist", "bin.js")
// CI installs tmux (.ci/run); without it this test must fail there, not pass by skipping.
const runnable = hasTmux() || process.env.CI !== undefined

let api: ApiServer
const terminals: Array<Terminal> = []
// Settings come from the flags alone: no environment, no config file this machine may have.
const noConfig = mkdtempSync(join(tmpdir(), "senderid-tui-e2e-config-"))
const consoleFor = (...flags: ReadonlyArray<string>) => {
  const terminal = openTerminal([
    "env",
    "-u",
    "NO_COLOR",
    "-u",
    "SENDERID_API_SECRET",
    "-u",
    "SENDERID_OPS_CONFIG",
    `XDG_CONFIG_HOME=${noConfig}`,
    process.execPath,
    BIN,
    ...flags
  ])
  terminals.push(terminal)
  return terminal
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: the test script builds it first (pnpm test)`)
  api = await startApiServer()
  const operator = createClient({ baseUrl: api.origin, ...api.operator })
  const customer = createClient({ baseUrl: api.origin, ...api.customer })
  await operator.openAccount({ body: { accountId: "SHOP", limit: 10 } })
  for (const phoneNumber of ["0312345678", "0327654321"])
    await operator.registerSpecialNumber({ params: { accountId: "SHOP" }, body: { phoneNumber } })
  const evidence = await customer.uploadDocument({
    body: { file: PNG, category: "SENDERID_APPROVAL", name: "licence.png" }
  })
  await customer.registerNumber({ body: { phoneNumber: "0223456789", documents: [evidence.documentId] } })
  await Promise.all([operator.close(), customer.close()])
})
afterAll(async () => {
  for (const terminal of terminals) terminal.kill()
  await api?.stop()
})

describe.runIf(runnable)("senderid-ops in a terminal", () => {
  it("runs the operator's day at 80×24: dashboard, review, numbers, audit, help, quit", async () => {
    const ops = consoleFor(
      "--url",
      api.origin,
      "--key",
      api.operator.apiKey,
      "--secret",
      api.operator.apiSecret
    )
    await ops.waitFor("review waiting")
    const dashboard = ops.screen()
    expect(dashboard).toContain("2 accounts · 3 sender IDs · 1 review waiting")
    const rows = dashboard.split("\n")
    expect(rows[1]).toContain("1 Dashboard")
    expect(Math.max(...rows.map((r) => r.length))).toBeLessThanOrEqual(80)

    ops.send("2")
    await ops.waitFor("licence.png")
    ops.send("a")
    await ops.waitFor("Note (optional):")
    ops.type("checked against the registry")
    await ops.waitFor("› checked against the registry")
    ops.send("Enter")
    await ops.waitFor("Approved evidence of DEMO 0223456789")

    ops.send("3")
    await ops.waitFor(/account\s+held\s+limit\s+state[\s\S]*SHOP/u)
    ops.send("Enter") // DEMO is first
    await ops.waitFor(/0223456789\s+ACTIVE\s+DOCUMENT/u)
    ops.send("Enter")
    const detail = await ops.waitFor(/Audit timeline \(\d+\)/u)
    expect(detail).toMatch(/operator operator\s+PENDING→ACTIVE/u)
    ops.send("Escape")
    await ops.waitFor(/number\s+status\s+method/u)
    ops.send("Escape")
    await ops.waitFor(/account\s+held\s+limit\s+state/u)

    ops.send("?")
    await ops.waitFor("Keys (? or Esc closes)")
    ops.send("Escape")
    // A key right after Esc would arrive as Alt+key: like a person, the test sees the overlay
    // close (the console has read the Esc) before the next key.
    await ops.waitFor(
      (s) => /account\s+held\s+limit\s+state/u.test(s) && !s.includes("Keys (? or Esc closes)")
    )
    ops.send("q")
    expect(await ops.exited()).toBe(0)
  })

  it("asks for a secret given nowhere without echoing it, and starts with it", async () => {
    const ops = consoleFor("--url", api.origin, "--key", api.operator.apiKey)
    await ops.waitFor(`Secret of the operator key ${api.operator.apiKey}: `)
    ops.type(api.operator.apiSecret)
    ops.send("Enter")
    await ops.waitFor("review")
    // Neither the screen nor what scrolled above it ever showed the secret.
    expect(ops.transcript()).not.toContain(api.operator.apiSecret)
    ops.send("q")
    expect(await ops.exited()).toBe(0)
    expect(ops.transcript()).not.toContain(api.operator.apiSecret)
  })

  it("refuses wrong credentials and an absent server in one sentence, not a stack trace", async () => {
    // Each prints its sentence as it exits: read what it printed (the transcript: a long line may
    // have scrolled above the screen) once it has exited.
    const wrong = consoleFor("--url", api.origin, "--key", api.operator.apiKey, "--secret", "X".repeat(32))
    expect(await wrong.exited()).toBe(1)
    const refused = wrong.transcript()
    expect(refused).toContain("refused the credentials")
    expect(refused).toContain("SignatureDoesNotMatch")
    expect(refused).not.toMatch(/\s+at \S+ \(/u)
    const port = await closedPort()
    const absent = consoleFor("--url", `http://127.0.0.1:${port}`, "--key", "K", "--secret", "S")
    expect(await absent.exited()).toBe(1)
    expect(absent.transcript()).toContain(
      `Cannot reach the senderid server at http://127.0.0.1:${port} (connection refused)`
    )
  })
})
