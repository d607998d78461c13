/**
 * Everything the app needs on Node, as one layer: the registry on a SQLite file, its account books
 * kept in memory (or PostgreSQL when `DATABASE_URL` is set), API keys, idempotency keys and webhooks
 * in the same database, used signatures in memory written behind to a file of their own (in
 * PostgreSQL, or in Redis when `REDIS_URL` is set, for several instances), documents as files, the development
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
  UsedSignatures,
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
import * as UsedSignaturesFile from "@senderid/storage/usedSignaturesFile"
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

/** Where a single instance keeps the signatures it has accepted, beside the database file. */
export const usedSignaturesFile = (config: Pick<NodeConfig, "dataDirectory">) =>
  join(config.dataDirectory, "used-signatures.db")

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
      ? Sqlite.layerClient({
          filename: sqliteFile(config),
          synchronous: config.synchronous,
          checkpoints: config.checkpoints
        })
      : Layer.unwrap(
          Effect.promise(() => import("@senderid/storage/postgres")).pipe(
            Effect.map((Postgres) => Postgres.layerClient({ url: databaseUrl }))
          )
        )
  // One instance on a SQLite file: signatures in memory, written behind to a file of their own, so
  // a GET never commits to the registry. Several instances: the store they share decides, asked only
  // about signatures this instance has not already won.
  const usedSignatures =
    redisUrl !== undefined
      ? UsedSignatures.layerLocalFirst(
          Layer.unwrap(
            Effect.promise(() => import("@senderid/storage/usedSignaturesRedis")).pipe(
              Effect.map((Redis) => Redis.layerRedis(redisUrl))
            )
          )
        )
      : databaseUrl !== undefined
        ? UsedSignatures.layerLocalFirst(UsedSignaturesSql.layerSql)
        : UsedSignaturesFile.layerFile({ filename: usedSignaturesFile(config) })
  // The server is the SQLite file's only writer (`pnpm keys` only ever adds an account it has not
  // seen), so it keeps account books in memory; PostgreSQL may have other instances writing.
  const repository =
    databaseUrl === undefined ? Sqlite.makeRepository({ singleWriter: true }) : SqlRepository.make
  const stores = Layer.mergeAll(
    Layer.effect(SenderIdRepository, repository),
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
