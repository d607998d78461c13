/**
 * A commit as one D1 batch, and a refused batch back as the domain's typed error. D1 has no
 * interactive transactions, so nothing can be checked between statements: every invariant fails
 * inside SQL (a schema constraint, or a guard after a write that may match no row) and the whole
 * batch rolls back. The error names only the constraint, so the change that broke it is picked
 * afterwards from the batch and a read of the rows it touches.
 */
import {
  AccountAlreadyExists,
  AccountNotFound,
  type Change,
  type CommitError,
  ConcurrentModification,
  LimitBelowHeld,
  NumberHeldByAnotherAccount,
  type SenderId,
  SenderIdAlreadyRegistered,
  SenderIdLimitReached
} from "@senderid/domain"
import type { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import type { Statement } from "effect/sql/Statement"
import {
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
} from "./rows.ts"

/**
 * The guards' table. It stays empty: a guard inserts a row only when the write before it changed
 * nothing (`changes()` is the previous statement's row count), and the row breaks the named CHECK,
 * which aborts the batch with a message naming the refusal.
 */
export const guardStatements: ReadonlyArray<string> = [
  `CREATE TABLE commit_guard (
    account_missing INTEGER CONSTRAINT account_missing CHECK (account_missing IS NULL),
    account_stale INTEGER CONSTRAINT account_stale CHECK (account_stale IS NULL),
    sender_id_stale INTEGER CONSTRAINT sender_id_stale CHECK (sender_id_stale IS NULL),
    document_missing INTEGER CONSTRAINT document_missing CHECK (document_missing IS NULL),
    challenge_stale INTEGER CONSTRAINT challenge_stale CHECK (challenge_stale IS NULL)
  )`
]

type Guard = "account_missing" | "account_stale" | "sender_id_stale" | "document_missing" | "challenge_stale"

const guard = (sql: SqlClient, name: Guard) =>
  sql.unsafe(`INSERT INTO commit_guard (${name}) SELECT 1 WHERE changes() = 0`)

/** A list as one bound parameter: D1 allows at most 100 per statement, so `IN (?, ?, …)` does not scale. */
export const jsonList = (values: ReadonlyArray<string>) => JSON.stringify(values)

const appendAudit = (sql: SqlClient, subject: string, accountId: string, log: SenderId.SenderId["log"]) =>
  log.length === 0
    ? []
    : [
        // One statement for the whole log, whatever its length (see `jsonList`); entries already
        // stored keep their content: an append never rewrites history.
        sql`INSERT INTO audit_entries (subject, seq, account_id, create_at, message, actor_type, actor_id,
            status_before, status_after, request_id, api_key, note)
          SELECT value ->> '$.subject', value ->> '$.seq', value ->> '$.account_id', value ->> '$.create_at',
            value ->> '$.message', value ->> '$.actor_type', value ->> '$.actor_id', value ->> '$.status_before',
            value ->> '$.status_after', value ->> '$.request_id', value ->> '$.api_key', value ->> '$.note'
          FROM json_each(${JSON.stringify(auditRowsOf(subject, accountId, log))}) WHERE true
          ON CONFLICT (subject, seq) DO NOTHING`
      ]

/**
 * Files an aggregate's pending reviews in the queue. Placed after the change's guard, never before
 * one: a guard reads `changes()` of the statement just before it. A refused change aborts the
 * batch, so the queue moves only with a write that applied. As in `SqlRepository`, a review id
 * filed under another subject moves to this one.
 */
const enqueue = (sql: SqlClient, { rows }: QueueEntries) =>
  rows.length === 0
    ? []
    : [
        // One bound parameter for all the entries (see `jsonList`).
        sql`INSERT INTO review_queue (review_id, kind, account_id, handle_key, phone_number, date_created, subject)
          SELECT value ->> '$.review_id', value ->> '$.kind', value ->> '$.account_id', value ->> '$.handle_key',
            value ->> '$.phone_number', value ->> '$.date_created', value ->> '$.subject'
          FROM json_each(${JSON.stringify(rows)}) WHERE true
          ON CONFLICT (review_id) DO UPDATE SET kind = excluded.kind, account_id = excluded.account_id,
            handle_key = excluded.handle_key, phone_number = excluded.phone_number,
            date_created = excluded.date_created, subject = excluded.subject`
      ]

/** Replaces the subject's entries; a new aggregate needs only `enqueue` (see `SqlRepository`). */
const requeue = (sql: SqlClient, entries: QueueEntries) => [
  sql`DELETE FROM review_queue WHERE subject = ${entries.subject}`,
  ...enqueue(sql, entries)
]

/** The statements of one change, in the order `SqlRepository` runs them. */
export const statementsOf = (sql: SqlClient, change: Change): ReadonlyArray<Statement<object>> => {
  switch (change._tag) {
    case "InsertAccount": {
      const { account } = change
      return [
        sql`INSERT INTO accounts ${sql.insert(accountInsertRow(account))}`,
        ...enqueue(sql, accountQueue(account)),
        ...appendAudit(sql, accountSubject(account.accountId), account.accountId, account.log)
      ]
    }
    case "UpdateAccount": {
      const { account } = change
      return [
        // Lowering the limit below the sender IDs held breaks the schema's `held_within_limit`.
        sql`UPDATE accounts SET lim = ${account.limit}, body = ${accountBody(account)}, version = version + 1
          WHERE account_id = ${account.accountId} AND version = ${account.version}`,
        guard(sql, "account_stale"),
        ...requeue(sql, accountQueue(account)),
        ...appendAudit(sql, accountSubject(account.accountId), account.accountId, account.log)
      ]
    }
    case "InsertSenderId": {
      const { senderId } = change
      return [
        // Taking a slot breaks `held_within_limit` when the book is full; no row means no account.
        sql`UPDATE accounts SET held = held + 1 WHERE account_id = ${senderId.accountId}`,
        guard(sql, "account_missing"),
        sql`INSERT INTO sender_ids ${sql.insert(senderIdInsertRow(senderId))}`,
        ...enqueue(sql, senderIdQueue(senderId)),
        ...appendAudit(sql, senderId.handleKey, senderId.accountId, senderId.log)
      ]
    }
    case "UpdateSenderId": {
      const { senderId } = change
      return [
        sql`UPDATE sender_ids SET status = ${senderId.status}, expire_at = ${senderId.expireAt},
            body = ${senderIdBody(senderId)}, log_length = ${senderId.log.length}, version = version + 1
          WHERE handle_key = ${senderId.handleKey} AND account_id = ${senderId.accountId}
            AND phone_number = ${senderId.phoneNumber} AND version = ${senderId.version}
            AND log_length <= ${senderId.log.length}`,
        guard(sql, "sender_id_stale"),
        ...requeue(sql, senderIdQueue(senderId)),
        ...appendAudit(sql, senderId.handleKey, senderId.accountId, senderId.log)
      ]
    }
    case "DeleteSenderId": {
      const { senderId } = change
      return [
        sql`DELETE FROM sender_ids
          WHERE handle_key = ${senderId.handleKey} AND account_id = ${senderId.accountId}
            AND version = ${senderId.version} AND log_length <= ${senderId.log.length}`,
        guard(sql, "sender_id_stale"),
        sql`UPDATE accounts SET held = held - 1 WHERE account_id = ${senderId.accountId}`,
        ...requeue(sql, deletedSenderIdQueue(senderId)),
        ...appendAudit(sql, senderId.handleKey, senderId.accountId, senderId.log)
      ]
    }
    case "InsertDocument": {
      const { document } = change
      return [sql`INSERT INTO documents ${sql.insert(documentInsertRow(document))}`]
    }
    case "UpdateDocument": {
      const { document } = change
      return [
        sql`UPDATE documents SET in_use = ${document.use ? 1 : 0}, body = ${JSON.stringify(document)}
          WHERE document_id = ${document.documentId}`,
        guard(sql, "document_missing")
      ]
    }
    case "DeleteDocument":
      return [
        sql`DELETE FROM documents WHERE document_id = ${change.documentId}`,
        guard(sql, "document_missing")
      ]
    case "InsertChallenge":
      return [sql`INSERT INTO challenges ${sql.insert(challengeInsertRow(change.challenge))}`]
    case "UpdateChallenge": {
      const { version, ...body } = change.challenge
      return [
        sql`UPDATE challenges SET body = ${JSON.stringify(body)}, version = version + 1
          WHERE transaction_id = ${change.challenge.transactionId} AND version = ${version}`,
        guard(sql, "challenge_stale")
      ]
    }
    case "AppendEvent": {
      const { event } = change
      return [sql`INSERT INTO outbox ${sql.insert(outboxInsertRow(event))}`]
    }
    case "MarkEventsPublished":
      return change.eventIds.length === 0
        ? []
        : [
            sql`UPDATE outbox SET published = 1
              WHERE event_id IN (SELECT value FROM json_each(${jsonList(change.eventIds)}))`
          ]
  }
}

/** Which rule a refused batch broke, read from the constraint D1 names. */
export type Refusal =
  | "limit"
  | "accountExists"
  | "accountMissing"
  | "registered"
  | "held"
  | "accountStale"
  | "senderIdStale"
  | "documentTaken"
  | "documentMissing"
  | "challengeTaken"
  | "challengeStale"

const checks: Readonly<Record<string, Refusal>> = {
  held_within_limit: "limit",
  account_missing: "accountMissing",
  account_stale: "accountStale",
  sender_id_stale: "senderIdStale",
  document_missing: "documentMissing",
  challenge_stale: "challengeStale"
}

/** SQLite names a unique violation by its columns; the partial index `sender_ids_one_holder` is
 * the only one on `phone_number` alone. */
const uniques: Readonly<Record<string, Refusal>> = {
  "accounts.account_id": "accountExists",
  "sender_ids.handle_key": "registered",
  "sender_ids.account_id, sender_ids.phone_number": "registered",
  "sender_ids.phone_number": "held",
  "documents.document_id": "documentTaken",
  "challenges.transaction_id": "challengeTaken"
}

/** What the engine said, e.g. `D1_ERROR: CHECK constraint failed: held_within_limit: SQLITE_CONSTRAINT`. */
export const messageOf = (error: SqlError): string => {
  const cause = error.reason.cause
  return cause instanceof Error ? cause.message : String(cause)
}

export const refusalOf = (error: SqlError): Refusal | undefined => {
  const message = messageOf(error)
  const check = /CHECK constraint failed: (\w+)/u.exec(message)?.[1]
  if (check !== undefined) return checks[check]
  const unique = /UNIQUE constraint failed: (\w+\.\w+(?:, \w+\.\w+)*)/u.exec(message)?.[1]
  if (unique !== undefined) return uniques[unique]
  // The guard after taking a slot refuses first; the foreign key stays as the schema's own word.
  return message.includes("FOREIGN KEY constraint failed") ? "accountMissing" : undefined
}

/** The rows a refused batch touched, as they are after the rollback. */
export interface Snapshot {
  readonly accounts: ReadonlyMap<
    string,
    { readonly limit: number; readonly held: number; readonly version: number }
  >
  readonly senderIds: ReadonlyArray<{
    readonly handleKey: string
    readonly accountId: string
    readonly phoneNumber: string
    readonly status: string
    readonly version: number
    readonly logLength: number
  }>
  readonly documents: ReadonlySet<string>
  readonly challenges: ReadonlyMap<string, number>
}

/** The keys a snapshot reads for `changes`. */
export const keysOf = (changes: ReadonlyArray<Change>) => {
  const accounts = new Set<string>()
  const handleKeys = new Set<string>()
  const phoneNumbers = new Set<string>()
  const documents = new Set<string>()
  const challenges = new Set<string>()
  for (const change of changes) {
    switch (change._tag) {
      case "InsertAccount":
      case "UpdateAccount":
        accounts.add(change.account.accountId)
        break
      case "InsertSenderId":
      case "UpdateSenderId":
      case "DeleteSenderId":
        accounts.add(change.senderId.accountId)
        handleKeys.add(change.senderId.handleKey)
        phoneNumbers.add(change.senderId.phoneNumber)
        break
      case "InsertDocument":
      case "UpdateDocument":
        documents.add(change.document.documentId)
        break
      case "DeleteDocument":
        documents.add(change.documentId)
        break
      case "InsertChallenge":
      case "UpdateChallenge":
        challenges.add(change.challenge.transactionId)
        break
    }
  }
  return {
    accounts: [...accounts],
    handleKeys: [...handleKeys],
    phoneNumbers: [...phoneNumbers],
    documents: [...documents],
    challenges: [...challenges]
  }
}

const holds = (status: string) => status === "ACTIVE" || status === "INACTIVE"

/** The first candidate the snapshot (or an earlier candidate of the same batch) shows to be the
 * culprit; the first candidate when rows changed again since and none does. */
const pick = <C>(
  candidates: ReadonlyArray<C>,
  culprit: (candidate: C, earlier: ReadonlyArray<C>) => boolean
): C | undefined => candidates.find((c, i) => culprit(c, candidates.slice(0, i))) ?? candidates[0]

type Tagged<T extends Change["_tag"]> = Extract<Change, { readonly _tag: T }>
const only =
  <T extends Change["_tag"]>(...tags: ReadonlyArray<T>) =>
  (changes: ReadonlyArray<Change>): ReadonlyArray<Tagged<T>> =>
    changes.filter((c): c is Tagged<T> => (tags as ReadonlyArray<string>).includes(c._tag))

/**
 * Replays the batch's slot arithmetic on the accounts as stored, to find which change broke
 * `held_within_limit`: a limit lowered below what is held, or a sender ID past the limit. The
 * limit reported is the one in force at that point of the batch, as `SqlRepository` reads it.
 */
const limitRefusal = (changes: ReadonlyArray<Change>, snapshot: Snapshot): CommitError | undefined => {
  const state = new Map([...snapshot.accounts].map(([id, s]) => [id, { ...s }]))
  for (const change of changes) {
    switch (change._tag) {
      case "InsertAccount":
        state.set(change.account.accountId, {
          limit: change.account.limit,
          held: 0,
          version: change.account.version
        })
        break
      case "UpdateAccount": {
        const { account } = change
        const s = state.get(account.accountId)
        if (s === undefined || s.version !== account.version) break
        if (s.held > account.limit) {
          return new LimitBelowHeld({ accountId: account.accountId, limit: account.limit, held: s.held })
        }
        s.limit = account.limit
        s.version += 1
        break
      }
      case "InsertSenderId": {
        const s = state.get(change.senderId.accountId)
        if (s === undefined) break
        if (s.held + 1 > s.limit)
          return new SenderIdLimitReached({ accountId: change.senderId.accountId, limit: s.limit })
        s.held += 1
        break
      }
      case "DeleteSenderId": {
        const s = state.get(change.senderId.accountId)
        if (s !== undefined) s.held -= 1
        break
      }
    }
  }
  // Rows changed again since the refusal: report it on the first change that could have made it.
  const insert = only("InsertSenderId")(changes)[0]
  if (insert !== undefined) {
    const limit = snapshot.accounts.get(insert.senderId.accountId)?.limit
    return limit === undefined
      ? new AccountNotFound({ accountId: insert.senderId.accountId })
      : new SenderIdLimitReached({ accountId: insert.senderId.accountId, limit })
  }
  const update = only("UpdateAccount")(changes)[0]
  const held = update && snapshot.accounts.get(update.account.accountId)?.held
  return update === undefined || held === undefined
    ? undefined
    : new LimitBelowHeld({ accountId: update.account.accountId, limit: update.account.limit, held })
}

/** The domain error for a refusal, or `undefined` when the batch holds no change that explains it. */
export const explain = (
  refusal: Refusal,
  changes: ReadonlyArray<Change>,
  snapshot: Snapshot
): CommitError | undefined => {
  const accountKnown = (accountId: string, earlier: ReadonlyArray<Change>) =>
    snapshot.accounts.has(accountId) ||
    earlier.some((c) => c._tag === "InsertAccount" && c.account.accountId === accountId)

  switch (refusal) {
    case "limit":
      return limitRefusal(changes, snapshot)
    case "accountExists": {
      const found = pick(
        only("InsertAccount")(changes),
        (c, earlier) =>
          snapshot.accounts.has(c.account.accountId) ||
          earlier.some((e) => e.account.accountId === c.account.accountId)
      )
      return found && new AccountAlreadyExists({ accountId: found.account.accountId })
    }
    case "accountMissing": {
      const found = pick(
        only("InsertSenderId")(changes),
        (c) => !accountKnown(c.senderId.accountId, changes.slice(0, changes.indexOf(c)))
      )
      return found && new AccountNotFound({ accountId: found.senderId.accountId })
    }
    case "registered": {
      const same = (
        a: SenderId.SenderId,
        b: { readonly handleKey: string; readonly accountId: string; readonly phoneNumber: string }
      ) => a.handleKey === b.handleKey || (a.accountId === b.accountId && a.phoneNumber === b.phoneNumber)
      const found = pick(
        only("InsertSenderId")(changes),
        (c, earlier) =>
          snapshot.senderIds.some((s) => same(c.senderId, s)) ||
          earlier.some((e) => same(c.senderId, e.senderId))
      )
      return (
        found &&
        new SenderIdAlreadyRegistered({
          accountId: found.senderId.accountId,
          phoneNumber: found.senderId.phoneNumber
        })
      )
    }
    case "held": {
      const rival = (
        a: SenderId.SenderId,
        b: { readonly handleKey: string; readonly phoneNumber: string; readonly status: string }
      ) => a.handleKey !== b.handleKey && a.phoneNumber === b.phoneNumber && holds(b.status)
      const found = pick(
        only("InsertSenderId", "UpdateSenderId")(changes).filter((c) => holds(c.senderId.status)),
        (c, earlier) =>
          snapshot.senderIds.some((s) => rival(c.senderId, s)) ||
          earlier.some((e) => rival(c.senderId, e.senderId))
      )
      return found && new NumberHeldByAnotherAccount({ phoneNumber: found.senderId.phoneNumber })
    }
    case "accountStale": {
      const found = pick(
        only("UpdateAccount")(changes),
        (c) => snapshot.accounts.get(c.account.accountId)?.version !== c.account.version
      )
      return found && new ConcurrentModification({ entity: "account", id: found.account.accountId })
    }
    case "senderIdStale": {
      // The same conditions as the UPDATE and DELETE (a delete does not compare the number).
      const found = pick(only("UpdateSenderId", "DeleteSenderId")(changes), ({ _tag, senderId }) => {
        const s = snapshot.senderIds.find((row) => row.handleKey === senderId.handleKey)
        return (
          s === undefined ||
          s.version !== senderId.version ||
          s.accountId !== senderId.accountId ||
          s.logLength > senderId.log.length ||
          (_tag === "UpdateSenderId" && s.phoneNumber !== senderId.phoneNumber)
        )
      })
      return found && new ConcurrentModification({ entity: "senderId", id: found.senderId.handleKey })
    }
    case "documentTaken": {
      const found = pick(
        only("InsertDocument")(changes),
        (c, earlier) =>
          snapshot.documents.has(c.document.documentId) ||
          earlier.some((e) => e.document.documentId === c.document.documentId)
      )
      return found && new ConcurrentModification({ entity: "document", id: found.document.documentId })
    }
    case "documentMissing": {
      const id = (c: Tagged<"UpdateDocument" | "DeleteDocument">) =>
        c._tag === "DeleteDocument" ? c.documentId : c.document.documentId
      const found = pick(
        only("UpdateDocument", "DeleteDocument")(changes),
        (c, earlier) =>
          !snapshot.documents.has(id(c)) ||
          earlier.some((e) => e._tag === "DeleteDocument" && id(e) === id(c))
      )
      return found && new ConcurrentModification({ entity: "document", id: id(found) })
    }
    case "challengeTaken": {
      const found = pick(
        only("InsertChallenge")(changes),
        (c, earlier) =>
          snapshot.challenges.has(c.challenge.transactionId) ||
          earlier.some((e) => e.challenge.transactionId === c.challenge.transactionId)
      )
      return found && new ConcurrentModification({ entity: "challenge", id: found.challenge.transactionId })
    }
    case "challengeStale": {
      const found = pick(
        only("UpdateChallenge")(changes),
        (c) => snapshot.challenges.get(c.challenge.transactionId) !== c.challenge.version
      )
      return found && new ConcurrentModification({ entity: "challenge", id: found.challenge.transactionId })
    }
  }
}
