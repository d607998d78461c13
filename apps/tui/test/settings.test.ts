/**
 * Where the console's settings come from (flags over environment over config file), and the
 * sentences it prints instead of starting: something missing, a broken config file, a server that
 * is not there, credentials it refuses, a key that is not an operator's.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { connect } from "../src/Connection.ts"
import { resolveSettings } from "../src/Settings.ts"
import { type Registry, startRegistry } from "./support/registry.ts"

const folder = mkdtempSync(join(tmpdir(), "senderid-tui-settings-"))
const configFile = (content: string) => {
  const path = join(folder, `ops-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(path, content)
  return path
}
/** No config file in the default place, whatever the machine has. */
const bare = { XDG_CONFIG_HOME: folder }

describe("settings", () => {
  it("takes flags over the environment over the config file, each setting on its own", async () => {
    const config = configFile(
      JSON.stringify({ url: "http://file:1", apiKey: "FILEKEY", apiSecret: "FILESECRET" })
    )
    const result = await resolveSettings(["--config", config, "--url", "http://flag:2/"], {
      ...bare,
      SENDERID_API_KEY: "ENVKEY"
    })
    expect(result).toEqual({
      _tag: "Ready",
      settings: { url: "http://flag:2", apiKey: "ENVKEY", apiSecret: "FILESECRET", colour: true }
    })
  })

  it("reads the default config file, and honours NO_COLOR and --no-color", async () => {
    const home = mkdtempSync(join(tmpdir(), "senderid-tui-home-"))
    const { mkdirSync } = await import("node:fs")
    mkdirSync(join(home, "senderid"))
    writeFileSync(
      join(home, "senderid", "ops.json"),
      JSON.stringify({ url: "http://x:3", apiKey: "K", apiSecret: "S" })
    )
    const fromFile = await resolveSettings([], { XDG_CONFIG_HOME: home, NO_COLOR: "1" })
    expect(fromFile).toMatchObject({ _tag: "Ready", settings: { url: "http://x:3", colour: false } })
    const flag = await resolveSettings(["--no-color"], { XDG_CONFIG_HOME: home })
    expect(flag).toMatchObject({ _tag: "Ready", settings: { colour: false } })
    const empty = await resolveSettings([], { XDG_CONFIG_HOME: home, NO_COLOR: "" })
    expect(empty).toMatchObject({ _tag: "Ready", settings: { colour: true } })
  })

  it("names what is missing, and how to give it", async () => {
    const result = await resolveSettings(["--url", "http://127.0.0.1:3000"], bare)
    expect(result._tag).toBe("Invalid")
    const message = result._tag === "Invalid" ? result.message : ""
    expect(message).toContain(
      'Missing an operator key (--key, SENDERID_API_KEY or "apiKey"), its secret (--secret'
    )
    expect(message).toContain("Usage: senderid-ops")
  })

  it("asks for a secret given nowhere, once the rest is there, and stops if none is given", async () => {
    const asked: Array<string> = []
    const ask = (answer: string | undefined) => ({
      askSecret: async (apiKey: string) => {
        asked.push(apiKey)
        return answer
      }
    })
    const flags = ["--url", "http://127.0.0.1:3000", "--key", "OPKEY"]
    expect(await resolveSettings(flags, bare, ask(" TYPED "))).toEqual({
      _tag: "Ready",
      settings: { url: "http://127.0.0.1:3000", apiKey: "OPKEY", apiSecret: "TYPED", colour: true }
    })
    expect(asked).toEqual(["OPKEY"])
    expect(await resolveSettings(flags, bare, ask(undefined))).toEqual({
      _tag: "Invalid",
      message: "No secret given: not connecting."
    })
    // Not asked when it is given, nor before the rest is.
    await resolveSettings(flags, { ...bare, SENDERID_API_SECRET: "ENV" }, ask("unused"))
    await resolveSettings(["--key", "OPKEY"], bare, ask("unused"))
    expect(asked).toEqual(["OPKEY", "OPKEY"])
    const empty = await resolveSettings(flags, bare, ask(""))
    expect(empty).toMatchObject({ _tag: "Invalid", message: expect.stringContaining("Missing its secret") })
  })

  it("refuses unknown flags, a broken config file and a URL that is not http", async () => {
    expect(await resolveSettings(["--colour"], bare)).toMatchObject({ _tag: "Invalid" })
    const broken = await resolveSettings(["--config", configFile("{ url: ")], bare)
    expect(broken).toMatchObject({ _tag: "Invalid", message: expect.stringContaining("is not valid JSON") })
    const missing = await resolveSettings(["--config", join(folder, "nope.json")], bare)
    expect(missing).toMatchObject({
      _tag: "Invalid",
      message: expect.stringContaining("Cannot read the config file")
    })
    const ftp = await resolveSettings(["--url", "ftp://x", "--key", "K", "--secret", "S"], bare)
    expect(ftp).toEqual({ _tag: "Invalid", message: "Not an http(s) URL: ftp://x" })
    const help = await resolveSettings(["--help"], bare)
    expect(help).toMatchObject({ _tag: "Help" })
    // It fits an 80-column terminal.
    for (const line of help._tag === "Help" ? help.text.split("\n") : [])
      expect(line.length).toBeLessThanOrEqual(80)
  })
})

describe("connecting", () => {
  let registry: Registry
  beforeAll(async () => {
    registry = await startRegistry()
  })
  afterAll(() => registry.close())
  const settings = (over: Partial<{ url: string; apiKey: string; apiSecret: string }>) => ({
    url: registry.origin,
    ...registry.operatorKey,
    colour: false,
    ...over
  })

  it("connects with an operator key", async () => {
    const connection = await connect(settings({}))
    expect(connection._tag).toBe("Connected")
    if (connection._tag === "Connected") await connection.client.close()
  })

  it("says the server cannot be reached", async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    const connection = await connect(settings({ url: `http://127.0.0.1:${port}` }))
    expect(connection).toMatchObject({ _tag: "Refused" })
    expect(connection._tag === "Refused" && connection.message).toMatch(
      new RegExp(
        `^Cannot reach the senderid server at http://127.0.0.1:${port} \\(connection refused\\)\\. Is it running\\?`,
        "u"
      )
    )
  })

  it("says the credentials were refused", async () => {
    const connection = await connect(settings({ apiSecret: "X".repeat(32) }))
    expect(connection._tag === "Refused" && connection.message).toMatch(/refused the credentials: \w+: /u)
  })

  it("says a web page is not the senderid API", async () => {
    const page = createServer((_, response) =>
      response
        .writeHead(404, { "content-type": "text/html" })
        .end("<!DOCTYPE html><html><body>Not Found</body></html>")
    )
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", () => resolve()))
    const { port } = page.address() as AddressInfo
    const connection = await connect(settings({ url: `http://127.0.0.1:${port}` }))
    expect(connection._tag === "Refused" && connection.message).toBe(
      `The server at http://127.0.0.1:${port} answered 404 with a web page, not the senderid API: is --url right?`
    )
    page.close()
  })

  it("writes what a server says as text, never as the control sequences it may carry", async () => {
    const hostile = createServer((_, response) =>
      response.writeHead(500, { "content-type": "application/json" }).end(
        JSON.stringify({
          errorCode: "Oops",
          errorMessage: "\u001B]8;;https://evil.example/\u001B\\click\u001B]8;;\u001B\\\u001B[2J"
        })
      )
    )
    await new Promise<void>((resolve) => hostile.listen(0, "127.0.0.1", () => resolve()))
    const { port } = hostile.address() as AddressInfo
    const connection = await connect(settings({ url: `http://127.0.0.1:${port}` }))
    const message = connection._tag === "Refused" ? connection.message : ""
    expect(message).toContain("answered 500 Oops: ␛]8;;https://evil.example/␛\\click")
    expect(message).not.toContain("\u001B")
    hostile.close()
  })

  it("says a customer's key is not an operator's", async () => {
    const customer = await registry.operator.issueKey({ params: { accountId: "ACME" }, body: {} })
    const connection = await connect(settings({ apiKey: customer.apiKey, apiSecret: customer.apiSecret }))
    expect(connection._tag === "Refused" && connection.message).toMatch(
      /^This key may not use the operator API/u
    )
  })
})
