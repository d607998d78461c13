/**
 * The embedded default: the registry in one SQLite file through `node:sqlite` (`sqliteClient.ts`),
 * in WAL mode.
 * `synchronous` NORMAL (default) keeps every committed transaction through a process crash and
 * may lose the last few commits on power failure or an OS crash (the file stays consistent);
 * FULL survives those too, at the cost of an fsync per commit.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { RepositoryError, SenderIdRepository } from "@senderid/domain"
import { Context, Effect, Layer } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as SqlClient from "effect/sql/SqlClient"
import { checkpointInBackground } from "./internal/checkpointer.ts"
import { migrate } from "./Migrations.ts"
import * as SqlRepository from "./SqlRepository.ts"
import * as SqliteClient from "./sqliteClient.ts"

export interface SqliteOptions {
  /** Path of the database file; its folder is created if missing. */
  readonly filename: string
  readonly synchronous?: "NORMAL" | "FULL"
  /** How long a writer waits for another process's lock before the adapter retries. */
  readonly busyTimeoutMillis?: number
  /**
   * `background` (default): WAL checkpoints run in a worker thread on a timer, never inside a
   * request's COMMIT (`internal/checkpointer.ts`); `automatic`: SQLite's own, every 1,000 pages.
   */
  readonly checkpoints?: "background" | "automatic"
}

/** Connection settings the single connection needs before the first query. */
const configure = (options: SqliteOptions) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    // The durability promised above rests on WAL.
    if (options.filename !== ":memory:") yield* sql.unsafe("PRAGMA journal_mode = WAL")
    yield* sql.unsafe(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMillis ?? 5000)}`)
    yield* sql.unsafe(`PRAGMA synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`)
    yield* sql.unsafe("PRAGMA foreign_keys = ON")
    if (backgroundCheckpoints(options)) yield* sql.unsafe("PRAGMA wal_autocheckpoint = 0")
  })

const backgroundCheckpoints = (options: SqliteOptions) =>
  options.filename !== ":memory:" && options.checkpoints !== "automatic"

/** A `SqlClient` on the file, configured and migrated. A missing folder is created; a file that is
 * not a SQLite database, or holds another application's tables, fails with a `RepositoryError`
 * that says so — and the failed migration leaves the file as it was. */
export const layerClient = (options: SqliteOptions) =>
  Layer.effectContext(
    Effect.gen(function* () {
      if (options.filename !== ":memory:") {
        yield* Effect.try(() => mkdirSync(dirname(options.filename), { recursive: true }))
      }
      const client = yield* SqliteClient.make({ filename: options.filename })
      const context = Context.make(SqlClient.SqlClient, client)
      yield* configure(options).pipe(Effect.andThen(migrate), Effect.provideContext(context))
      if (backgroundCheckpoints(options)) yield* checkpointInBackground(options.filename)
      return context
    }).pipe(
      Effect.mapError(
        (cause) => new RepositoryError({ operation: `open the SQLite database ${options.filename}`, cause })
      )
    )
  ).pipe(Layer.provide(Reactivity.layer))

export interface RepositoryOptions {
  /**
   * This process is the file's only writer (the server `pnpm start` runs): keep account books in
   * memory, updated by each commit, so the book and the message sender's reads cost no query.
   * Leave it off when other processes write the same file.
   */
  readonly singleWriter?: boolean
}

/**
 * The registry's repository over a SQLite client: commits are group-committed (one transaction per
 * event-loop turn, a SAVEPOINT each), since SQLite has one writer and one connection here anyway.
 */
export const makeRepository = (options: RepositoryOptions = {}) =>
  SqlRepository.makeWith({ groupCommit: true, ...(options.singleWriter === true ? { readModel: {} } : {}) })

/** The registry's repository on a SQLite file. */
export const layer = (options: SqliteOptions & RepositoryOptions) =>
  Layer.effect(SenderIdRepository, makeRepository(options)).pipe(Layer.provide(layerClient(options)))
