/**
 * How many sender IDs each of a list of accounts holds, for the operator's account list. The
 * `held` column that `commit` keeps in step with the book (it enforces the limit with it) is the
 * count, so this reads one row per account by its primary key and never touches `sender_ids`.
 */
import { Effect } from "effect"
import type * as SqlClient from "effect/sql/SqlClient"

/** Ids bound per statement: D1 takes at most 100 bound parameters. */
const CHUNK = 100

export const countHeld = (sql: SqlClient.SqlClient, accountIds: ReadonlyArray<string>) =>
  Effect.forEach(
    Array.from({ length: Math.ceil(accountIds.length / CHUNK) }, (_, i) =>
      accountIds.slice(i * CHUNK, (i + 1) * CHUNK)
    ),
    (chunk) =>
      sql<{ account_id: string; held: unknown }>`SELECT account_id, held FROM accounts
        WHERE ${sql.in("account_id", chunk)}`
  ).pipe(
    Effect.map(
      (chunks) =>
        new Map(chunks.flat().map((row) => [row.account_id, Number(row.held)] as const)) as ReadonlyMap<
          string,
          number
        >
    )
  )
