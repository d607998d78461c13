/**
 * What an engine plans for the statements a read runs: SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's
 * `EXPLAIN`, one line per step, and the check that a plan reads along an index in the order a page
 * is read, so a page costs the same however large the table.
 */
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import * as Statement from "effect/sql/Statement"

/** The statements an effect runs, as the engine receives them. */
export const statementsOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const statements: Array<readonly [string, ReadonlyArray<unknown>]> = []
    yield* effect.pipe(
      Effect.provideService(Statement.CurrentTransformer, (statement) =>
        Effect.sync(() => {
          statements.push(statement.compile())
          return statement
        })
      )
    )
    return statements
  })

/** The engine's plan for one statement, one line per step. PostgreSQL is told to avoid sequential
 * scans and sorts, so a plan that still has one shows that no index can serve the statement (an
 * empty table would be scanned anyway). */
export const planOf = (text: string, params: ReadonlyArray<unknown>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.onDialectOrElse({
      pg: () =>
        sql.withTransaction(
          sql`SET LOCAL enable_seqscan = off`.pipe(
            Effect.andThen(sql`SET LOCAL enable_sort = off`),
            Effect.andThen(sql.unsafe<Record<string, string>>(`EXPLAIN (COSTS OFF) ${text}`, params)),
            Effect.map((rows) => rows.map((row) => Object.values(row).join("")))
          )
        ),
      orElse: () =>
        sql
          .unsafe<{ detail: string }>(`EXPLAIN QUERY PLAN ${text}`, params)
          .pipe(Effect.map((rows) => rows.map((row) => row.detail)))
    })
  })

/** The engine's plan (`planOf`) for each statement that touches `table`, inserts aside. */
export const plansOf = <A, E, R>(table: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const plans: Array<ReadonlyArray<string>> = []
    for (const [text, params] of yield* statementsOf(effect)) {
      if (!new RegExp(`\\b${table}\\b`, "u").test(text) || text.startsWith("INSERT")) continue
      plans.push(yield* planOf(text, params))
    }
    return plans
  })

/** Whether a plan reads the table through `index` with no full scan of the table and no sort of
 * the whole result (sorting ties of an index's order — SQLite's "LAST TERM", PostgreSQL's
 * incremental sort — is fine). A scan of an index in order that stops at the page's end is fine. */
export const servedBy = (plan: ReadonlyArray<string>, index: string) => {
  const text = plan.join("\n")
  assert.include(text, index, text)
  assert.notMatch(text, /^SCAN \w+$|USE TEMP B-TREE FOR ORDER BY|Seq Scan|^\s*(->\s+)?Sort$/mu, text)
}
