/**
 * Webhook deliveries against a real server and real receivers: one that answers, one that is not
 * there. The screen lists both with their status, shows each attempt (the receiver's HTTP status,
 * or why there was none), and filters by status.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KEYS, renderConsole } from "./support/console.tsx"
import { type Registry, startRegistry } from "./support/registry.ts"

let registry: Registry
const receiver = createServer((request, response) => {
  request.resume()
  request.on("end", () => response.writeHead(204).end())
})
/** A port nothing listens on: taken, then released. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })

beforeAll(async () => {
  registry = await startRegistry()
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()))
  const up = (receiver.address() as AddressInfo).port
  const down = await closedPort()
  await registry.customer.registerWebhook({
    body: { url: `http://127.0.0.1:${up}/hooks`, events: ["senderid.registered"] }
  })
  await registry.customer.registerWebhook({
    body: { url: `http://127.0.0.1:${down}/hooks`, events: ["senderid.registered"] }
  })
  await registry.customer.registerNumber({ body: { phoneNumber: "0223456789" } })
  await registry.deliverWebhooks()
})
afterAll(async () => {
  await registry.close()
  receiver.close()
})

describe("webhook deliveries", () => {
  it("lists deliveries with their attempts, and filters by status", async () => {
    const ui = renderConsole(registry.operator, { initial: "deliveries" })
    const all = await ui.waitFor("status: all · 1 of 2")
    expect(all).toMatch(/DELIVERED\s+senderid\.registered\s+ACME/u)
    expect(all).toMatch(/PENDING\s+senderid\.registered\s+ACME/u)
    // Walk both rows: one attempt answered 204, the other could not connect and waits for a retry.
    const seen = [all]
    await ui.press(KEYS.down)
    seen.push(await ui.waitFor("2 of 2"))
    const attempts = seen.join("\n")
    expect(attempts).toMatch(/#1\s+\S+ \S+\s+\d+ ms\s+HTTP 204/u)
    expect(attempts).toMatch(/next attempt \d{4}-\d\d-\d\d/u)
    await ui.press("f", "f") // PENDING → DELIVERED
    const delivered = await ui.waitFor("status: DELIVERED · 1 of 1")
    expect(delivered).not.toMatch(/PENDING\s+senderid/u)
    await ui.press("f")
    await ui.waitFor("status: FAILED · 0 rows")
    ui.unmount()
  })
})
