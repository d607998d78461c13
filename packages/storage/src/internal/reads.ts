/**
 * The repository's queries, shared by the SQL adapter (SQLite, PostgreSQL) and the D1 adapter.
 * They differ only in how a list of audit subjects is bound (D1 caps bound parameters at 100) and
 * in which engine failures a read retries; both are passed in. Text is ordered by code unit as the
 * memory adapter does: SQLite's BINARY collation already does, PostgreSQL is told to (`COLLATE "C"`).
 */
import {
  type Eligibility,
  type RegistryCounts,
  RepositoryError,
  Review,
  SenderId,
  type SenderIdRepositoryShape
} from "@senderid/domain"
import { Array as Arr, Effect, Option, Schema } from "effect"
import type * as SqlClient from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import type { Statement } from "effect/sql/Statement"
import { countHeld } from "./heldCounts.ts"
import { findBookPg } from "./pgBook.ts"
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
  type QueueRow,
  queuedReviewOf,
  type SenderIdRow,
  senderIdOf
} from "./rows.ts"

/** Lower case for A–Z only, as SQLite's `lower()` (and the memory adapter) do. */
const asciiLower = (text: string) => text.replace(/[A-Z]/gu, (c) => c.toLowerCase())

/** A LIKE pattern matching `text` anywhere, its wildcards and the escape character taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`

/** A count for every key, each 0: `registryStats` names every status and kind, found or not. */
const zeroes = <K extends string>(keys: ReadonlyArray<K>): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>

/** Audit subjects looked up per statement, well below every engine's cap on bound variables. */
const AUDIT_SUBJECTS_PER_READ = 1_000

const isStatus = Schema.is(SenderId.SenderIdStatus)

/** Numbers looked up per `sendingState` statement: with the account id, D1's cap of 100 bound
 * parameters. */
const NUMBERS_PER_STATE_READ = 99

/** One row of `registryStats`' answer: a count of one thing (`name` within `facet`). */
interface CountRow {
  readonly facet: "account" | "status" | "review" | "week"
  readonly name: string
  readonly n: unknown
}

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
  // A few statements per large book rather than one: engines cap the variables a statement binds
  // (SQLite 32,766, PostgreSQL 65,535), and a whole book binds one per number.
  const auditFor = (subjects: ReadonlyArray<string>) =>
    Effect.forEach(Arr.chunksOf(subjects, AUDIT_SUBJECTS_PER_READ), options.auditRows).pipe(
      Effect.map((chunks) => {
        const bySubject = new Map<string, Array<unknown>>()
        for (const rows of chunks) {
          for (const row of rows) {
            const list = bySubject.get(row.subject) ?? []
            list.push(auditEntryOf(row))
            bySubject.set(row.subject, list)
          }
        }
        return bySubject
      })
    )

  const senderIdsOf = (rows: ReadonlyArray<SenderIdRow>) =>
    auditFor(rows.map((r) => r.handle_key)).pipe(
      Effect.flatMap((logs) => Effect.forEach(rows, (row) => senderIdOf(row, logs.get(row.handle_key) ?? [])))
    )

  const accountsOf = (rows: ReadonlyArray<AccountRow>) =>
    auditFor(rows.map((r) => accountSubject(r.account_id))).pipe(
      Effect.flatMap((logs) =>
        Effect.forEach(rows, (row) => accountOf(row, logs.get(accountSubject(row.account_id)) ?? []))
      )
    )

  const pg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
  /** A text column in code-unit order: SQLite's default BINARY, PostgreSQL's "C" (the database's
   * default collation follows its locale). `accounts_by_id` and `sender_ids_book` are "C" indexes
   * that serve it there. */
  const binary = (column: string) => sql.literal(pg ? `${column} COLLATE "C"` : column)

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
    // PostgreSQL aggregates the book in one statement; elsewhere (SQLite in process, D1 where JSON
    // aggregation of a large book costs more than it saves) the account, then its book.
    findBook: (accountId) =>
      read(
        "findBook",
        pg
          ? findBookPg(sql, accountId)
          : Effect.gen(function* () {
              const rows = yield* sql<AccountRow>`SELECT * FROM accounts WHERE account_id = ${accountId}`
              const row = rows[0]
              if (row === undefined) return Option.none()
              const logs = yield* auditFor([accountSubject(accountId)])
              const account = yield* accountOf(row, logs.get(accountSubject(accountId)) ?? [])
              const senderIds = yield* senderIdsOf(
                yield* sql<SenderIdRow>`SELECT * FROM sender_ids WHERE account_id = ${accountId}
                  ORDER BY date_created, ${binary("handle_key")}`
              )
              return Option.some({ account, senderIds })
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
          ORDER BY date_created, ${binary("handle_key")}`.pipe(Effect.flatMap(senderIdsOf))
      ),
    // One ordered range of `sender_ids_book` (or `_book_by_status`), stopped one row past the page:
    // the cost of a page does not grow with the book. The leading `>=` is implied by the rest; it
    // gives the engines a range to seek to.
    listSenderIdPage: (accountId, query) =>
      read(
        "listSenderIdPage",
        Effect.gen(function* () {
          const { start } = query
          const conditions = [
            sql`account_id = ${accountId}`,
            ...(query.status === undefined ? [] : [sql`status = ${query.status}`]),
            ...(start === undefined
              ? []
              : [
                  sql`date_created >= ${start.dateCreated}`,
                  sql`(date_created > ${start.dateCreated} OR (date_created = ${start.dateCreated}
                    AND ${binary("handle_key")} >= ${start.handleKey}))`
                ])
          ]
          const rows = yield* sql<SenderIdRow>`SELECT * FROM sender_ids WHERE ${sql.and(conditions)}
            ORDER BY date_created, ${binary("handle_key")} LIMIT ${query.limit + 1}`
          const senderIds = yield* senderIdsOf(rows.slice(0, query.limit))
          const after = rows[query.limit]
          return {
            items: senderIds,
            nextKey:
              after === undefined
                ? null
                : SenderId.bookCursor({
                    dateCreated: Number(after.date_created),
                    handleKey: after.handle_key
                  })
          }
        })
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
    // Per chunk one statement: the account by its primary key, left-joined to its registrations of
    // the chunk's numbers through `one_registration_per_account` (account_id, phone_number), so
    // a number costs one index lookup, no body or audit row is read, and the suspension and the
    // states come from one consistent view. No row at all: the account does not exist.
    sendingState: (accountId, phoneNumbers) =>
      read<Eligibility.SendingState, RepositoryError>(
        "sendingState",
        Effect.gen(function* () {
          const suspended = sql.literal(
            pg ? "(a.body::jsonb -> 'suspension') IS NOT NULL" : "(a.body -> '$.suspension') IS NOT NULL"
          )
          const chunks = phoneNumbers.length === 0 ? [[]] : Arr.chunksOf(phoneNumbers, NUMBERS_PER_STATE_READ)
          const rows = yield* Effect.forEach(
            chunks,
            (chunk) =>
              sql<{
                suspended: unknown
                phone_number: string | null
                status: string | null
                expire_at: unknown
              }>`SELECT CASE WHEN ${suspended} THEN 1 ELSE 0 END AS suspended, s.phone_number, s.status, s.expire_at
              FROM accounts a
              LEFT JOIN sender_ids s ON s.account_id = a.account_id AND s.phone_number IN ${sql.in(chunk)}
              WHERE a.account_id = ${accountId}`
          ).pipe(Effect.map((chunked) => chunked.flat()))
          const numbers: Array<Eligibility.NumberState> = []
          for (const row of rows) {
            if (row.phone_number === null || row.status === null) continue
            // The column is only ever written from an aggregate's status; anything else is a corrupt row.
            if (!isStatus(row.status)) {
              return yield* new RepositoryError({
                operation: "sendingState",
                cause: new Error(`unknown status in sender_ids: ${row.status}`)
              })
            }
            numbers.push({
              phoneNumber: row.phone_number,
              status: row.status,
              expireAt: row.expire_at === null ? null : Number(row.expire_at)
            })
          }
          return { accountSuspended: rows.some((row) => Number(row.suspended) === 1), numbers }
        })
      ),
    findHolders: (phoneNumber) =>
      read(
        "findHolders",
        sql<SenderIdRow>`SELECT * FROM sender_ids WHERE phone_number = ${phoneNumber}
          AND status IN ('ACTIVE', 'INACTIVE')`.pipe(Effect.flatMap(senderIdsOf))
      ),
    registrationContext: (accountId, phoneNumber) =>
      read<{ registered: boolean; holderAccounts: ReadonlyArray<string> }, never>(
        "registrationContext",
        sql<{ account_id: string; own: unknown }>`SELECT account_id, 1 AS own FROM sender_ids
            WHERE account_id = ${accountId} AND phone_number = ${phoneNumber}
          UNION ALL
          SELECT account_id, 0 AS own FROM sender_ids
            WHERE phone_number = ${phoneNumber} AND status IN ('ACTIVE', 'INACTIVE')`.pipe(
          Effect.map((rows) => ({
            registered: rows.some((row) => Number(row.own) === 1),
            holderAccounts: rows.filter((row) => Number(row.own) === 0).map((row) => row.account_id)
          }))
        )
      ),
    listLapsed: (now, limit) =>
      read(
        "listLapsed",
        sql<SenderIdRow>`SELECT * FROM sender_ids WHERE expire_at IS NOT NULL AND expire_at <= ${now}
          AND status <> 'EXPIRED' ORDER BY expire_at, handle_key LIMIT ${limit}`.pipe(
          Effect.flatMap(senderIdsOf)
        )
      ),
    // `status <> 'EXPIRED' AND expire_at IS NOT NULL` add nothing to the holders' window, but
    // spelled out they let SQLite match the partial index `sender_ids_lapsing` (it proves a
    // partial index's WHERE term by term, not `IN` against `<>`).
    listExpiring: (query) =>
      read(
        "listExpiring",
        sql<SenderIdRow>`SELECT * FROM sender_ids
          WHERE ${sql.and([
            "status IN ('ACTIVE', 'INACTIVE')",
            "status <> 'EXPIRED'",
            "expire_at IS NOT NULL",
            sql`expire_at >= ${query.from}`,
            sql`expire_at < ${query.to}`,
            ...(query.accountId === undefined ? [] : [sql`account_id = ${query.accountId}`])
          ])}
          ORDER BY expire_at, ${binary("handle_key")} LIMIT ${query.limit}`.pipe(Effect.flatMap(senderIdsOf))
      ),
    // Each filter has an index in the queue's order (`review_queue_by_*`), so a page is one ordered
    // index range. `review_id` is bytewise on every engine (PostgreSQL declares it "C").
    listPendingReviews: (query) =>
      read(
        "listPendingReviews",
        Effect.gen(function* () {
          // An unparseable start key lists from the start, as the memory adapter does.
          const start = query.startKey === undefined ? undefined : Review.parseQueueCursor(query.startKey)
          const conditions = [
            ...(query.kind === undefined ? [] : [sql`kind = ${query.kind}`]),
            ...(query.accountId === undefined ? [] : [sql`account_id = ${query.accountId}`]),
            // The leading `>=` is implied by the rest; it gives the engines a range to seek to.
            ...(start === undefined
              ? []
              : [
                  sql`date_created >= ${start.dateCreated}`,
                  sql`(date_created > ${start.dateCreated} OR (date_created = ${start.dateCreated}
                    AND review_id >= ${start.reviewId}))`
                ])
          ]
          // One row past the page tells whether there is a next page and where it starts.
          const rows = yield* sql<QueueRow>`SELECT review_id, kind, account_id, handle_key, phone_number,
              date_created
            FROM review_queue WHERE ${sql.and(conditions)}
            ORDER BY date_created, review_id LIMIT ${query.limit + 1}`
          const reviews = yield* Effect.forEach(rows, queuedReviewOf)
          const after = reviews[query.limit]
          return {
            items: reviews.slice(0, query.limit),
            nextKey: after === undefined ? null : Review.queueCursor(after)
          }
        })
      ),
    // A search cannot use an index (it matches anywhere in the id): the scan walks the accounts in
    // id order and stops one row past the page.
    listAccounts: (query) =>
      read(
        "listAccounts",
        Effect.gen(function* () {
          const conditions = [
            // Under "C", PostgreSQL's lower() changes A–Z only, like SQLite's.
            ...(query.search === undefined
              ? []
              : [
                  sql`lower(${binary("account_id")}) LIKE ${containing(asciiLower(query.search))} ESCAPE '\\'`
                ]),
            ...(query.startKey === undefined ? [] : [sql`${binary("account_id")} >= ${query.startKey}`])
          ]
          const rows = yield* sql<AccountRow>`SELECT * FROM accounts WHERE ${sql.and(conditions)}
            ORDER BY ${binary("account_id")} LIMIT ${query.limit + 1}`
          const accounts = yield* accountsOf(rows.slice(0, query.limit))
          return { items: accounts, nextKey: rows[query.limit]?.account_id ?? null }
        })
      ),
    countHeld: (accountIds) =>
      read<ReadonlyMap<string, number>, never>("countHeld", countHeld(sql, accountIds)),
    // One statement: one round trip and one consistent view on every engine. Each part is a GROUP
    // BY, so only counts come back. An account's suspension lives in its JSON body, read with each
    // engine's JSON operator. Expiries are bucketed by integer division of their distance from `now`:
    // D1 binds every JS number as REAL (7 / 2 is 3.5 there), so the bounds are cast to BIGINT
    // (SQLite's INTEGER) and all three engines divide integers; the range keeps the dividend
    // non-negative, so truncation is the floor. The holders' filter is `listExpiring`'s, so SQLite
    // can use the partial index `sender_ids_lapsing`.
    registryStats: (query) =>
      read<RegistryCounts, never>(
        "registryStats",
        Effect.gen(function* () {
          const end = query.now + query.weeks * query.weekMillis
          const suspended = sql.literal(
            pg ? "(body::jsonb -> 'suspension') IS NOT NULL" : "(body -> '$.suspension') IS NOT NULL"
          )
          const rows = yield* sql<CountRow>`
            SELECT 'account' AS facet, CASE WHEN ${suspended} THEN 'suspended' ELSE 'open' END AS name,
              COUNT(*) AS n
            FROM accounts GROUP BY 2
            UNION ALL
            SELECT 'status', status, COUNT(*) FROM sender_ids GROUP BY status
            UNION ALL
            SELECT 'review', kind, COUNT(*) FROM review_queue GROUP BY kind
            UNION ALL
            SELECT 'week', CAST(week AS TEXT), COUNT(*) FROM (
              SELECT (expire_at - CAST(${query.now} AS BIGINT)) / CAST(${query.weekMillis} AS BIGINT) AS week
              FROM sender_ids
              WHERE status IN ('ACTIVE', 'INACTIVE') AND status <> 'EXPIRED' AND expire_at IS NOT NULL
                AND expire_at >= ${query.now} AND expire_at < ${end}
            ) expiring GROUP BY week`
          let accounts = 0
          let suspendedAccounts = 0
          const senderIds = zeroes(SenderId.SenderIdStatus.literals)
          const reviews = zeroes(Review.ReviewKind.literals)
          const expiringByWeek = Array.from({ length: query.weeks }, () => 0)
          for (const row of rows) {
            const n = Number(row.n)
            if (row.facet === "account") {
              accounts += n
              if (row.name === "suspended") suspendedAccounts += n
            } else if (row.facet === "status" && Object.hasOwn(senderIds, row.name)) {
              senderIds[row.name as SenderId.SenderIdStatus] += n
            } else if (row.facet === "review" && Object.hasOwn(reviews, row.name)) {
              reviews[row.name as Review.ReviewKind] += n
            } else if (row.facet === "week") {
              const week = Number(row.name)
              if (Number.isInteger(week) && week >= 0 && week < query.weeks) expiringByWeek[week] = n
            }
          }
          return { accounts, suspendedAccounts, senderIds, reviews, expiringByWeek }
        })
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
