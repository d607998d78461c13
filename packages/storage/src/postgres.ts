/**
 * The registry on PostgreSQL, for several instances sharing one database. Configured by a
 * connection URL (`DATABASE_URL` in the apps). Registrations for one account serialise on the
 * account's row lock; the one-holder rule is a partial unique index; transient failures retry.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { RepositoryError, SenderIdRepository } from "@senderid/domain"
import { Context, Effect, Layer, Redacted } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as SqlClient from "effect/sql/SqlClient"
import { migrate } from "./Migrations.ts"
import * as SqlRepository from "./SqlRepository.ts"

export interface PostgresOptions {
  readonly url: string
  readonly maxConnections?: number
}

/** A pooled `SqlClient` on the database, migrated; connection or migration failures become a
 * `RepositoryError` naming the database (never the password). */
export const layerClient = (options: PostgresOptions) =>
  Layer.effectContext(
    Effect.gen(function* () {
      const client = yield* PgClient.make({
        url: Redacted.make(options.url),
        maxConnections: options.maxConnections ?? 10,
        applicationName: "senderid"
      })
      const context = Context.make(PgClient.PgClient, client).pipe(Context.add(SqlClient.SqlClient, client))
      yield* migrate.pipe(Effect.provideContext(context))
      return context
    }).pipe(
      Effect.mapError((cause) => {
        const url = new URL(options.url)
        return new RepositoryError({
          operation: `open the PostgreSQL database ${url.host}${url.pathname}`,
          cause
        })
      })
    )
  ).pipe(Layer.provide(Reactivity.layer))

/** The registry's repository on PostgreSQL. */
export const layer = (options: PostgresOptions) =>
  Layer.effect(SenderIdRepository, SqlRepository.make).pipe(Layer.provide(layerClient(options)))
