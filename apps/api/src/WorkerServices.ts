/**
 * Everything the app needs on Cloudflare Workers, as one layer over the isolate's D1 binding: the
 * registry, API keys, idempotency keys, used signatures, webhooks and document bytes all in D1
 * (migrated when the layer is built), the development ARS provider, and events published to the log
 * and to webhooks (sent with `fetch`). Secrets, PINs and identifiers come from WebCrypto's CSPRNG;
 * ARS PINs are hashed under a key derived from `SENDERID_MASTER_KEY`, or generated and kept in D1
 * without one (`pinKeys.ts`). Web APIs only.
 */
import type { D1Database } from "@cloudflare/workers-types"
import { layerDevelopment, Registry, Webhooks } from "@senderid/domain"
import { WebhookSender } from "@senderid/server"
import * as ApiKeysSql from "@senderid/storage/apiKeys"
import * as D1 from "@senderid/storage/d1"
import * as IdempotencyKeysSql from "@senderid/storage/idempotencyKeys"
import * as PinKeysSql from "@senderid/storage/pinKeys"
import { layerSqlBlobs } from "@senderid/storage/sqlBlobStore"
import * as UsedSignaturesSql from "@senderid/storage/usedSignatures"
import * as WebhooksSql from "@senderid/storage/webhooks"
import { Layer } from "effect"
import { SecureRandom } from "effect/crypto"
import { layerPublisher } from "./EventLog.ts"

/** The Worker's bindings and secrets (`wrangler.jsonc`; the master key, which also keys the ARS PIN
 * hash, via `wrangler secret put`). */
export interface WorkerEnv {
  readonly DB: D1Database
  readonly SENDERID_MASTER_KEY?: string
}

export const layer = (env: WorkerEnv) => {
  const client = D1.layerClient(env.DB)
  const stores = Layer.mergeAll(
    D1.layer(env.DB),
    ApiKeysSql.layerSql({ masterKey: env.SENDERID_MASTER_KEY }),
    IdempotencyKeysSql.layerSql,
    UsedSignaturesSql.layerSql,
    WebhooksSql.layerSql,
    layerSqlBlobs,
    PinKeysSql.layerSql({ masterKey: env.SENDERID_MASTER_KEY })
  ).pipe(Layer.provide(client))
  // At the edge the policy is the default, deny: URLs naming private hosts or addresses are refused
  // at registration and at every attempt. Names are resolved by the platform, from a network that
  // holds nothing of the deployment's, so there is no address to pin (see the README).
  const webhooks = Webhooks.layer.pipe(
    Layer.provide(WebhookSender.layerFetchTransport()),
    Layer.provideMerge(stores)
  )
  return Registry.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(webhooks, layerDevelopment, layerPublisher.pipe(Layer.provide(webhooks)))
    ),
    Layer.provideMerge(SecureRandom.layerWebCrypto)
  )
}
