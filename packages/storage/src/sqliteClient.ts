/**
 * Effect's `SqlClient` over `node:sqlite` (a Node builtin), shaped for the registry: one connection,
 * lent statement by statement without a scope, each statement prepared once and kept, and the
 * transaction controls (BEGIN, COMMIT, the savepoints) prepared like any other statement. It replaces
 * the `@effect/sql-sqlite-node` beta, which needed a patch to load on effect 4.1 and spent about
 * 13 µs of every statement in its TTL cache, on metadata it read again on each call.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite"
import { Context, Effect, Fiber, Layer, Scope, Semaphore, Stream } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as SqlClient from "effect/sql/SqlClient"
import type { Connection } from "effect/sql/SqlConnection"
import { classifySqliteError, SqlError } from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"

export interface SqliteClientOptions {
  /** The database file, or `:memory:`. */
  readonly filename: string
  readonly readonly?: boolean
}

/**
 * Prepared statements kept at most. The registry's statements are a fixed set, but a multi-row
 * insert or an `IN` list has a text per length: past this many, the oldest are let go.
 */
const PREPARED_MAX = 500

interface Prepared {
  readonly statement: StatementSync
  /** Read once: asking on every call is what made the beta slow. */
  readonly returnsRows: boolean
}

/** node:sqlite names SQLite's extended result code `errcode`; Effect's classifier reads `errno`. */
const withErrno = (cause: unknown): unknown =>
  typeof cause === "object" && cause !== null && "errcode" in cause && !("errno" in cause)
    ? Object.assign(cause, { errno: (cause as { readonly errcode: unknown }).errcode })
    : cause

/** The engine's own words go into the message: "file is not a database" is what an operator needs. */
const failure = (operation: string, message: string) => (cause: unknown) =>
  new SqlError({
    reason: classifySqliteError(withErrno(cause), {
      message: cause instanceof Error ? `${message}: ${cause.message}` : message,
      operation
    })
  })

const makeConnection = (db: DatabaseSync): Connection => {
  const prepared = new Map<string, Prepared>()
  const prepare = (sql: string): Prepared => {
    const found = prepared.get(sql)
    if (found !== undefined) return found
    const statement = db.prepare(sql)
    const entry = { statement, returnsRows: statement.columns().length > 0 }
    if (prepared.size >= PREPARED_MAX) prepared.delete(prepared.keys().next().value as string)
    prepared.set(sql, entry)
    return entry
  }
  const executeFailed = failure("execute", "Failed to execute statement")

  const rows = (entry: Prepared, params: ReadonlyArray<unknown>) => {
    const values = params as Array<never>
    if (entry.returnsRows) return entry.statement.all(...values)
    entry.statement.run(...values)
    return []
  }
  const arrays = (entry: Prepared, params: ReadonlyArray<unknown>) => {
    entry.statement.setReturnArrays(true)
    try {
      return rows(entry, params) as unknown as ReadonlyArray<ReadonlyArray<unknown>>
    } finally {
      entry.statement.setReturnArrays(false)
    }
  }
  const unprepared = (sql: string): Prepared => {
    const statement = db.prepare(sql)
    return { statement, returnsRows: statement.columns().length > 0 }
  }

  return {
    execute: (sql, params, transformRows) =>
      Effect.try({
        try: () => {
          const result = rows(prepare(sql), params)
          return transformRows === undefined ? result : transformRows(result)
        },
        catch: executeFailed
      }),
    executeRaw: (sql, params) =>
      Effect.try({
        try: () => {
          const entry = prepare(sql)
          return entry.returnsRows
            ? entry.statement.all(...(params as Array<never>))
            : entry.statement.run(...(params as Array<never>))
        },
        catch: executeFailed
      }),
    executeValues: (sql, params) =>
      Effect.try({ try: () => arrays(prepare(sql), params), catch: executeFailed }),
    executeValuesUnprepared: (sql, params) =>
      Effect.try({ try: () => arrays(unprepared(sql), params), catch: executeFailed }),
    executeUnprepared: (sql, params, transformRows) =>
      Effect.try({
        try: () => {
          const result = rows(unprepared(sql), params)
          return transformRows === undefined ? result : transformRows(result)
        },
        catch: executeFailed
      }),
    executeStream: () => Stream.die("streaming queries are not supported by the node:sqlite client")
  }
}

/** A client on the file, open until the scope closes. */
export const make = (
  options: SqliteClientOptions
): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => new DatabaseSync(options.filename, { readOnly: options.readonly ?? false }),
        catch: failure("connect", "Failed to open the database")
      }),
      (db) => Effect.sync(() => db.close())
    )
    const connection = makeConnection(db)
    // One connection: a transaction holds it from BEGIN to COMMIT, so other statements wait for it
    // rather than land inside someone else's transaction.
    const semaphore = yield* Semaphore.make(1)
    const acquirer = Effect.uninterruptibleMask((restore) => {
      const scope = Context.getUnsafe(Fiber.getCurrent()?.context ?? Context.empty(), Scope.Scope)
      return restore(semaphore.take(1)).pipe(
        Effect.tap(() => Scope.addFinalizer(scope, semaphore.release(1))),
        Effect.as(connection)
      )
    })
    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      borrower: (f) => semaphore.withPermit(f(connection)),
      compiler: Statement.makeCompilerSqlite(),
      driver: "node:sqlite",
      spanAttributes: [["db.system.name", "sqlite"]],
      prepareTransactionControls: true
    })
  })

/** `make` as a layer of `SqlClient`. */
export const layer = (options: SqliteClientOptions): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.effect(SqlClient.SqlClient, make(options)).pipe(Layer.provide(Reactivity.layer))
