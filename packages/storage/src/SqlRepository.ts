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
import { Array as Arr, Effect, identity, Schedule } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import { makeBookReadModel } from "./internal/bookReadModel.ts"
import { makeGroupCommit } from "./internal/groupCommit.ts"
import { commitRegistration, registrationOf } from "./internal/pgRegistration.ts"
import { makeReads } from "./internal/reads.ts"
import {
  type AuditRow,
  accountBody,
  accountInsertRow,
  accountQueue,
  accountSubject,
  auditRowsOf,
  challengeInsertRow,
  deletedSenderIdQueue,
  documentInsertRow,
  outboxInsertRow,
  type QueueEntries,
  senderIdBody,
  senderIdInsertRow,
  senderIdQueue
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

export interface SqlRepositoryOptions {
  /**
   * Commit the commits of one event-loop turn in one transaction, a SAVEPOINT each (`groupCommit.ts`).
   * For a single-writer engine reached over one connection (SQLite); on PostgreSQL each commit keeps
   * its own transaction, so that commits from one pool run side by side.
   */
  readonly groupCommit?: boolean
  /**
   * Keep account books in memory, updated by each commit (`bookReadModel.ts`), up to this many books.
   * Only for a process that is the database's only writer; implies `groupCommit`, whose one writer
   * applies commits to the books in commit order.
   */
  readonly readModel?: { readonly maxBooks?: number } | undefined
}

export const makeWith = Effect.fnUntraced(function* (options: SqlRepositoryOptions = {}) {
  const sql = yield* SqlClient.SqlClient

  /** Engine hiccups worth another try: busy or locked files, deadlocks, serialization failures,
   * dropped connections. The whole transaction is replayed, so a retry never half-applies. */
  const transient = (error: unknown) => isSqlError(error) && error.isRetryable

  const appendAudit = (subject: string, accountId: string, log: SenderId.SenderId["log"]) => {
    const rows = auditRowsOf(subject, accountId, log)
    // Entries already stored keep their content: an append never rewrites history.
    return Arr.isReadonlyArrayNonEmpty(rows)
      ? sql`INSERT INTO audit_entries ${sql.insert(rows)} ON CONFLICT (subject, seq) DO NOTHING`.pipe(
          Effect.asVoid
        )
      : Effect.void
  }

  /** Files an aggregate's pending reviews in the queue, in the commit's transaction, once the
   * aggregate's own write went through; a refused change fails the transaction, which takes these
   * rows back with it. A review id already filed under another subject moves to this one: the
   * later write is the current word on it. */
  const enqueue = ({ rows }: QueueEntries) =>
    Arr.isReadonlyArrayNonEmpty(rows)
      ? sql`INSERT INTO review_queue ${sql.insert(rows)} ON CONFLICT (review_id) DO UPDATE SET
        kind = excluded.kind, account_id = excluded.account_id, handle_key = excluded.handle_key,
        phone_number = excluded.phone_number, date_created = excluded.date_created,
        subject = excluded.subject`.pipe(Effect.asVoid)
      : Effect.void

  /** Replaces the subject's entries: a review decided since leaves the queue. A new aggregate
   * needs only `enqueue`, as no entries outlive theirs (a deletion takes them out). */
  const requeue = (entries: QueueEntries) =>
    sql`DELETE FROM review_queue WHERE subject = ${entries.subject}`.pipe(Effect.andThen(enqueue(entries)))

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
        return sql`INSERT INTO accounts ${sql.insert(accountInsertRow(account))}`.pipe(
          refusedAs(isUniqueViolation, () => new AccountAlreadyExists({ accountId: account.accountId })),
          Effect.andThen(enqueue(accountQueue(account))),
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
            yield* requeue(accountQueue(account))
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
          yield* sql`INSERT INTO sender_ids ${sql.insert(senderIdInsertRow(senderId))}`.pipe(
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
          yield* enqueue(senderIdQueue(senderId))
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
          yield* requeue(senderIdQueue(senderId))
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
          yield* requeue(deletedSenderIdQueue(senderId))
          yield* appendAudit(senderId.handleKey, senderId.accountId, senderId.log)
        })
      }
      case "InsertDocument": {
        const { document } = change
        return sql`INSERT INTO documents ${sql.insert(documentInsertRow(document))}`.pipe(
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
        return sql`INSERT INTO challenges ${sql.insert(challengeInsertRow(challenge))}`.pipe(
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
        return sql`INSERT INTO outbox ${sql.insert(outboxInsertRow(event))}`.pipe(Effect.asVoid)
      }
      case "MarkEventsPublished":
        return change.eventIds.length === 0
          ? Effect.void
          : sql`UPDATE outbox SET published = 1 WHERE ${sql.in("event_id", change.eventIds)}`.pipe(
              Effect.asVoid
            )
    }
  }

  const reads = makeReads(sql, {
    auditRows: (subjects) =>
      sql<AuditRow>`SELECT * FROM audit_entries WHERE ${sql.in("subject", subjects)} ORDER BY subject, seq`,
    // Reads retry transient failures too (a dropped pooled connection is replaced on retry).
    retry: (effect) =>
      effect.pipe(
        Effect.retry({
          while: transient,
          times: 5,
          schedule: Schedule.spaced("20 millis").pipe(Schedule.jittered)
        })
      )
  })
  const books =
    options.readModel === undefined ? undefined : makeBookReadModel(reads, options.readModel.maxBooks)

  const applyAll = (changes: ReadonlyArray<Change>) =>
    Effect.forEach(changes, apply, { discard: true }).pipe(
      // Discarded with the savepoint when this commit is refused; run in commit order otherwise.
      books === undefined
        ? identity
        : Effect.andThen(sql.afterCommit(Effect.sync(() => books.apply(changes))))
    )
  const grouped =
    options.groupCommit === true || books !== undefined
      ? yield* makeGroupCommit(sql, applyAll, transient)
      : undefined

  const pg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
  /** The mapping `InsertSenderId` applies to its INSERT's unique violations. */
  const refusedRegistration = (senderId: SenderId.SenderId) =>
    refusedAs(isHolderViolation, () => new NumberHeldByAnotherAccount({ phoneNumber: senderId.phoneNumber }))
  /** A commit of its own: on PostgreSQL a registration is one statement (`pgRegistration.ts`), any
   * other shape a transaction. Both are all-or-nothing, so either is safe to replay on a retry. */
  const commitAlone = (changes: ReadonlyArray<Change>): Effect.Effect<void, CommitError | SqlError> => {
    const registration = pg ? registrationOf(changes) : undefined
    if (registration === undefined) return sql.withTransaction(applyAll(changes))
    const { senderId } = registration
    return commitRegistration(sql, registration).pipe(
      refusedRegistration(senderId),
      refusedAs(
        isUniqueViolation,
        () =>
          new SenderIdAlreadyRegistered({
            accountId: senderId.accountId,
            phoneNumber: senderId.phoneNumber
          })
      )
    )
  }

  const repository: SenderIdRepositoryShape = {
    ...reads,
    ...books?.reads,
    commit:
      grouped === undefined
        ? (changes) =>
            commitAlone(changes).pipe(
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
        : (changes) =>
            grouped(changes).pipe(
              Effect.mapError((error) => (isSqlError(error) ? asRepositoryError("commit")(error) : error))
            )
  }
  return repository
})

/** The repository with each commit in a transaction of its own. */
export const make = makeWith()
