/**
 * The registry on PostgreSQL, for several instances sharing one database. Configured by a
 * connection URL (`DATABASE_URL` in the apps). Registrations for one account serialise on the
 * account's row lock; the one-holder rule is a partial unique index; everything else retries.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { SenderIdRepository } from "@senderid/domain"
import { Layer, Redacted } from "effect"
import { migrate } from "./Migrations.ts"
import * as SqlRepository from "./SqlRepository.ts"

export interface PostgresOptions {
  readonly url: string
  readonly maxConnections?: number
}

/** A pooled `SqlClient` on the database, migrated. */
export const layerClient = (options: PostgresOptions) =>
  Layer.effectDiscard(migrate).pipe(
    Layer.provideMerge(
      PgClient.layer({
        url: Redacted.make(options.url),
        maxConnections: options.maxConnections ?? 10,
        applicationName: "senderid"
      })
    )
  )

/** The registry's repository on PostgreSQL. */
export const layer = (options: PostgresOptions) =>
  Layer.effect(SenderIdRepository, SqlRepository.make).pipe(Layer.provide(layerClient(options)))
