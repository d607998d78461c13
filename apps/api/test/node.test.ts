/**
 * `pnpm start` as an operator meets it: a real process on a real socket over a SQLite file (or
 * PostgreSQL), first-start keys and a curl line that works, JSON logs, body limits a socket can show,
 * concurrent registrations, and a SIGTERM that lets an in-flight request finish and keeps its
 * signature refused after the restart.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { request as httpRequest } from "node:http"
import { join } from "node:path"
import { Signature } from "@senderid/server"
import { Effect } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import { type RunningServer, shell, startServer, tempDataDirectory } from "./support/server.ts"

interface Key {
  readonly apiKey: string
  readonly secret: string
}

const firstStartKeys = (lines: ReadonlyArray<string>) => {
  const keyLine = (label: string): Key => {
    const line = lines.find((l) => l.trimStart().startsWith(label)) ?? ""
    const [, apiKey = "", secret = ""] = /(NCS[0-9A-Z]{13})\s+secret\s+([0-9A-Z]{32})/u.exec(line) ?? []
    return { apiKey, secret }
  }
  return { customer: keyLine("customer key"), operator: keyLine("operator key") }
}

const send = async (
  server: RunningServer,
  key: Key,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
) => {
  const authorization = await Effect.runPromise(Signature.sign({ apiKey: key.apiKey, apiSecret: key.secret }))
  return fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
}

describe("pnpm start on a SQLite file", () => {
  const dataDirectory = tempDataDirectory()
  let server: RunningServer
  let keys: { customer: Key; operator: Key }

  afterAll(async () => {
    await server?.stop("SIGKILL")
  })

  it("creates a demo account and two keys on first start and prints a curl line that works", async () => {
    server = await startServer({ dataDirectory })
    keys = firstStartKeys(server.lines)
    assert.match(keys.customer.apiKey, /^NCS/u)
    assert.match(keys.operator.apiKey, /^NCS/u)
    const curl = server.lines.find((l) => l.includes("curl -s"))?.trim() ?? ""
    const book = JSON.parse(shell(curl)) as { accountId: string; limit: number; senderIds: unknown[] }
    assert.strictEqual(book.accountId, "DEMO")
    assert.deepStrictEqual(book.senderIds, [])
  })

  it("logs one JSON line per request with its request id, and never a secret", async () => {
    const response = await send(server, keys.customer, "GET", "/senderid/v1/numbers/active")
    const requestId = response.headers.get("x-request-id")
    assert.isNotNull(requestId)
    await response.text()
    // The line is written once the answer has gone out, so it may reach us just after the answer.
    const line = await server.waitForLine(
      (l) => l.startsWith("{") && (JSON.parse(l) as { requestId?: unknown }).requestId === requestId
    )
    assert.deepInclude(JSON.parse(line), { method: "GET", path: "/senderid/v1/numbers/active", status: 200 })
    const afterBanner = server.lines.slice(server.lines.findIndex((l) => l.includes("senderid listening")))
    assert.isFalse(
      afterBanner.some((l) => l.includes(keys.customer.secret) || l.includes(keys.operator.secret))
    )
  })

  it("writes every line in one JSON shape, Effect's logs and events included, with ISO 8601 times", async () => {
    const registered = await send(server, keys.customer, "POST", "/senderid/v1/numbers", {
      phoneNumber: "0223456789"
    })
    assert.strictEqual(registered.status, 200, await registered.clone().text())
    const call = await send(
      server,
      keys.customer,
      "PUT",
      "/senderid/v1/numbers/0223456789/authenticate",
      undefined,
      {
        "x-mfa-data": JSON.stringify({ authType: "ARS", extras: { phoneNumber: "0223456789" } })
      }
    )
    assert.strictEqual(call.status, 403, await call.clone().text())
    // Written by Effect's logger: the development provider's call, and the relayed registration event.
    const arsLine = await server.waitForLine((l) => l.includes('"development ARS call placed"'))
    const eventLine = await server.waitForLine(
      (l) => l.includes('"registry event"') && l.includes('"senderid.registered"')
    )
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/u
    const json = server.lines
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.includeMembers(
      json.map((line) => line.message),
      ["senderid listening", "request", "development ARS call placed", "registry event"]
    )
    for (const line of json) {
      assert.match(String(line.time), iso, JSON.stringify(line))
      assert.include(["debug", "info", "warn", "error"], line.level, JSON.stringify(line))
      assert.isString(line.message)
      for (const effectKey of ["timestamp", "annotations", "fiberId", "spans"])
        assert.notProperty(line, effectKey)
    }
    assert.strictEqual((JSON.parse(arsLine) as { phoneNumber: string }).phoneNumber, "0223456789")
    const event = (JSON.parse(eventLine) as { event: { occurredAt: unknown; accountId: string } }).event
    assert.match(String(event.occurredAt), iso)
    assert.strictEqual(event.accountId, "DEMO")
    // Leave the demo account's limit whole for the race below.
    const removed = await send(server, keys.customer, "DELETE", "/senderid/v1/numbers/0223456789")
    assert.strictEqual(removed.status, 200, await removed.clone().text())
  })

  it("says the port is taken, without a stack trace, when another server holds it", () => {
    const port = new URL(server.origin).port
    const env: Record<string, string | undefined> = {
      ...process.env,
      PORT: port,
      SENDERID_DATA_DIR: tempDataDirectory(),
      INIT_CWD: undefined
    }
    delete env.DATABASE_URL
    const second = spawnSync(process.execPath, ["start.js", "node"], {
      cwd: join(import.meta.dirname, ".."),
      env,
      encoding: "utf8",
      timeout: 30_000
    })
    assert.strictEqual(second.status, 1, second.stderr)
    assert.match(second.stderr, /cannot listen: .*already in use/u)
    assert.notMatch(second.stderr, /at .*\.(ts|js):\d+/u)
  })

  it("lets the first-start operator key, and only it, into the operator API", async () => {
    const curl = server.lines.find((l) => l.includes("curl -s") && l.includes("/operator/v1/reviews"))?.trim()
    assert.deepStrictEqual(JSON.parse(shell(curl ?? "false")), { reviews: [], nextKey: null })
    const queue = await send(server, keys.operator, "GET", "/operator/v1/reviews")
    assert.strictEqual(queue.status, 200)
    assert.deepStrictEqual(await queue.json(), { reviews: [], nextKey: null })
    const demo = await send(server, keys.operator, "GET", "/operator/v1/accounts/DEMO")
    assert.strictEqual(((await demo.json()) as { accountId: string }).accountId, "DEMO")
    const customer = await send(server, keys.customer, "GET", "/operator/v1/reviews")
    assert.strictEqual(customer.status, 403)
    assert.strictEqual(((await customer.json()) as { errorCode: string }).errorCode, "Forbidden")
  })

  it("refuses an oversize chunked body with 413 in SOLAPI's shape, without reading it all", async () => {
    const authorization = await Effect.runPromise(
      Signature.sign({ apiKey: keys.customer.apiKey, apiSecret: keys.customer.secret })
    )
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${server.origin}/senderid/v1/numbers`)
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { authorization, "content-type": "application/json", "transfer-encoding": "chunked" }
        },
        (res) => {
          let text = ""
          res.on("data", (c: Buffer) => {
            text += c.toString()
          })
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }))
        }
      )
      req.on("error", reject)
      const chunk = `{"phoneNumber":"0212345678","pad":"${"x".repeat(16 * 1024)}`
      for (let i = 0; i < 8; i++) req.write(chunk)
      req.end('"}')
    })
    assert.strictEqual(status, 413)
    assert.strictEqual((JSON.parse(body) as { errorCode: string }).errorCode, "PayloadTooLarge")
  })

  it("registers exactly up to the limit when 40 signed requests race", async () => {
    const numbers = Array.from({ length: 40 }, (_, i) => `0703${String(1_000_000 + i).padStart(7, "0")}`)
    const responses = await Promise.all(
      numbers.map((phoneNumber) =>
        send(server, keys.customer, "POST", "/senderid/v1/numbers", { phoneNumber })
      )
    )
    const codes = await Promise.all(
      responses.map(async (r) =>
        r.status === 200 ? "OK" : ((await r.json()) as { errorCode: string }).errorCode
      )
    )
    assert.strictEqual(codes.filter((c) => c === "OK").length, 5)
    assert.strictEqual(codes.filter((c) => c === "LimitExceeded").length, 35)
    const book = (await (await send(server, keys.customer, "GET", "/senderid/v1/numbers")).json()) as {
      senderIds: unknown[]
    }
    assert.strictEqual(book.senderIds.length, 5)
  })

  it("accepts exactly one of 100 concurrent replays of one signed request", async () => {
    const authorization = await Effect.runPromise(
      Signature.sign({ apiKey: keys.customer.apiKey, apiSecret: keys.customer.secret })
    )
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetch(`${server.origin}/senderid/v1/numbers/active`, { headers: { authorization } })
      )
    )
    const codes = await Promise.all(
      responses.map(async (r) =>
        r.status === 200 ? "OK" : ((await r.json()) as { errorCode: string }).errorCode
      )
    )
    assert.strictEqual(codes.filter((c) => c === "OK").length, 1)
    assert.strictEqual(codes.filter((c) => c === "DuplicatedSignature").length, 99)
  })

  it("finishes an in-flight request on SIGTERM, exits 0, and keeps its data for the next start", async () => {
    const authorization = await Effect.runPromise(
      Signature.sign({ apiKey: keys.customer.apiKey, apiSecret: keys.customer.secret })
    )
    // The book is full (limit 5, and which 5 of the racing 40 won is the race's): delete one of
    // its numbers to make room, then start a registration whose body arrives after SIGTERM.
    const full = (await (await send(server, keys.customer, "GET", "/senderid/v1/numbers")).json()) as {
      senderIds: Array<{ phoneNumber: string }>
    }
    assert.strictEqual(full.senderIds.length, 5)
    const deleted = await send(
      server,
      keys.customer,
      "DELETE",
      `/senderid/v1/numbers/${full.senderIds[0]?.phoneNumber}`
    )
    assert.strictEqual(deleted.status, 200, await deleted.text())
    const body = JSON.stringify({ phoneNumber: "02-3456-7890" })
    const url = new URL(`${server.origin}/senderid/v1/numbers`)
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            authorization,
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            // The server answers "100 Continue" once it has read the head: the event that says the
            // request is in flight.
            expect: "100-continue"
          }
        },
        (res) => {
          let text = ""
          res.on("data", (c: Buffer) => {
            text += c.toString()
          })
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }))
        }
      )
      req.on("error", reject)
      req.once("continue", () => {
        req.write(body.slice(0, 10))
        // SIGTERM arrives mid-body; the rest of the body once the server says it is stopping.
        server.process.kill("SIGTERM")
        server
          .waitForLine((l) => l.includes('"senderid stopping"'))
          .then(() => req.end(body.slice(10)), reject)
      })
    })
    const { status, text } = await answered
    assert.strictEqual(status, 200, text)
    assert.strictEqual(await server.exited, 0)
    assert.isTrue(server.lines.some((l) => l.includes('"senderid stopped"')))

    server = await startServer({ dataDirectory })
    assert.isFalse(
      server.lines.some((l) => l.includes("first start")),
      "keys are created only once"
    )
    const book = (await (await send(server, keys.customer, "GET", "/senderid/v1/numbers")).json()) as {
      senderIds: Array<{ phoneNumber: string }>
    }
    assert.include(
      book.senderIds.map((s) => s.phoneNumber),
      "0234567890"
    )
    // The signature the last request used was written to the journal on the way down: a replay
    // after the restart is still refused.
    const replayed = await fetch(`${server.origin}/senderid/v1/numbers`, { headers: { authorization } })
    assert.strictEqual(replayed.status, 403)
    assert.strictEqual(((await replayed.json()) as { errorCode: string }).errorCode, "DuplicatedSignature")
  })
})

describe("pnpm start with DATABASE_URL", () => {
  const admin = "postgres://postgres@127.0.0.1:5432/test"
  const name = `senderid_api_${Date.now().toString(36)}`
  const psql = (url: string, sql: string) =>
    execFileSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], { encoding: "utf8" }).trim()
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${name}`
  let server: RunningServer | undefined

  afterAll(async () => {
    await server?.stop("SIGKILL")
    psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })

  it("keeps the registry and the keys in PostgreSQL", async () => {
    psql(admin, `CREATE DATABASE ${name}`)
    server = await startServer({ env: { DATABASE_URL: databaseUrl } })
    assert.isTrue(server.lines.some((l) => l.includes('"storage":"postgresql"')))
    const { customer } = firstStartKeys(server.lines)
    const response = await send(server, customer, "POST", "/senderid/v1/numbers", {
      phoneNumber: "010-2345-6789"
    })
    assert.strictEqual(response.status, 200)
    assert.strictEqual(psql(databaseUrl, "SELECT count(*) FROM api_keys"), "2")
    assert.strictEqual(psql(databaseUrl, "SELECT phone_number FROM sender_ids"), "01023456789")
  })
})

describe("pnpm keys", () => {
  const dataDirectory = tempDataDirectory()
  const keys = (...args: Array<string>) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      SENDERID_DATA_DIR: dataDirectory,
      INIT_CWD: dataDirectory
    }
    delete env.DATABASE_URL
    return spawnSync(process.execPath, ["start.js", "keys", ...args], {
      cwd: join(import.meta.dirname, ".."),
      env,
      encoding: "utf8"
    })
  }
  let server: RunningServer | undefined

  afterAll(async () => {
    await server?.stop("SIGKILL")
  })

  it("creates a customer key the server accepts, lists it without its secret, and revokes it", async () => {
    const created = keys("create", "--account", "ACME")
    assert.strictEqual(created.status, 0, created.stderr)
    const apiKey = /apiKey\s+(NCS[0-9A-Z]{13})/u.exec(created.stdout)?.[1] ?? ""
    const secret = /secret\s+([0-9A-Z]{32})/u.exec(created.stdout)?.[1] ?? ""
    const key = { apiKey, secret }

    const listed = keys("list")
    assert.include(listed.stdout, apiKey)
    assert.notInclude(listed.stdout, secret)

    server = await startServer({ dataDirectory })
    const book = await send(server, key, "GET", "/senderid/v1/numbers")
    assert.strictEqual(book.status, 200)
    assert.strictEqual(((await book.json()) as { accountId: string }).accountId, "ACME")
    await server.stop()

    assert.strictEqual(keys("revoke", apiKey).status, 0)
    server = await startServer({ dataDirectory })
    const refused = await send(server, key, "GET", "/senderid/v1/numbers")
    assert.strictEqual(refused.status, 403)
    assert.strictEqual(((await refused.json()) as { errorCode: string }).errorCode, "InvalidAPIKey")
  })

  it("creates a read-only operator key when asked", () => {
    const created = keys("create", "--operator", "auditor", "--read-only")
    assert.strictEqual(created.status, 0, created.stderr)
    assert.match(created.stdout, /^scopes\s+operator:read$/mu)
  })

  it("creates a service key that asks about any account's numbers and reaches nothing else", async () => {
    const created = keys("create", "--service", "message-sender")
    assert.strictEqual(created.status, 0, created.stderr)
    assert.match(created.stdout, /^scopes\s+sender:eligibility$/mu)
    const apiKey = /apiKey\s+(NCS[0-9A-Z]{13})/u.exec(created.stdout)?.[1] ?? ""
    const secret = /secret\s+([0-9A-Z]{32})/u.exec(created.stdout)?.[1] ?? ""
    assert.match(keys("list").stdout, new RegExp(`${apiKey}\\s+service:message-sender`, "u"))

    server = await startServer({ dataDirectory })
    const asked = await send(
      server,
      { apiKey, secret },
      "GET",
      "/senderid/v1/eligibility/01023456789?accountId=ACME"
    )
    assert.strictEqual(asked.status, 200)
    assert.strictEqual(((await asked.json()) as { reason: string }).reason, "NOT_REGISTERED")
    const book = await send(server, { apiKey, secret }, "GET", "/senderid/v1/numbers")
    assert.strictEqual(book.status, 403)
    await server.stop()
  })

  it("answers a mistaken command with its usage and a failing status, not a stack trace", () => {
    const wrong = keys("create")
    assert.strictEqual(wrong.status, 2)
    assert.include(wrong.stdout, "usage:")
    // One owner per key, and a service key has no read-only variant.
    assert.strictEqual(keys("create", "--account", "ACME", "--service", "message-sender").status, 2)
    assert.strictEqual(keys("create", "--service", "message-sender", "--read-only").status, 2)
    const unknown = keys("revoke", "NCSNOSUCHKEY0000")
    assert.strictEqual(unknown.status, 1)
    assert.match(unknown.stderr, /ApiKeyNotFound/u)
    assert.notMatch(unknown.stderr, /at .*\.ts:\d+/u)
  })
})
