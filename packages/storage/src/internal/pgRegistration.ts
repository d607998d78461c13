/**
 * A registration's commit in one PostgreSQL statement. The hot commit (a new sender ID, its audit
 * entries and its events) would otherwise cost BEGIN, four statements and COMMIT: six round trips.
 * Compiled into one data-modifying CTE it runs in autocommit, so it is atomic on its own: every
 * sub-statement applies or, on any error (a unique violation), none does.
 *
 * CTE sub-statements share one snapshot and see each other's effects only through RETURNING, so
 * each insert is guarded on the one before it having returned a row: the slot (`held < lim`, which
 * also takes the account row's lock and re-checks it after waiting, as the transaction's UPDATE
 * does), then the sender ID, then its audit rows and events. The final SELECT tells why nothing was
 * inserted: no account row in the snapshot (`AccountNotFound`), or no slot (`SenderIdLimitReached`).
 */
import {
  AccountNotFound,
  type Change,
  type RegistryEvent,
  type SenderId,
  SenderIdLimitReached
} from "@senderid/domain"
import { Effect } from "effect"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { auditRowsOf, outboxInsertRow, senderIdInsertRow, senderIdQueue } from "./rows.ts"

/** The commit shapes compiled here: one new sender ID that files no review, and its events. */
export interface Registration {
  readonly senderId: SenderId.SenderId
  readonly events: ReadonlyArray<RegistryEvent.RegistryEvent>
}

/** The registration these changes are, or undefined for any other shape (which keeps the
 * transaction). A review filed with the registration (evidence attached) also marks documents used,
 * so it is never this shape; the queue check keeps that true should it change. */
export const registrationOf = (changes: ReadonlyArray<Change>): Registration | undefined => {
  const [first, ...rest] = changes
  if (first?._tag !== "InsertSenderId" || senderIdQueue(first.senderId).rows.length > 0) return undefined
  const events: Array<RegistryEvent.RegistryEvent> = []
  for (const change of rest) {
    if (change._tag !== "AppendEvent") return undefined
    events.push(change.event)
  }
  return { senderId: first.senderId, events }
}

/** A CTE inserting `rows` into `table` once `guard` (an earlier CTE) returned a row. The rows are one
 * JSON parameter, read back as the table's own row type (`json_populate_recordset`), so every column
 * gets its declared type without a cast per value. */
const guardedInsert = (
  sql: SqlClient.SqlClient,
  name: string,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  guard: string,
  tail = ""
) => {
  const columns = sql.literal(Object.keys(rows[0] ?? {}).join(", "))
  return sql`, ${sql.literal(name)} AS (
    INSERT INTO ${sql.literal(table)} (${columns})
    SELECT ${columns} FROM json_populate_recordset(NULL::${sql.literal(table)}, ${JSON.stringify(rows)}::json)
    WHERE EXISTS (SELECT 1 FROM ${sql.literal(guard)}) ${sql.literal(tail)}
  )`
}

/** Inserts the registration, or fails with why not; a unique violation is raised as the engine's
 * error for the caller to map (the statement applied nothing). */
export const commitRegistration = (
  sql: SqlClient.SqlClient,
  { senderId, events }: Registration
): Effect.Effect<void, AccountNotFound | SenderIdLimitReached | SqlError> =>
  Effect.gen(function* () {
    const row = senderIdInsertRow(senderId)
    const columns = sql.literal(Object.keys(row).join(", "))
    const audit = auditRowsOf(senderId.handleKey, senderId.accountId, senderId.log)
    const outbox = events.map(outboxInsertRow)
    const empty = sql.literal("")
    const [result] = yield* sql<{ inserted: unknown; lim: unknown }>`WITH
      slot AS (
        UPDATE accounts SET held = held + 1
        WHERE account_id = ${senderId.accountId} AND held < lim RETURNING account_id
      ),
      registration AS (
        INSERT INTO sender_ids (${columns})
        SELECT ${columns} FROM json_populate_record(NULL::sender_ids, ${JSON.stringify(row)}::json)
        WHERE EXISTS (SELECT 1 FROM slot)
        RETURNING handle_key
      )
      ${audit.length === 0 ? empty : guardedInsert(sql, "audit", "audit_entries", audit, "registration", "ON CONFLICT (subject, seq) DO NOTHING")}
      ${outbox.length === 0 ? empty : guardedInsert(sql, "events", "outbox", outbox, "registration")}
      SELECT (SELECT COUNT(*) FROM registration) AS inserted,
        (SELECT lim FROM accounts WHERE account_id = ${senderId.accountId}) AS lim`
    if (Number(result?.inserted) === 1) return
    return yield* result === undefined || result.lim === null
      ? new AccountNotFound({ accountId: senderId.accountId })
      : new SenderIdLimitReached({ accountId: senderId.accountId, limit: Number(result.lim) })
  })
