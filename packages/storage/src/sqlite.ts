/**
 * The embedded default: the registry in one SQLite file through `node:sqlite`, in WAL mode.
 * `synchronous` NORMAL (default) keeps every committed transaction through a process crash and
 * may lose the last few commits on power failure or an OS crash; FULL survives those too, at the
 * cost of an fsync per commit.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { SenderIdRepository } from "@senderid/domain"
import { Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { migrate } from "./Migrations.ts"
import * as SqlRepository from "./SqlRepository.ts"

export interface SqliteOptions {
  /** Path of the database file; its folder is created if missing. */
  readonly filename: string
  readonly synchronous?: "NORMAL" | "FULL"
  /** How long a writer waits for another process's lock before the adapter retries. */
  readonly busyTimeoutMillis?: number
}

/** Connection settings every connection needs before the first query. */
const configure = (options: SqliteOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql.unsafe(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMillis ?? 5000)}`)
    yield* sql.unsafe(`PRAGMA synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`)
    yield* sql.unsafe("PRAGMA foreign_keys = ON")
  })

/** A `SqlClient` on the file, configured and migrated. */
export const layerClient = (options: SqliteOptions) =>
  Layer.effectDiscard(configure(options).pipe(Effect.andThen(migrate))).pipe(
    Layer.provideMerge(
      Layer.unwrap(
        Effect.sync(() => {
          if (options.filename !== ":memory:") mkdirSync(dirname(options.filename), { recursive: true })
          return SqliteClient.layer({ filename: options.filename })
        })
      )
    )
  )

/** The registry's repository on a SQLite file. */
export const layer = (options: SqliteOptions) =>
  Layer.effect(SenderIdRepository, SqlRepository.make).pipe(Layer.provide(layerClient(options)))
