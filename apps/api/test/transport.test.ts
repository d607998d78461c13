/**
 * Every client of `pnpm start` gets an answer, over real sockets to the real process: rate limits
 * that refuse before anything is written and count failed authentications per client address,
 * connection timeouts and a connection cap, oversize bodies answered with a 413 the client reads,
 * and a SIGTERM that answers every request that has reached the server.
 */
import { Agent, request as httpRequest } from "node:http"
import { connect, type Socket } from "node:net"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { Signature } from "@senderid/server"
import { Effect } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import { firstStartKeys, type RunningServer, startServer } from "./support/server.ts"

interface Key {
  readonly apiKey: string
  readonly secret: string
}

const sign = (key: Key) => Effect.runPromise(Signature.sign({ apiKey: key.apiKey, apiSecret: key.secret }))

const errorCodeOf = async (response: Response) => ((await response.json()) as { errorCode: string }).errorCode

const started: Array<RunningServer> = []
const start = async (env: Record<string, string> = {}) => {
  const server = await startServer({ env })
  started.push(server)
  return { server, ...firstStartKeys(server.lines) }
}
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop("SIGKILL")))
})

describe("rate limits, before anything is written", () => {
  /** Rows of `used_signatures` in one of the server's files, once it has stopped. */
  const rowsIn = (server: RunningServer, file: string) => {
    const db = new DatabaseSync(join(server.dataDirectory, file), { readOnly: true })
    try {
      return Number((db.prepare("SELECT count(*) AS n FROM used_signatures").get() as { n: number }).n)
    } finally {
      db.close()
    }
  }

  it("refuses a key over its limit without claiming the signature, and limits bad signatures per address", async () => {
    const { server, customer } = await start({ SENDERID_RATE_LIMIT: "1" })
    const book = `${server.origin}/senderid/v1/numbers`

    const statuses: Array<number> = []
    for (let i = 0; i < 40; i++) {
      const response = await fetch(book, { headers: { authorization: await sign(customer) } })
      await response.arrayBuffer()
      statuses.push(response.status)
    }
    const answered = statuses.filter((s) => s === 200).length
    assert.isAbove(statuses.filter((s) => s === 429).length, 0, statuses.join(" "))
    assert.strictEqual(answered + statuses.filter((s) => s === 429).length, statuses.length)

    const forged = { apiKey: customer.apiKey, secret: "NOT-THE-SECRET" }
    const codes: Array<string> = []
    for (let i = 0; i < 40; i++) {
      codes.push(await errorCodeOf(await fetch(book, { headers: { authorization: await sign(forged) } })))
    }
    assert.include(codes, "TooManyRequests")
    assert.deepStrictEqual(new Set(codes), new Set(["SignatureDoesNotMatch", "TooManyRequests"]))
    // Without trusted proxies, X-Forwarded-For is the client's own word: it buys no fresh budget.
    const spoofed = await fetch(book, {
      headers: { authorization: await sign(forged), "x-forwarded-for": "192.0.2.77" }
    })
    assert.strictEqual(await errorCodeOf(spoofed), "TooManyRequests")

    // A clean stop writes every accepted signature to the journal: one per admitted request, none
    // for a refused or forged one, and none in the registry's own database (reads never write it).
    assert.strictEqual(await server.stop("SIGTERM"), 0)
    assert.strictEqual(
      rowsIn(server, "used-signatures.db"),
      answered,
      "one used signature per admitted request"
    )
    assert.strictEqual(rowsIn(server, "senderid.db"), 0)
  })

  it("takes the client from X-Forwarded-For only when the peer is a trusted proxy", async () => {
    const { server, customer } = await start({
      SENDERID_RATE_LIMIT: "1",
      SENDERID_TRUSTED_PROXIES: "127.0.0.1"
    })
    const forged = { apiKey: customer.apiKey, secret: "NOT-THE-SECRET" }
    const from = async (client: string) =>
      errorCodeOf(
        await fetch(`${server.origin}/senderid/v1/numbers`, {
          // A client's own X-Forwarded-For entry comes first; the proxy appends the address it saw.
          headers: { authorization: await sign(forged), "x-forwarded-for": `203.0.113.9, ${client}` }
        })
      )
    const codes: Array<string> = []
    while (codes.length < 200 && codes.at(-1) !== "TooManyRequests") codes.push(await from("192.0.2.1"))
    assert.strictEqual(codes.at(-1), "TooManyRequests")
    assert.strictEqual(await from("192.0.2.2"), "SignatureDoesNotMatch", "another client behind the proxy")
  })
})

/** Everything the server sent on a raw connection, once it has closed it. */
const untilClosed = (
  origin: string,
  write: string,
  socket = connect(Number(new URL(origin).port), "127.0.0.1")
) =>
  new Promise<string>((resolve) => {
    let received = ""
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1")
    })
    socket.on("error", () => {})
    socket.on("close", () => resolve(received))
    if (write !== "") socket.write(write)
  })

/** A raw connection that has been answered once and stays open (keep-alive). */
const answeredOnce = (origin: string) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(Number(new URL(origin).port), "127.0.0.1")
    socket.once("data", () => resolve(socket))
    socket.once("close", () => reject(new Error("closed without an answer")))
    socket.on("error", () => {})
    socket.write("GET /health HTTP/1.1\r\nHost: senderid\r\n\r\n")
  })

describe("connection timeouts and cap", () => {
  it("closes a connection whose request does not arrive in time, with a 408", async () => {
    const { server, customer } = await start({ SENDERID_REQUEST_TIMEOUT_MS: "500" })
    const head = [
      "POST /senderid/v1/numbers HTTP/1.1",
      "Host: senderid",
      `Authorization: ${await sign(customer)}`,
      "Content-Type: application/json",
      "Content-Length: 100"
    ]
    const [declaredNeverSent, headersNeverEnded, nothingSent] = await Promise.all([
      untilClosed(server.origin, `${head.join("\r\n")}\r\n\r\n{"phoneNumber":`),
      untilClosed(server.origin, `${head.join("\r\n")}\r\n`),
      untilClosed(server.origin, "")
    ])
    assert.match(declaredNeverSent, /^HTTP\/1\.1 408 /u)
    assert.match(headersNeverEnded, /^HTTP\/1\.1 408 /u)
    assert.match(nothingSent, /^HTTP\/1\.1 408 /u)
  })

  it("closes connections over the cap as they arrive, and serves again once one has closed", async () => {
    const { server } = await start({
      SENDERID_MAX_CONNECTIONS: "2",
      SENDERID_KEEP_ALIVE_TIMEOUT_MS: "600000"
    })
    const first = await answeredOnce(server.origin)
    await answeredOnce(server.origin)
    assert.strictEqual(await untilClosed(server.origin, "GET /health HTTP/1.1\r\nHost: senderid\r\n\r\n"), "")
    first.destroy()
    // The server counts the closed connection out when it sees the close: until then, retry.
    let answer = ""
    while (answer === "")
      answer = await untilClosed(
        server.origin,
        "GET /health HTTP/1.1\r\nHost: senderid\r\nConnection: close\r\n\r\n"
      )
    assert.match(answer, /^HTTP\/1\.1 200 /u)
  })
})

describe("oversize bodies", () => {
  it("answers 30 MB declared bodies and 20 streams of 100 MB with the 413 in SOLAPI's shape", async () => {
    const { server, customer } = await start()
    const url = `${server.origin}/senderid/v1/numbers`
    const body = new Uint8Array(30 * 1024 * 1024).fill(0x20)
    for (let i = 0; i < 5; i++) {
      const declared = await fetch(url, {
        method: "POST",
        headers: { authorization: await sign(customer), "content-type": "application/json" },
        body
      })
      assert.strictEqual(`${declared.status} ${await errorCodeOf(declared)}`, "413 PayloadTooLarge")
    }

    const streamed = async () => {
      const chunk = new Uint8Array(64 * 1024).fill(0x20)
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          if (sent >= 100 * 1024 * 1024) return controller.close()
          sent += chunk.length
          controller.enqueue(chunk)
        }
      })
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: await sign(customer), "content-type": "application/json" },
        body,
        duplex: "half"
      } as RequestInit)
      return `${response.status} ${await errorCodeOf(response)}`
    }
    const answers = await Promise.all(Array.from({ length: 20 }, streamed))
    assert.deepStrictEqual(
      answers,
      Array.from({ length: 20 }, () => "413 PayloadTooLarge")
    )
  })
})

describe("SIGTERM", () => {
  it("answers every request that has reached the server, each with Connection: close, and resets none", async () => {
    const { server, customer } = await start()
    const { hostname, port } = new URL(server.origin)

    // Keep-alive clients in a loop, until the server refuses their connection.
    const agent = new Agent({ keepAlive: true, maxSockets: 20 })
    const failures: Array<string> = []
    let refused = false
    const get = () =>
      new Promise<boolean>((resolve) => {
        const req = httpRequest({ host: hostname, port, path: "/health", agent }, (res) => {
          res.resume()
          res.on("end", () => resolve(true))
        })
        req.on("error", (error: NodeJS.ErrnoException) => {
          if (error.code === "ECONNREFUSED") refused = true
          else failures.push(`${error.code} on a ${req.reusedSocket ? "reused" : "new"} connection`)
          resolve(false)
        })
        req.end()
      })
    let served = 0
    let everyClientServed: () => void = () => {}
    const allServed = new Promise<void>((resolve) => {
      everyClientServed = resolve
    })
    const loops = Array.from({ length: 20 }, async () => {
      if (await get()) served += 1
      if (served === 20) everyClientServed()
      while (!refused) await get()
    })
    await allServed

    // Requests in flight: the server has the head and part of the body when SIGTERM arrives.
    const inFlight = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const socket = await answeredOnce(server.origin)
        socket.removeAllListeners("data")
        const body = JSON.stringify({ phoneNumber: `0703${String(2_000_000 + i).padStart(7, "0")}` })
        const head = [
          "POST /senderid/v1/numbers HTTP/1.1",
          "Host: senderid",
          `Authorization: ${await sign(customer)}`,
          "Content-Type: application/json",
          `Content-Length: ${body.length}`
        ]
        socket.write(`${head.join("\r\n")}\r\n\r\n${body.slice(0, 10)}`)
        return { socket, rest: body.slice(10) }
      })
    )

    server.process.kill("SIGTERM")
    // The drain has begun once the server no longer accepts connections.
    for (;;) {
      const outcome = await new Promise<string>((resolve) => {
        const probe = connect(Number(port), hostname)
        probe.once("connect", () => {
          probe.destroy()
          resolve("accepted")
        })
        probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"))
      })
      if (outcome === "ECONNREFUSED") break
    }
    const answers = await Promise.all(inFlight.map(({ socket, rest }) => untilClosed("", rest, socket)))
    await Promise.all(loops)
    assert.deepStrictEqual(failures, [], "requests left without an answer")
    for (const answer of answers) {
      assert.match(answer, /^HTTP\/1\.1 200 /u, answer)
      assert.match(answer, /\r\nconnection: close\r\n/iu)
    }
    assert.strictEqual(await server.exited, 0)
  })
})
