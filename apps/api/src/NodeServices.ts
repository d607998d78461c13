/**
 * Everything the app needs on Node, as one layer: the registry on a SQLite file (or PostgreSQL when
 * `DATABASE_URL` is set), API keys, idempotency keys and used signatures in the same database (used
 * signatures in Redis when `REDIS_URL` is set), documents as files, the development ARS provider and
 * the event log. Built once per process into a `ManagedRuntime`.
 */
import { join } from "node:path"
import { ApiKeys, layerDevelopment, Registry, SenderIdRepository } from "@senderid/domain"
import { SqlRepository } from "@senderid/storage"
import * as ApiKeysSql from "@senderid/storage/apiKeys"
import { layerFiles } from "@senderid/storage/fileBlobStore"
import * as IdempotencyKeysSql from "@senderid/storage/idempotencyKeys"
import * as Postgres from "@senderid/storage/postgres"
import * as Sqlite from "@senderid/storage/sqlite"
import * as UsedSignaturesSql from "@senderid/storage/usedSignatures"
import { layerRedis } from "@senderid/storage/usedSignaturesRedis"
import { Layer } from "effect"
import { layerLog } from "./EventLog.ts"
import type { NodeConfig } from "./NodeConfig.ts"

/** The database file `pnpm start` uses unless `DATABASE_URL` points elsewhere. */
export const sqliteFile = (config: Pick<NodeConfig, "dataDirectory">) =>
  join(config.dataDirectory, "senderid.db")

export const layer = (config: NodeConfig) => {
  const client =
    config.databaseUrl === undefined
      ? Sqlite.layerClient({ filename: sqliteFile(config), synchronous: config.synchronous })
      : Postgres.layerClient({ url: config.databaseUrl })
  const usedSignatures =
    config.redisUrl === undefined ? UsedSignaturesSql.layerSql : layerRedis(config.redisUrl)
  const stores = Layer.mergeAll(
    Layer.effect(SenderIdRepository, SqlRepository.make),
    // Keys are read once per 5 s per instance: a revocation elsewhere (`pnpm keys revoke`) applies within 5 s.
    ApiKeys.layerCached().pipe(Layer.provide(ApiKeysSql.layerSql({ masterKey: config.masterKey }))),
    IdempotencyKeysSql.layerSql,
    usedSignatures
  ).pipe(Layer.provide(client))
  const ports = Layer.mergeAll(
    stores,
    layerFiles(join(config.dataDirectory, "documents")),
    layerDevelopment,
    layerLog
  )
  return Registry.layer.pipe(Layer.provideMerge(ports))
}
