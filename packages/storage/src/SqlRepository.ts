/**
 * The `SenderIdRepository` over Effect's `SqlClient`, for engines with interactive transactions
 * (SQLite through `node:sqlite`, PostgreSQL). A commit runs its changes in one transaction; the
 * schema's constraints are the final word on every invariant, and each refusal is mapped back to
 * the domain's typed error. Transient engine failures (busy, deadlock, serialization, a dropped
 * connection) are retried here and never reach the caller as such.
 */
import {
  AccountAlreadyExists,
  AccountNotFound,
  type Change,
  type CommitError,
  ConcurrentModification,
  LimitBelowHeld,
  NumberHeldByAnotherAccount,
  RepositoryError,
  type SenderId,
  SenderIdAlreadyRegistered,
  SenderIdLimitReached,
  type SenderIdRepositoryShape
} from "@senderid/domain"
import { Array as Arr, Effect, Option, Schedule } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import {
  type AccountRow,
  type AuditRow,
  accountBody,
  accountOf,
  accountSubject,
  auditEntryOf,
  auditRowsOf,
  auditTrailOf,
  challengeOf,
  documentOf,
  eventOf,
  type SenderIdRow,
  senderIdBody,
  senderIdOf
} from "./internal/rows.ts"

const reasonOf = (error: SqlError) => error.cause._tag
const mentions = (error: SqlError, ...needles: ReadonlyArray<string>) => {
  const text = `${error.message} ${String((error.cause as { cause?: unknown }).cause ?? "")}`
  return needles.some((needle) => text.includes(needle))
}

/** SQLite reports unique violations as generic constraint errors; PostgreSQL classifies them. */
const isUniqueViolation = (error: unknown) =>
  isSqlError(error) &&
  (reasonOf(error) === "UniqueViolation" ||
    (reasonOf(error) === "ConstraintError" && mentions(error, "UNIQUE constraint failed")))
/** Which unique rule a violation broke, from the constraint or index name the engine reports. */
const isHolderViolation = (error: unknown) =>
  isUniqueViolation(error) &&
  isSqlError(error) &&
  (mentions(error, "sender_ids_one_holder") ||
    (mentions(error, "sender_ids.phone_number") && !mentions(error, "sender_ids.account_id")))

const asRepositoryError = (operation: string) => (error: SqlError) =>
  new RepositoryError({ operation, cause: error })

export const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  /** Engine hiccups worth another try: busy or locked files, deadlocks, serialization failures,
   * dropped connections. The whole transaction is replayed, so a retry never half-applies. */
  const transient = (error: unknown) => isSqlError(error) && error.isRetryable

  const auditFor = (subjects: ReadonlyArray<string>) =>
    subjects.length === 0
      ? Effect.succeed(new Map<string, Array<unknown>>())
      : sql<AuditRow>`SELECT * FROM audit_entries WHERE ${sql.in("subject", subjects)} ORDER BY subject, seq`.pipe(
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

  /** Reads retry transient failures too (a dropped pooled connection is replaced on retry). */
  const read = <A, E>(operation: string, effect: Effect.Effect<A, E | SqlError>) =>
    effect.pipe(
      Effect.retry({
        while: transient,
        times: 5,
        schedule: Schedule.spaced("20 millis").pipe(Schedule.jittered)
      }),
      Effect.mapError((e) => (isSqlError(e) ? asRepositoryError(operation)(e) : e))
    )

  const appendAudit = (subject: string, accountId: string, log: SenderId.SenderId["log"]) => {
    const rows = auditRowsOf(subject, accountId, log)
    // Entries already stored keep their content: an append never rewrites history.
    return Arr.isReadonlyArrayNonEmpty(rows)
      ? sql`INSERT INTO audit_entries ${sql.insert(rows)} ON CONFLICT (subject, seq) DO NOTHING`.pipe(
          Effect.asVoid
        )
      : Effect.void
  }

  const accountState = (accountId: string) =>
    sql<{ lim: unknown; held: unknown; version: unknown }>`SELECT lim, held, version FROM accounts
      WHERE account_id = ${accountId}`.pipe(
      Effect.map((rows) => {
        const row = rows[0]
        return row === undefined
          ? undefined
          : { limit: Number(row.lim), held: Number(row.held), version: Number(row.version) }
      })
    )

  /** Turns the engine's refusal (a constraint the change broke) into the domain's typed error. */
  const refusedAs =
    <E>(check: (error: unknown) => boolean, refusal: () => E) =>
    <A, E2, R>(effect: Effect.Effect<A, E2, R>): Effect.Effect<A, E2 | E, R> =>
      Effect.catchIf(effect, check, () => Effect.fail(refusal()))

  const apply = (change: Change): Effect.Effect<void, CommitError | SqlError> => {
    switch (change._tag) {
      case "InsertAccount": {
        const { account } = change
        return sql`INSERT INTO accounts ${sql.insert({
          account_id: account.accountId,
          lim: account.limit,
          held: 0,
          version: account.version,
          body: accountBody(account)
        })}`.pipe(
          refusedAs(isUniqueViolation, () => new AccountAlreadyExists({ accountId: account.accountId })),
          Effect.andThen(appendAudit(accountSubject(account.accountId), account.accountId, account.log))
        )
      }
      case "UpdateAccount": {
        const { account } = change
        return Effect.gen(function* () {
          // The conditions keep the transaction healthy (PostgreSQL aborts it on a violated CHECK);
          // the CHECK stays as the schema's own guarantee.
          const updated =
            yield* sql`UPDATE accounts SET lim = ${account.limit}, body = ${accountBody(account)},
              version = version + 1
            WHERE account_id = ${account.accountId} AND version = ${account.version} AND held <= ${account.limit}
            RETURNING account_id`
          if (updated.length > 0) {
            return yield* appendAudit(accountSubject(account.accountId), account.accountId, account.log)
          }
          const current = yield* accountState(account.accountId)
          if (current !== undefined && current.version === account.version) {
            return yield* new LimitBelowHeld({
              accountId: account.accountId,
              limit: account.limit,
              held: current.held
            })
          }
          return yield* new ConcurrentModification({ entity: "account", id: account.accountId })
        })
      }
      case "InsertSenderId": {
        const { senderId } = change
        return Effect.gen(function* () {
          // Taking a slot first locks the account row, which serialises registrations per account.
          const slot = yield* sql`UPDATE accounts SET held = held + 1
            WHERE account_id = ${senderId.accountId} AND held < lim RETURNING lim`
          if (slot.length === 0) {
            const current = yield* accountState(senderId.accountId)
            return yield* current === undefined
              ? new AccountNotFound({ accountId: senderId.accountId })
              : new SenderIdLimitReached({ accountId: senderId.accountId, limit: current.limit })
          }
          yield* sql`INSERT INTO sender_ids ${sql.insert({
            handle_key: senderId.handleKey,
            account_id: senderId.accountId,
            phone_number: senderId.phoneNumber,
            status: senderId.status,
            expire_at: senderId.expireAt,
            date_created: senderId.dateCreated,
            version: senderId.version,
            log_length: senderId.log.length,
            body: senderIdBody(senderId)
          })}`.pipe(
            refusedAs(
              isHolderViolation,
              () => new NumberHeldByAnotherAccount({ phoneNumber: senderId.phoneNumber })
            ),
            refusedAs(
              isUniqueViolation,
              () =>
                new SenderIdAlreadyRegistered({
                  accountId: senderId.accountId,
                  phoneNumber: senderId.phoneNumber
                })
            )
          )
          yield* appendAudit(senderId.handleKey, senderId.accountId, senderId.log)
        })
      }
      case "UpdateSenderId": {
        const { senderId } = change
        return Effect.gen(function* () {
          const updated = yield* sql`UPDATE sender_ids SET status = ${senderId.status},
              expire_at = ${senderId.expireAt}, body = ${senderIdBody(senderId)},
              log_length = ${senderId.log.length}, version = version + 1
            WHERE handle_key = ${senderId.handleKey} AND account_id = ${senderId.accountId}
              AND phone_number = ${senderId.phoneNumber} AND version = ${senderId.version}
              AND log_length <= ${senderId.log.length}
            RETURNING handle_key`.pipe(
            refusedAs(
              isHolderViolation,
              () => new NumberHeldByAnotherAccount({ phoneNumber: senderId.phoneNumber })
            )
          )
          if (updated.length === 0) {
            return yield* new ConcurrentModification({ entity: "senderId", id: senderId.handleKey })
          }
          yield* appendAudit(senderId.handleKey, senderId.accountId, senderId.log)
        })
      }
      case "DeleteSenderId": {
        const { senderId } = change
        return Effect.gen(function* () {
          const deleted = yield* sql`DELETE FROM sender_ids
            WHERE handle_key = ${senderId.handleKey} AND account_id = ${senderId.accountId}
              AND version = ${senderId.version} AND log_length <= ${senderId.log.length}
            RETURNING handle_key`
          if (deleted.length === 0) {
            return yield* new ConcurrentModification({ entity: "senderId", id: senderId.handleKey })
          }
          yield* sql`UPDATE accounts SET held = held - 1 WHERE account_id = ${senderId.accountId}`
          yield* appendAudit(senderId.handleKey, senderId.accountId, senderId.log)
        })
      }
      case "InsertDocument": {
        const { document } = change
        return sql`INSERT INTO documents ${sql.insert({
          document_id: document.documentId,
          account_id: document.accountId,
          category: document.category,
          in_use: document.use ? 1 : 0,
          date_created: document.dateCreated,
          body: JSON.stringify(document)
        })}`.pipe(
          refusedAs(
            isUniqueViolation,
            () => new ConcurrentModification({ entity: "document", id: document.documentId })
          ),
          Effect.asVoid
        )
      }
      case "UpdateDocument": {
        const { document } = change
        return sql`UPDATE documents SET in_use = ${document.use ? 1 : 0}, body = ${JSON.stringify(document)}
          WHERE document_id = ${document.documentId} RETURNING document_id`.pipe(
          Effect.flatMap((rows) =>
            rows.length === 0
              ? Effect.fail(new ConcurrentModification({ entity: "document", id: document.documentId }))
              : Effect.void
          )
        )
      }
      case "DeleteDocument":
        return sql`DELETE FROM documents WHERE document_id = ${change.documentId} RETURNING document_id`.pipe(
          Effect.flatMap((rows) =>
            rows.length === 0
              ? Effect.fail(new ConcurrentModification({ entity: "document", id: change.documentId }))
              : Effect.void
          )
        )
      case "InsertChallenge": {
        const { challenge } = change
        const { version, ...body } = challenge
        return sql`INSERT INTO challenges ${sql.insert({
          transaction_id: challenge.transactionId,
          version,
          body: JSON.stringify(body)
        })}`.pipe(
          refusedAs(
            isUniqueViolation,
            () => new ConcurrentModification({ entity: "challenge", id: challenge.transactionId })
          ),
          Effect.asVoid
        )
      }
      case "UpdateChallenge": {
        const { challenge } = change
        const { version, ...body } = challenge
        return sql`UPDATE challenges SET body = ${JSON.stringify(body)}, version = version + 1
          WHERE transaction_id = ${challenge.transactionId} AND version = ${version} RETURNING transaction_id`.pipe(
          Effect.flatMap((rows) =>
            rows.length === 0
              ? Effect.fail(new ConcurrentModification({ entity: "challenge", id: challenge.transactionId }))
              : Effect.void
          )
        )
      }
      case "AppendEvent": {
        const { event } = change
        return sql`INSERT INTO outbox ${sql.insert({
          event_id: event.eventId,
          account_id: event.accountId,
          published: 0,
          body: JSON.stringify(event)
        })}`.pipe(Effect.asVoid)
      }
      case "MarkEventsPublished":
        return change.eventIds.length === 0
          ? Effect.void
          : sql`UPDATE outbox SET published = 1 WHERE ${sql.in("event_id", change.eventIds)}`.pipe(
              Effect.asVoid
            )
    }
  }

  const repository: SenderIdRepositoryShape = {
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
      ),
    commit: (changes) =>
      sql.withTransaction(Effect.forEach(changes, apply, { discard: true })).pipe(
        // A COMMIT the engine refuses (SQLite: disk full) is raised by withTransaction as a defect,
        // together with the failed ROLLBACK of a transaction SQLite already undid: still an
        // engine failure of this commit, so a typed error.
        Effect.catchDefect((defect) => (isSqlError(defect) ? Effect.fail(defect) : Effect.die(defect))),
        Effect.retry({
          while: transient,
          times: 100,
          schedule: Schedule.spaced("5 millis").pipe(Schedule.jittered)
        }),
        Effect.mapError((error) => (isSqlError(error) ? asRepositoryError("commit")(error) : error))
      )
  }
  return repository
})
