/**
 * The app over in-memory ports, with helpers that do what a SOLAPI customer does: open an account,
 * get a key, and send freshly signed requests through `app.request()`. The PIN the development ARS
 * provider "read" on the call is available, as a person answering the phone would hear it.
 */
import {
  Accounts,
  type ApiKeyScope,
  ApiKeys,
  AuditEntry,
  DevelopmentCalls,
  DocumentBlobStore,
  IdempotencyKeys,
  layerDevelopment,
  Registry,
  RegistryPolicy,
  type RegistryPolicyShape,
  SenderIdRepository,
  UsedSignatures,
  WebhookPolicy,
  type WebhookPolicyShape,
  WebhookStore,
  Webhooks
} from "@senderid/domain"
import { layerMemorySecrets } from "@senderid/domain/testing"
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import { SecureRandom } from "effect/crypto"
import { type AppOptions, makeApp } from "../../src/App.ts"
import * as Signature from "../../src/Signature.ts"
import { layerFetchTransport } from "../../src/WebhookSender.ts"

let counter = 0
const unique = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.toUpperCase()

/** Webhooks over an in-memory store, sent for real with `fetch`. */
export const layerMemoryWebhooks = Webhooks.layer.pipe(
  Layer.provideMerge(Layer.merge(WebhookStore.layerMemory, layerFetchTransport())),
  Layer.provide(SecureRandom.layerWebCrypto)
)

/** The whole registry in memory, its event relay feeding webhooks as the apps wire it. */
const registryWithWebhooks = (webhooks: typeof layerMemoryWebhooks) =>
  Registry.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        SenderIdRepository.layerMemory,
        DocumentBlobStore.layerMemory,
        layerDevelopment,
        Webhooks.publisher.pipe(Layer.provide(webhooks)),
        webhooks
      )
    )
  )

const servicesWith = (webhooks: typeof layerMemoryWebhooks) =>
  Layer.mergeAll(
    registryWithWebhooks(webhooks),
    ApiKeys.layerMemory,
    UsedSignatures.layerMemory,
    IdempotencyKeys.layerMemory
  ).pipe(Layer.provideMerge(layerMemorySecrets))

export const layerMemoryServices = servicesWith(layerMemoryWebhooks)

export interface Customer {
  readonly accountId: string
  readonly apiKey: string
  readonly secret: string
}

export const makeHarness = (
  options: AppOptions = { rateLimit: false },
  policy: Partial<RegistryPolicyShape> = {},
  webhookPolicy: Partial<WebhookPolicyShape> = {}
) => {
  const webhooks = layerMemoryWebhooks.pipe(
    Layer.provide(Layer.succeed(WebhookPolicy, { ...WebhookPolicy.defaultValue(), ...webhookPolicy }))
  )
  const runtime = ManagedRuntime.make(
    // Provided, not merged: the use cases read the policy when they are built.
    servicesWith(webhooks).pipe(
      Layer.provide(Layer.succeed(RegistryPolicy, { ...RegistryPolicy.defaultValue(), ...policy }))
    )
  )
  const app = makeApp(runtime, options)

  const issueKey = (
    scopes: ReadonlyArray<ApiKeyScope>,
    owner: { accountId?: string; operatorId?: string; serviceId?: string }
  ) =>
    runtime.runPromise(
      ApiKeys.use((keys) =>
        keys.issue({ apiKey: unique("NCS"), secret: unique("SECRET").padEnd(32, "0"), scopes, ...owner })
      )
    )

  const customer = async (
    options: { readonly limit?: number; readonly scopes?: ReadonlyArray<ApiKeyScope> } = {}
  ): Promise<Customer> => {
    const accountId = unique("ACCT")
    await runtime.runPromise(
      Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), accountId, { limit: options.limit ?? 5 }))
    )
    const key = await issueKey(options.scopes ?? ["senderid:read", "senderid:write"], { accountId })
    return { accountId, apiKey: key.apiKey, secret: key.secret }
  }

  const authorization = (who: Pick<Customer, "apiKey" | "secret">, method?: Signature.Method) =>
    Effect.runPromise(
      Signature.sign({
        apiKey: who.apiKey,
        apiSecret: who.secret,
        ...(method === undefined ? {} : { method })
      })
    )

  /** A signed request; `body` is sent as JSON unless it is already a string. */
  const request = async (
    who: Pick<Customer, "apiKey" | "secret"> | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ) =>
    app.request(path, {
      method,
      headers: {
        ...(who === undefined ? {} : { authorization: await authorization(who) }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })

  const pinFor = (phoneNumber: string) =>
    runtime.runPromise(DevelopmentCalls.use((calls) => calls.lastPin(phoneNumber))).then(Option.getOrThrow)

  return { app, runtime, customer, issueKey, request, authorization, pinFor }
}

export type Harness = ReturnType<typeof makeHarness>

/** A small valid PNG (1×1), base64. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
