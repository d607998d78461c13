/**
 * The registry on Cloudflare D1, for Workers. D1 has no interactive transactions, so the schema is
 * applied as one batch recorded in `senderid_migrations`, and a commit is one atomic `db.batch`
 * whose statements enforce every invariant themselves (`internal/d1Batch.ts`). Reads and typed
 * errors match `SqlRepository`. Web APIs only: nothing here may import `node:*`.
 */
import type { D1Database } from "@cloudflare/workers-types"
import * as D1Client from "@effect/sql-d1/D1Client"
import {
  type Change,
  RepositoryError,
  SenderIdRepository,
  type SenderIdRepositoryShape
} from "@senderid/domain"
import { Effect, Layer, Schedule } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import {
  explain,
  guardStatements,
  jsonList,
  keysOf,
  messageOf,
  refusalOf,
  type Snapshot,
  statementsOf
} from "./internal/d1Batch.ts"
import { makeReads } from "./internal/reads.ts"
import type { AuditRow } from "./internal/rows.ts"
import {
  arsPinHashStatements,
  auditNoteStatements,
  auditRequestStatements,
  bookOrderStatements,
  challengeLookupStatements,
  registryStatements,
  reviewQueueStatements,
  serverStoreStatements,
  serviceKeyStatements,
  usableNumbersStatements,
  webhookStatements
} from "./Migrations.ts"

/** The migrations' bookkeeping table, shaped like the one Effect's migrator keeps elsewhere. */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS senderid_migrations (
  migration_id integer PRIMARY KEY NOT NULL,
  created_at datetime NOT NULL DEFAULT current_timestamp,
  name VARCHAR(255) NOT NULL
)`

/** Lets a start that lost the race to another replay the statements harmlessly. */
const ifNotExists = (statement: string) =>
  statement.replace(/^CREATE (UNIQUE )?(TABLE|INDEX) (?!IF NOT EXISTS)/u, "CREATE $1$2 IF NOT EXISTS ")

/** The same numbering as `Migrations.migrations`; D1's registry also holds the commit guards. */
const migrations: ReadonlyArray<{
  readonly id: number
  readonly name: string
  readonly statements: ReadonlyArray<string>
}> = [
  {
    id: 1,
    name: "1_registry",
    statements: [...registryStatements("sqlite"), ...guardStatements].map(ifNotExists)
  },
  { id: 2, name: "2_server_stores", statements: serverStoreStatements("sqlite").map(ifNotExists) },
  { id: 3, name: "3_usable_numbers", statements: usableNumbersStatements().map(ifNotExists) },
  // ALTER TABLE is not replayable, but a start that loses the race is refused whole by the record insert.
  { id: 4, name: "4_challenge_lookup", statements: challengeLookupStatements("sqlite").map(ifNotExists) },
  // The backfill skips reviews already queued, so a replay adds nothing twice.
  { id: 5, name: "5_review_queue", statements: reviewQueueStatements("sqlite").map(ifNotExists) },
  { id: 6, name: "6_webhooks", statements: webhookStatements("sqlite").map(ifNotExists) },
  { id: 7, name: "7_audit_request", statements: auditRequestStatements() },
  { id: 8, name: "8_book_order", statements: bookOrderStatements("sqlite").map(ifNotExists) },
  { id: 9, name: "9_review_notes", statements: auditNoteStatements() },
  // Replaying the update finds no PIN left to remove.
  { id: 10, name: "10_ars_pin_hash", statements: arsPinHashStatements("sqlite").map(ifNotExists) },
  { id: 11, name: "11_service_keys", statements: serviceKeyStatements() }
]

const onDatabase = <A>(operation: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (cause) => new RepositoryError({ operation, cause }) })

const appliedMigrations = (db: D1Database) =>
  Effect.gen(function* () {
    const table = yield* onDatabase("migrate", () =>
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'senderid_migrations'")
        .all<{ name: string }>()
    )
    if (table.results.length === 0) return new Set<number>()
    const rows = yield* onDatabase("migrate", () =>
      db.prepare("SELECT migration_id FROM senderid_migrations").all<{ migration_id: number }>()
    )
    return new Set(rows.results.map((row) => Number(row.migration_id)))
  })

/**
 * Applies every migration not applied yet, each as one batch (all or nothing), and returns the
 * names it applied. A batch starts by recording its migration: when a concurrent start recorded it
 * first, that insert's primary key refuses the whole batch, and this start carries on.
 */
export const migrate = Effect.fn("D1.migrate")(function* (db: D1Database) {
  const applied = yield* appliedMigrations(db)
  const names: Array<string> = []
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue
    const won = yield* onDatabase(`migrate ${migration.name}`, () =>
      db.batch([
        db.prepare(MIGRATIONS_TABLE),
        db
          .prepare("INSERT INTO senderid_migrations (migration_id, name) VALUES (?, ?)")
          .bind(migration.id, migration.name),
        ...migration.statements.map((statement) => db.prepare(statement))
      ])
    ).pipe(
      Effect.as(true),
      Effect.catchIf(
        (error) => String(error.cause).includes("UNIQUE constraint failed: senderid_migrations.migration_id"),
        () => Effect.succeed(false)
      )
    )
    if (won) names.push(migration.name)
  }
  return names
})

/**
 * The failures Cloudflare documents as transient (its D1 retry guide). A refused batch rolled back,
 * so it is replayed whole; one that committed before the connection dropped is refused on replay
 * by its own keys, as with `SqlRepository`'s retry of a dropped connection.
 */
const transient = (error: unknown) =>
  isSqlError(error) &&
  ["Network connection lost", "storage caused object to be reset", "reset because its code was updated"].some(
    (needle) => messageOf(error).includes(needle)
  )

const asRepositoryError = (operation: string) => (error: SqlError) =>
  new RepositoryError({ operation, cause: error })

/** The repository over a migrated `D1Client`. */
export const make = Effect.gen(function* () {
  const sql = yield* D1Client.D1Client

  /** The rows a refused batch touched, read in one (consistent) batch after the rollback. */
  const snapshotOf = (changes: ReadonlyArray<Change>) => {
    const keys = keysOf(changes)
    return sql
      .batch([
        sql<{ account_id: string; lim: number; held: number; version: number }>`SELECT account_id, lim, held,
          version FROM accounts WHERE account_id IN (SELECT value FROM json_each(${jsonList(keys.accounts)}))`,
        sql<{
          handle_key: string
          account_id: string
          phone_number: string
          status: string
          version: number
          log_length: number
        }>`SELECT handle_key, account_id, phone_number, status, version, log_length FROM sender_ids
          WHERE handle_key IN (SELECT value FROM json_each(${jsonList(keys.handleKeys)}))
            OR phone_number IN (SELECT value FROM json_each(${jsonList(keys.phoneNumbers)}))`,
        sql<{ document_id: string }>`SELECT document_id FROM documents
          WHERE document_id IN (SELECT value FROM json_each(${jsonList(keys.documents)}))`,
        sql<{ transaction_id: string; version: number }>`SELECT transaction_id, version FROM challenges
          WHERE transaction_id IN (SELECT value FROM json_each(${jsonList(keys.challenges)}))`
      ])
      .pipe(
        Effect.map(
          ([accounts, senderIds, documents, challenges]): Snapshot => ({
            accounts: new Map(
              accounts.map((r) => [
                r.account_id,
                { limit: Number(r.lim), held: Number(r.held), version: Number(r.version) }
              ])
            ),
            senderIds: senderIds.map((r) => ({
              handleKey: r.handle_key,
              accountId: r.account_id,
              phoneNumber: r.phone_number,
              status: r.status,
              version: Number(r.version),
              logLength: Number(r.log_length)
            })),
            documents: new Set(documents.map((r) => r.document_id)),
            challenges: new Map(challenges.map((r) => [r.transaction_id, Number(r.version)]))
          })
        )
      )
  }

  /** Turns the engine's refusal (a constraint or guard the batch broke) into the domain's typed error. */
  const refused = Effect.fn("D1Repository.refused")(function* (
    changes: ReadonlyArray<Change>,
    error: SqlError
  ) {
    const refusal = refusalOf(error)
    if (refusal === undefined) return yield* Effect.fail(error)
    const explained = explain(refusal, changes, yield* snapshotOf(changes))
    return yield* explained === undefined ? Effect.fail(error) : Effect.fail(explained)
  })

  const repository: SenderIdRepositoryShape = {
    ...makeReads(sql, {
      // One bound parameter for the whole list: D1 allows at most 100 per statement.
      auditRows: (subjects) =>
        sql<AuditRow>`SELECT * FROM audit_entries
          WHERE subject IN (SELECT value FROM json_each(${jsonList(subjects)})) ORDER BY subject, seq`,
      retry: (effect) => effect
    }),
    commit: (changes) =>
      sql.batch(changes.flatMap((change) => statementsOf(sql, change))).pipe(
        Effect.catch((error) => refused(changes, error)),
        Effect.retry({
          while: transient,
          times: 5,
          schedule: Schedule.exponential("20 millis").pipe(Schedule.jittered)
        }),
        Effect.mapError((error) => (isSqlError(error) ? asRepositoryError("commit")(error) : error))
      )
  }
  return repository
})

/** A `D1Client` on the database, migrated. */
export const layerClient = (db: D1Database): Layer.Layer<D1Client.D1Client | SqlClient, RepositoryError> =>
  Layer.effectDiscard(migrate(db)).pipe(
    // The layer's `ConfigError` cannot happen: the configuration is given, not read.
    Layer.provideMerge(Layer.orDie(D1Client.layer({ db })))
  )

/** The registry's repository on a D1 database (a Worker's binding), migrated on build. */
export const layer = (db: D1Database): Layer.Layer<SenderIdRepository, RepositoryError> =>
  Layer.effect(SenderIdRepository, make).pipe(Layer.provide(layerClient(db)))
