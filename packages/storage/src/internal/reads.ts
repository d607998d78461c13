/**
 * The repository's queries, shared by the SQL adapter (SQLite, PostgreSQL) and the D1 adapter.
 * They differ only in how a list of audit subjects is bound (D1 caps bound parameters at 100) and
 * in which engine failures a read retries; both are passed in.
 */
import { RepositoryError, type SenderIdRepositoryShape } from "@senderid/domain"
import { Effect, Option } from "effect"
import type * as SqlClient from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import type { Statement } from "effect/sql/Statement"
import {
  type AccountRow,
  type AuditRow,
  accountOf,
  accountSubject,
  auditEntryOf,
  auditTrailOf,
  challengeOf,
  documentOf,
  eventOf,
  type SenderIdRow,
  senderIdOf
} from "./rows.ts"

export interface ReadOptions {
  /** The audit rows of the given subjects, ordered by subject and seq. */
  readonly auditRows: (subjects: ReadonlyArray<string>) => Statement<AuditRow>
  /** Wraps every read, e.g. to retry transient engine failures. */
  readonly retry: <A, E>(effect: Effect.Effect<A, E | SqlError>) => Effect.Effect<A, E | SqlError>
}

export const makeReads = (
  sql: SqlClient.SqlClient,
  options: ReadOptions
): Omit<SenderIdRepositoryShape, "commit"> => {
  const auditFor = (subjects: ReadonlyArray<string>) =>
    subjects.length === 0
      ? Effect.succeed(new Map<string, Array<unknown>>())
      : options.auditRows(subjects).pipe(
          Effect.map((rows) => {
            const bySubject = new Map<string, Array<unknown>>()
            for (const row of rows) {
              const list = bySubject.get(row.subject) ?? []
              list.push(auditEntryOf(row))
              bySubject.set(row.subject, list)
            }
            return bySubject
          })
        )

  const senderIdsOf = (rows: ReadonlyArray<SenderIdRow>) =>
    auditFor(rows.map((r) => r.handle_key)).pipe(
      Effect.flatMap((logs) => Effect.forEach(rows, (row) => senderIdOf(row, logs.get(row.handle_key) ?? [])))
    )

  const read = <A, E>(operation: string, effect: Effect.Effect<A, E | SqlError>) =>
    options
      .retry(effect)
      .pipe(Effect.mapError((e) => (isSqlError(e) ? new RepositoryError({ operation, cause: e }) : e)))

  return {
    findAccount: (accountId) =>
      read(
        "findAccount",
        Effect.gen(function* () {
          const rows = yield* sql<AccountRow>`SELECT * FROM accounts WHERE account_id = ${accountId}`
          const row = rows[0]
          if (row === undefined) return Option.none()
          const logs = yield* auditFor([accountSubject(accountId)])
          return Option.some(yield* accountOf(row, logs.get(accountSubject(accountId)) ?? []))
        })
      ),
    findSenderId: (accountId, phoneNumber) =>
      read(
        "findSenderId",
        sql<SenderIdRow>`SELECT * FROM sender_ids WHERE account_id = ${accountId} AND phone_number = ${phoneNumber}`.pipe(
          Effect.flatMap(senderIdsOf),
          Effect.map((found) => Option.fromNullishOr(found[0]))
        )
      ),
    listSenderIds: (accountId) =>
      read(
        "listSenderIds",
        sql<SenderIdRow>`SELECT * FROM sender_ids WHERE account_id = ${accountId}
          ORDER BY date_created, handle_key`.pipe(Effect.flatMap(senderIdsOf))
      ),
    // `status = 'ACTIVE'` stays a literal so the engines match the partial index
    // `sender_ids_usable`, which covers the query and holds its rows in the book's order.
    listUsableNumbers: (accountId, now) =>
      read<ReadonlyArray<string>, never>(
        "listUsableNumbers",
        sql<{ phone_number: string }>`SELECT phone_number FROM sender_ids
          WHERE account_id = ${accountId} AND status = 'ACTIVE' AND (expire_at IS NULL OR expire_at > ${now})
          ORDER BY date_created, handle_key`.pipe(Effect.map((rows) => rows.map((row) => row.phone_number)))
      ),
    isUsable: (accountId, phoneNumber, now) =>
      read<boolean, never>(
        "isUsable",
        sql<{ usable: unknown }>`SELECT 1 AS usable FROM sender_ids
          WHERE account_id = ${accountId} AND phone_number = ${phoneNumber} AND status = 'ACTIVE'
            AND (expire_at IS NULL OR expire_at > ${now})`.pipe(Effect.map((rows) => rows.length > 0))
      ),
    findHolders: (phoneNumber) =>
      read(
        "findHolders",
        sql<SenderIdRow>`SELECT * FROM sender_ids WHERE phone_number = ${phoneNumber}
          AND status IN ('ACTIVE', 'INACTIVE')`.pipe(Effect.flatMap(senderIdsOf))
      ),
    listLapsed: (now, limit) =>
      read(
        "listLapsed",
        sql<SenderIdRow>`SELECT * FROM sender_ids WHERE expire_at IS NOT NULL AND expire_at <= ${now}
          AND status <> 'EXPIRED' ORDER BY expire_at, handle_key LIMIT ${limit}`.pipe(
          Effect.flatMap(senderIdsOf)
        )
      ),
    auditTrail: (handleKey) =>
      read(
        "auditTrail",
        auditFor([handleKey]).pipe(Effect.flatMap((logs) => auditTrailOf(logs.get(handleKey) ?? [])))
      ),
    findDocument: (documentId) =>
      read(
        "findDocument",
        sql<{
          body: string
          in_use: unknown
        }>`SELECT body, in_use FROM documents WHERE document_id = ${documentId}`.pipe(
          Effect.flatMap((rows) =>
            rows[0] ? documentOf(rows[0]).pipe(Effect.map(Option.some)) : Effect.succeed(Option.none())
          )
        )
      ),
    listDocuments: (accountId, query) =>
      read(
        "listDocuments",
        Effect.gen(function* () {
          const conditions = [
            sql`account_id = ${accountId}`,
            ...(query.documentId === undefined ? [] : [sql`document_id = ${query.documentId}`]),
            ...(query.category === undefined ? [] : [sql`category = ${query.category}`]),
            ...(query.use === undefined ? [] : [sql`in_use = ${query.use ? 1 : 0}`]),
            ...(query.from === undefined ? [] : [sql`date_created >= ${query.from}`]),
            ...(query.to === undefined ? [] : [sql`date_created <= ${query.to}`]),
            ...(query.startKey === undefined ? [] : [sql`document_id >= ${query.startKey}`])
          ]
          // One row past the page tells whether there is a next page and where it starts.
          const rows = yield* sql<{ body: string; in_use: unknown }>`SELECT body, in_use FROM documents
            WHERE ${sql.and(conditions)} ORDER BY document_id LIMIT ${query.limit + 1}`
          const documents = yield* Effect.forEach(rows, documentOf)
          return {
            items: documents.slice(0, query.limit),
            nextKey: documents[query.limit]?.documentId ?? null
          }
        })
      ),
    callsPlaced: (phoneNumber, since) =>
      read<ReadonlyArray<number>, never>(
        "callsPlaced",
        sql<{ placed_at: unknown }>`SELECT placed_at FROM challenges
          WHERE phone_number = ${phoneNumber} AND placed_at >= ${since} ORDER BY placed_at DESC`.pipe(
          Effect.map((rows) => rows.map((row) => Number(row.placed_at)))
        )
      ),
    findChallenge: (transactionId) =>
      read(
        "findChallenge",
        sql<{ body: string; version: unknown }>`SELECT body, version FROM challenges
          WHERE transaction_id = ${transactionId}`.pipe(
          Effect.flatMap((rows) =>
            rows[0] ? challengeOf(rows[0]).pipe(Effect.map(Option.some)) : Effect.succeed(Option.none())
          )
        )
      ),
    unpublishedEvents: (limit) =>
      read(
        "unpublishedEvents",
        sql<{ body: string }>`SELECT body FROM outbox WHERE published = 0 ORDER BY seq LIMIT ${limit}`.pipe(
          Effect.flatMap((rows) => Effect.forEach(rows, eventOf))
        )
      )
  }
}
