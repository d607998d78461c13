/**
 * An account's whole book in one PostgreSQL statement: the account row with its audit log and
 * every sender ID with its own, aggregated by the engine into JSON (`json_agg`) in the book's order.
 * One round trip and one snapshot, where the shared form (`findAccount` then `listSenderIds`) costs
 * three statements: the book is read after every customer write, so it is on the hottest path.
 */
import type { AccountBook, RepositoryError } from "@senderid/domain"
import { Effect, Option } from "effect"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import {
  type AccountRow,
  type AuditRow,
  accountOf,
  accountSubject,
  auditEntryOf,
  type SenderIdRow,
  senderIdOf
} from "./rows.ts"

interface BookRow extends AccountRow {
  /** JSON: the account's audit rows, oldest first. */
  readonly log: unknown
  /** JSON: `{ row, log }` per sender ID, in the book's order. */
  readonly sender_ids: unknown
}

/** The driver parses `json` columns; a text column holding JSON (another parser set up) is parsed here. */
const parsed = <A>(value: unknown): A => (typeof value === "string" ? JSON.parse(value) : value) as A

export const findBookPg = (
  sql: SqlClient.SqlClient,
  accountId: string
): Effect.Effect<Option.Option<AccountBook>, RepositoryError | SqlError> =>
  Effect.gen(function* () {
    // Each audit log is an index range of `audit_entries`' primary key (subject, seq); the sender
    // IDs are a range of `sender_ids_book`, ordered as `listSenderIds` orders them.
    const rows = yield* sql<BookRow>`SELECT a.account_id, a.lim, a.version, a.body,
        (SELECT COALESCE(json_agg(e ORDER BY e.seq), '[]'::json) FROM audit_entries e
          WHERE e.subject = ${accountSubject(accountId)}) AS log,
        (SELECT COALESCE(json_agg(json_build_object('row', s, 'log',
            (SELECT COALESCE(json_agg(e ORDER BY e.seq), '[]'::json) FROM audit_entries e
              WHERE e.subject = s.handle_key))
          ORDER BY s.date_created, s.handle_key COLLATE "C"), '[]'::json)
          FROM sender_ids s WHERE s.account_id = a.account_id) AS sender_ids
      FROM accounts a WHERE a.account_id = ${accountId}`
    const row = rows[0]
    if (row === undefined) return Option.none()
    const log = parsed<ReadonlyArray<AuditRow>>(row.log)
    const entries = parsed<ReadonlyArray<{ row: SenderIdRow; log: ReadonlyArray<AuditRow> }>>(row.sender_ids)
    const account = yield* accountOf(row, log.map(auditEntryOf))
    const senderIds = yield* Effect.forEach(entries, (entry) =>
      senderIdOf(entry.row, entry.log.map(auditEntryOf))
    )
    return Option.some({ account, senderIds })
  })
