/**
 * A real senderid server for the screen tests: the app over in-memory ports on a loopback socket,
 * an operator client (what the console uses) and a customer client that makes reviews happen the
 * way customers do — uploading evidence, asking for a higher limit. Verifications last 10 days
 * here, so registered numbers fall inside the dashboard's weekly expiry chart.
 */
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import { createClient, type PromiseClient } from "@senderid/client"
import {
  Accounts,
  type ApiKeyScope,
  ApiKeys,
  AuditEntry,
  DocumentBlobStore,
  layerDevelopment as developmentCalls,
  EventRelay,
  IdempotencyKeys,
  PinHasher,
  Registry as RegistryLayer,
  RegistryPolicy,
  SenderIdRepository,
  UsedSignatures,
  WebhookPolicy,
  WebhookStore,
  Webhooks
} from "@senderid/domain"
import { Credentials, makeApp, WebhookSender } from "@senderid/server"
import { Duration, Effect, Layer, Logger, ManagedRuntime } from "effect"
import { SecureRandom } from "effect/crypto"

/** The smallest valid PNG, as evidence. */
export const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

export interface Registry {
  readonly origin: string
  readonly operator: PromiseClient
  /** The customer of account `ACME`. */
  readonly customer: PromiseClient
  readonly operatorKey: { readonly apiKey: string; readonly apiSecret: string }
  /**
   * Holds every request that arrives from now on at the door, before the app sees it, until
   * `release`: work in flight stays in flight for exactly as long as a test needs, whatever the
   * machine's speed. `reached` resolves once a request is waiting.
   */
  readonly holdRequests: () => { readonly reached: Promise<void>; readonly release: () => void }
  /** One round of what the server's loop does every second: relay new events, attempt due deliveries. */
  readonly deliverWebhooks: () => Promise<void>
  /** Runs an effect against the server's own services: to store what the API would refuse today,
   * as data stored before it refused it. */
  readonly run: <A, E>(effect: Effect.Effect<A, E, SenderIdRepository>) => Promise<A>
  readonly close: () => Promise<void>
}

export const startRegistry = async (): Promise<Registry> => {
  const webhooks = Webhooks.layer.pipe(
    Layer.provide(Layer.merge(WebhookStore.layerMemory, WebhookSender.layerFetchTransport()))
  )
  // As the server composes it: relayed events become webhook deliveries.
  const registry = RegistryLayer.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        SenderIdRepository.layerMemory,
        DocumentBlobStore.layerMemory,
        developmentCalls,
        Webhooks.publisher.pipe(Layer.provideMerge(webhooks))
      )
    )
  )
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      registry,
      ApiKeys.layerMemory,
      UsedSignatures.layerMemory,
      IdempotencyKeys.layerMemory,
      // Quiet: webhook attempts would log over the test report.
      Logger.layer([])
    ).pipe(
      // As the apps draw them: WebCrypto's CSPRNG, and a PIN key for this in-memory registry.
      Layer.provideMerge(PinHasher.layerMemory.pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))),
      Layer.provide(
        Layer.merge(
          Layer.succeed(RegistryPolicy, {
            ...RegistryPolicy.defaultValue(),
            activeTtl: Duration.days(10),
            maxLimit: 20_000
          }),
          Layer.succeed(WebhookPolicy, { ...WebhookPolicy.defaultValue(), allowPrivateHosts: true })
        )
      )
    )
  )
  const issue = (
    owner: { readonly accountId?: string; readonly operatorId?: string },
    scopes: ReadonlyArray<ApiKeyScope>
  ) =>
    runtime.runPromise(
      Effect.gen(function* () {
        const credentials = yield* Credentials.generateCredentials()
        yield* ApiKeys.use((keys) => keys.issue({ ...credentials, scopes, ...owner }))
        return { apiKey: credentials.apiKey, apiSecret: credentials.secret }
      })
    )
  await runtime.runPromise(
    Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), "ACME", { limit: 5 }))
  )
  const customerKey = await issue({ accountId: "ACME" }, ["senderid:read", "senderid:write"])
  const operatorKey = await issue({ operatorId: "alice" }, ["operator:read", "operator:write"])
  const app = makeApp(runtime, { rateLimit: false })
  let door: { readonly reached: () => void; readonly opened: Promise<void> } | undefined
  const fetch: typeof app.fetch = async (...request) => {
    if (door !== undefined) {
      door.reached()
      await door.opened
    }
    return app.fetch(...request)
  }
  const server = serve({ fetch, port: 0, hostname: "127.0.0.1" })
  await new Promise<void>((resolve) => server.once("listening", () => resolve()))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const operator = createClient({ baseUrl: origin, ...operatorKey, language: "en" })
  const customer = createClient({ baseUrl: origin, ...customerKey, language: "en" })
  return {
    origin,
    operator,
    customer,
    operatorKey,
    holdRequests: () => {
      let arrived = () => {}
      let open = () => {}
      const reached = new Promise<void>((resolve) => {
        arrived = resolve
      })
      const opened = new Promise<void>((resolve) => {
        open = resolve
      })
      door = { reached: arrived, opened }
      return {
        reached,
        release: () => {
          door = undefined
          open()
        }
      }
    },
    deliverWebhooks: () =>
      runtime.runPromise(
        EventRelay.use((relay) => relay.drain()).pipe(
          Effect.andThen(Webhooks.use((w) => w.deliverDue())),
          Effect.asVoid
        )
      ),
    run: (effect) => runtime.runPromise(effect),
    close: async () => {
      await Promise.all([operator.close(), customer.close()])
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await runtime.dispose()
    }
  }
}

/** ACME registers `phoneNumber` with a piece of evidence: an EVIDENCE review waits. */
export const submitEvidence = async (
  registry: Registry,
  phoneNumber: string,
  name = "business-licence.png"
) => {
  const document = await registry.customer.uploadDocument({
    body: { file: PNG, category: "SENDERID_APPROVAL", name }
  })
  await registry.customer.registerNumber({ body: { phoneNumber, documents: [document.documentId] } })
  return document
}

/** ACME asks for a higher limit: a LIMITATION review waits. */
export const requestHigherLimit = async (registry: Registry, limit: number) => {
  const document = await registry.customer.uploadDocument({
    body: { file: PNG, category: "SENDERID_LIMITATION", name: "why-more.png" }
  })
  await registry.customer.requestLimitation({ body: { documents: [document.documentId], limit } })
}
