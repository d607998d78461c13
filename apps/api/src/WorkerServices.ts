/**
 * Everything the app needs on Cloudflare Workers, as one layer over the isolate's D1 binding: the
 * registry, API keys, idempotency keys, used signatures and document bytes all in D1 (migrated when
 * the layer is built), the development ARS provider and the event log. Web APIs only.
 */
import type { D1Database } from "@cloudflare/workers-types"
import { layerDevelopment, Registry } from "@senderid/domain"
import * as ApiKeysSql from "@senderid/storage/apiKeys"
import * as D1 from "@senderid/storage/d1"
import * as IdempotencyKeysSql from "@senderid/storage/idempotencyKeys"
import { layerSqlBlobs } from "@senderid/storage/sqlBlobStore"
import * as UsedSignaturesSql from "@senderid/storage/usedSignatures"
import { Layer } from "effect"
import { layerLog } from "./EventLog.ts"

/** The Worker's bindings and secrets (`wrangler.jsonc`; the master key via `wrangler secret put`). */
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
    layerSqlBlobs
  ).pipe(Layer.provide(client))
  return Registry.layer.pipe(Layer.provideMerge(Layer.mergeAll(stores, layerDevelopment, layerLog)))
}
