/**
 * The Node webhook transport against real receivers on loopback addresses: under `deny` a host that
 * resolves to a non-public address gets nothing (through the system's own `dns.lookup` for
 * `localhost`, and through a resolver the test controls for names a closed network cannot answer,
 * such as `localtest.me`); under `allow` the request reaches the address that was resolved, and
 * only it, with the URL's Host header and TLS server name.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { createServer as createTlsServer } from "node:tls"
import { type WebhookOutcome, type WebhookRequest, WebhookTransport } from "@senderid/domain"
import { Effect, Logger } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import * as NodeWebhookTransport from "../src/NodeWebhookTransport.ts"

interface Receiver {
  readonly port: number
  readonly arrivals: Array<IncomingHttpHeaders>
  readonly close: () => Promise<void>
}

/** An HTTP receiver on `address` that answers 204 and keeps the headers of every request. */
const receiver = (address: string, port = 0) =>
  new Promise<Receiver>((resolve, reject) => {
    const arrivals: Array<IncomingHttpHeaders> = []
    const server: Server = createServer((request, response) => {
      request.resume()
      request.on("end", () => {
        arrivals.push(request.headers)
        response.writeHead(204).end()
      })
    })
    server.once("error", reject)
    server.listen(port, address, () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        arrivals,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    )
  })

const requestTo = (url: string, allowPrivateHosts: boolean): WebhookRequest => ({
  url,
  payload: '{"eventId":"EVT1"}',
  secret: "whsec_TEST",
  eventId: "EVT1",
  eventType: "senderid.registered",
  deliveryId: "EVT1.WHK1",
  attempt: 1,
  timeoutMillis: 5_000,
  allowPrivateHosts
})

const send = (request: WebhookRequest, options: NodeWebhookTransport.NodeWebhookTransportOptions = {}) =>
  Effect.runPromise(
    WebhookTransport.use((transport) => transport.send(request)).pipe(
      Effect.provide(NodeWebhookTransport.layer(options)),
      Effect.provide(Logger.layer([]))
    )
  )

/** A resolver that answers each name from a table and counts its calls. */
const resolverOf = (answers: (name: string, call: number) => ReadonlyArray<string>) => {
  const calls: Array<string> = []
  const resolve: NodeWebhookTransport.Resolver = async (name) => {
    calls.push(name)
    return answers(name, calls.length).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }))
  }
  return { calls, resolve }
}

const REFUSED: WebhookOutcome = {
  httpStatus: null,
  error: "refused: host resolves to a non-public address",
  refused: true
}

describe("the Node webhook transport", () => {
  let hook: Receiver
  beforeAll(async () => {
    hook = await receiver("127.0.0.1")
  })
  afterAll(() => hook.close())

  it("refuses localhost under deny through the system's dns.lookup, and sends nothing", async () => {
    const before = hook.arrivals.length
    assert.deepStrictEqual(await send(requestTo(`http://localhost:${hook.port}/hook`, false)), REFUSED)
    assert.strictEqual(hook.arrivals.length, before)
  })

  it("delivers to localhost under allow through the same lookup, Host header and signature intact", async () => {
    const before = hook.arrivals.length
    assert.deepStrictEqual(await send(requestTo(`http://localhost:${hook.port}/hook`, true)), {
      httpStatus: 204,
      error: null
    })
    const arrival = hook.arrivals[before]
    assert.strictEqual(arrival?.host, `localhost:${hook.port}`)
    assert.match(String(arrival?.["x-senderid-signature"]), /^t=\d+,v1=[0-9a-f]{64}$/u)
  })

  it("refuses a public-looking name that resolves to loopback (localtest.me, 127.0.0.1.nip.io)", async () => {
    const { calls, resolve } = resolverOf(() => ["127.0.0.1"])
    const before = hook.arrivals.length
    for (const name of ["localtest.me", "127.0.0.1.nip.io"]) {
      assert.deepStrictEqual(
        await send(requestTo(`http://${name}:${hook.port}/hook`, false), { resolve }),
        REFUSED
      )
    }
    assert.deepStrictEqual(calls, ["localtest.me", "127.0.0.1.nip.io"])
    assert.strictEqual(hook.arrivals.length, before)
  })

  it("refuses when any one of the addresses is not public", async () => {
    const cases: ReadonlyArray<ReadonlyArray<string>> = [
      ["8.8.8.8", "127.0.0.1"],
      ["2606:4700::1111", "::ffff:127.0.0.1"],
      ["8.8.8.8", "64:ff9b::a9fe:a9fe"],
      ["2002:a00:1::1"]
    ]
    for (const answer of cases) {
      const { resolve } = resolverOf(() => answer)
      assert.deepStrictEqual(
        await send(requestTo("https://hooks.example.com/hook", false), { resolve }),
        REFUSED,
        answer.join(", ")
      )
    }
  })

  it("says the host was not found when it resolves to nothing (retried, not refused)", async () => {
    const { resolve } = resolverOf(() => [])
    assert.deepStrictEqual(await send(requestTo("https://nowhere.example.com/", false), { resolve }), {
      httpStatus: null,
      error: "host not found"
    })
  })

  it("connects to the address it resolved, never to one a second lookup would give (rebinding)", async () => {
    const checked = await receiver("127.0.0.2")
    const rebound = await receiver("127.0.0.1", checked.port)
    try {
      // The first answer is the one checked; every later lookup would lead elsewhere.
      const { calls, resolve } = resolverOf((_name, call) => (call === 1 ? ["127.0.0.2"] : ["127.0.0.1"]))
      const url = `http://rebind.example.com:${checked.port}/hook`
      assert.strictEqual((await send(requestTo(url, true), { resolve })).httpStatus, 204)
      assert.strictEqual(calls.length, 1, "one lookup for the attempt")
      assert.strictEqual(checked.arrivals.length, 1)
      assert.strictEqual(rebound.arrivals.length, 0)
      assert.strictEqual(checked.arrivals[0]?.host, `rebind.example.com:${checked.port}`)
      // The next attempt resolves afresh, and goes where that answer (checked again) says.
      assert.strictEqual((await send(requestTo(url, true), { resolve })).httpStatus, 204)
      assert.strictEqual(calls.length, 2)
      assert.strictEqual(rebound.arrivals.length, 1)
    } finally {
      await checked.close()
      await rebound.close()
    }
  })

  it("names the URL's host in TLS (SNI), not the address it connects to", async () => {
    const serverNames: Array<string> = []
    const tls = createTlsServer({
      SNICallback: (name, done) => {
        serverNames.push(name)
        done(new Error("no certificate here"), undefined)
      }
    })
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve))
    try {
      const { port } = tls.address() as AddressInfo
      const { resolve } = resolverOf(() => ["127.0.0.1"])
      const outcome = await send(requestTo(`https://localtest.me:${port}/hook`, true), { resolve })
      assert.strictEqual(outcome.httpStatus, null)
      assert.deepStrictEqual(serverNames, ["localtest.me"])
    } finally {
      await new Promise<void>((resolve) => tls.close(() => resolve()))
    }
  })
})
