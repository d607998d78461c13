/**
 * Everything the app needs on Node, as one layer: the registry on a SQLite file (or PostgreSQL when
 * `DATABASE_URL` is set), API keys, idempotency keys, webhooks and used signatures in the same
 * database (used signatures in Redis when `REDIS_URL` is set), documents as files, the development
 * ARS provider, and events published to the log and to webhooks (sent over connections pinned to
 * the addresses checked against the private-host policy). Every secret,
 * PIN and identifier is drawn from WebCrypto's CSPRNG; ARS PINs are hashed under a key derived from
 * the master key, or generated and kept in the database without one (`pinKeys.ts`). Built once per
 * process into a `ManagedRuntime`.
 */
import { join } from "node:path"
import {
  ApiKeys,
  layerDevelopment,
  Registry,
  SenderIdRepository,
  WebhookPolicy,
  type WebhookPolicyShape,
  Webhooks
} from "@senderid/domain"
import { SqlRepository } from "@senderid/storage"
import * as ApiKeysSql from "@senderid/storage/apiKeys"
import { layerFiles } from "@senderid/storage/fileBlobStore"
import * as IdempotencyKeysSql from "@senderid/storage/idempotencyKeys"
import * as PinKeysSql from "@senderid/storage/pinKeys"
import * as Sqlite from "@senderid/storage/sqlite"
import * as UsedSignaturesSql from "@senderid/storage/usedSignatures"
import * as WebhooksSql from "@senderid/storage/webhooks"
import { Effect, Layer } from "effect"
import { SecureRandom } from "effect/crypto"
import { layerPublisher } from "./EventLog.ts"
import type { NodeConfig } from "./NodeConfig.ts"
import { hmacSha256 } from "./NodeCrypto.ts"
import * as NodeWebhookTransport from "./NodeWebhookTransport.ts"

/** The database file `pnpm start` uses unless `DATABASE_URL` points elsewhere. */
export const sqliteFile = (config: Pick<NodeConfig, "dataDirectory">) =>
  join(config.dataDirectory, "senderid.db")

export interface NodeServicesOptions {
  /** Webhook retry timing and limits beyond the defaults (tests shorten the backoff). */
  readonly webhookPolicy?: Partial<WebhookPolicyShape>
  /** How webhook hosts are resolved (`dns.lookup` by default); tests answer names a closed network cannot. */
  readonly webhookResolver?: NodeWebhookTransport.Resolver
}

export const layer = (config: NodeConfig, options: NodeServicesOptions = {}) => {
  const { databaseUrl, redisUrl } = config
  // PostgreSQL's and Redis's drivers are loaded only when configured: on the SQLite default they
  // would be a third of what the process parses at start, and resident for nothing.
  const client =
    databaseUrl === undefined
      ? Sqlite.layerClient({ filename: sqliteFile(config), synchronous: config.synchronous })
      : Layer.unwrap(
          Effect.promise(() => import("@senderid/storage/postgres")).pipe(
            Effect.map((Postgres) => Postgres.layerClient({ url: databaseUrl }))
          )
        )
  const usedSignatures =
    redisUrl === undefined
      ? UsedSignaturesSql.layerSql
      : Layer.unwrap(
          Effect.promise(() => import("@senderid/storage/usedSignaturesRedis")).pipe(
            Effect.map((Redis) => Redis.layerRedis(redisUrl))
          )
        )
  const stores = Layer.mergeAll(
    Layer.effect(SenderIdRepository, SqlRepository.make),
    // Keys are read once per 5 s per instance: a revocation elsewhere (`pnpm keys revoke`) applies within 5 s.
    ApiKeys.layerCached().pipe(Layer.provide(ApiKeysSql.layerSql({ masterKey: config.masterKey }))),
    IdempotencyKeysSql.layerSql,
    WebhooksSql.layerSql,
    usedSignatures,
    PinKeysSql.layerSql({ masterKey: config.masterKey })
  ).pipe(Layer.provide(client))
  const webhooks = Webhooks.layer.pipe(
    Layer.provide(
      Layer.merge(
        NodeWebhookTransport.layer({
          hmacSha256,
          ...(options.webhookResolver === undefined ? {} : { resolve: options.webhookResolver })
        }),
        Layer.succeed(WebhookPolicy, {
          ...WebhookPolicy.defaultValue(),
          allowPrivateHosts: config.webhookPrivateHosts,
          ...options.webhookPolicy
        })
      )
    ),
    Layer.provideMerge(stores)
  )
  const ports = Layer.mergeAll(
    webhooks,
    layerFiles(join(config.dataDirectory, "documents")),
    layerDevelopment,
    layerPublisher.pipe(Layer.provide(webhooks))
  )
  return Registry.layer.pipe(Layer.provideMerge(ports), Layer.provideMerge(SecureRandom.layerWebCrypto))
}
