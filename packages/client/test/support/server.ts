/**
 * Real servers for the client's tests: our own app over in-memory ports (reachable in-process
 * through its `fetch`, or on a listening socket), with a customer and an operator key; and a
 * scripted HTTP server that fails on purpose, for retries and timeouts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import {
  Accounts,
  type ApiKeyScope,
  ApiKeys,
  AuditEntry,
  type DevelopmentCalls,
  IdempotencyKeys,
  SenderIdRepository,
  UsedSignatures,
  WebhookStore,
  Webhooks
} from "@senderid/domain"
import { layerMemorySecrets, registryOn } from "@senderid/domain/testing"
import { type App, Credentials, makeApp, WebhookSender } from "@senderid/server"
import { Effect, Layer, ManagedRuntime } from "effect"

export interface Key {
  readonly apiKey: string
  readonly apiSecret: string
}

export interface OurServer {
  readonly app: App
  readonly runtime: ManagedRuntime.ManagedRuntime<DevelopmentCalls, unknown>
  readonly customer: Key
  readonly operator: Key
  /** The message sender's service key (`sender:eligibility`). */
  readonly service: Key
  readonly origin: string
  readonly close: () => Promise<void>
}

/** The senderid app over memory, with an account `ACME` (limit 5), its key, an operator key and a
 * service key. */
export const ourServer = async (): Promise<OurServer> => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      registryOn(SenderIdRepository.layerMemory),
      Webhooks.layer.pipe(
        Layer.provide(Layer.merge(WebhookStore.layerMemory, WebhookSender.layerFetchTransport()))
      ),
      ApiKeys.layerMemory,
      UsedSignatures.layerMemory,
      IdempotencyKeys.layerMemory
    ).pipe(Layer.provideMerge(layerMemorySecrets))
  )
  const issue = (
    owner: { readonly accountId?: string; readonly operatorId?: string; readonly serviceId?: string },
    scopes: ReadonlyArray<ApiKeyScope>
  ) =>
    runtime.runPromise(
      Effect.gen(function* () {
        const credentials = yield* Credentials.generateCredentials()
        yield* ApiKeys.use((keys) => keys.issue({ ...credentials, scopes, ...owner }))
        return { apiKey: credentials.apiKey, apiSecret: credentials.secret } satisfies Key
      })
    )
  await runtime.runPromise(
    Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), "ACME", { limit: 5 }))
  )
  const customer = await issue({ accountId: "ACME" }, ["senderid:read", "senderid:write"])
  const operator = await issue({ operatorId: "alice" }, ["operator:read", "operator:write"])
  const service = await issue({ serviceId: "message-sender" }, ["sender:eligibility"])
  const app = makeApp(runtime, { rateLimit: false })
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" })
  await new Promise<void>((resolve) => server.once("listening", () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    app,
    runtime,
    customer,
    operator,
    service,
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await runtime.dispose()
    }
  }
}

/** How the scripted server answers its n-th request (0-based). */
export type Script = (n: number, request: IncomingMessage, response: ServerResponse) => void

/** A server that answers each request as `script` says, counting them. */
export const scriptedServer = async (script: Script) => {
  let count = 0
  const server = createServer((request, response) => {
    request.resume()
    request.on("end", () => script(count++, request, response))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
) => response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body))

/** A port nothing listens on (taken, then released). */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer()
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
