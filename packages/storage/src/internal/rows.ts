/**
 * Between rows and aggregates. Columns hold what queries filter and constraints check; the rest
 * of an aggregate is a JSON body, decoded through the domain's schemas on every read so that a
 * corrupt row surfaces as a typed error instead of travelling on as a half-valid object.
 */
import {
  Account,
  type ArsChallenge,
  ArsChallenge as ArsChallengeModel,
  AuditEntry,
  Document,
  RegistryEvent,
  RepositoryError,
  Review,
  SenderId
} from "@senderid/domain"
import { Effect, Result, Schema } from "effect"

/** PostgreSQL returns BIGINT columns as strings; SQLite as numbers. */
const int = (value: unknown): number => (typeof value === "number" ? value : Number(value))
const intOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : int(value)

export interface AuditRow {
  readonly subject: string
  readonly seq: unknown
  readonly account_id: string
  readonly create_at: unknown
  readonly message: string
  readonly actor_type: string
  readonly actor_id: string
  readonly status_before: string | null
  readonly status_after: string | null
  /** Both null on entries made outside a request, and on every entry from before `7_audit_request`. */
  readonly request_id?: string | null
  readonly api_key?: string | null
  /** An operator's note on the change; null on most entries, and on every one from before `9_review_notes`. */
  readonly note?: string | null
}

export const auditEntryOf = (row: AuditRow): unknown => ({
  createAt: int(row.create_at),
  message: row.message,
  actor:
    row.api_key === null || row.api_key === undefined
      ? { type: row.actor_type, id: row.actor_id }
      : { type: row.actor_type, id: row.actor_id, apiKey: row.api_key },
  statusBefore: row.status_before,
  statusAfter: row.status_after,
  ...(row.request_id === null || row.request_id === undefined ? {} : { requestId: row.request_id }),
  ...(row.note === null || row.note === undefined ? {} : { note: row.note })
})

export const auditRowsOf = (
  subject: string,
  accountId: string,
  log: ReadonlyArray<AuditEntry.AuditEntry>
): ReadonlyArray<Record<string, unknown>> =>
  log.map((entry, seq) => ({
    subject,
    seq,
    account_id: accountId,
    create_at: entry.createAt,
    message: entry.message,
    actor_type: entry.actor.type,
    actor_id: entry.actor.id,
    status_before: entry.statusBefore,
    status_after: entry.statusAfter,
    request_id: entry.requestId ?? null,
    api_key: entry.actor.type === "SYSTEM" ? null : (entry.actor.apiKey ?? null),
    note: entry.note ?? null
  }))

export const auditTrailOf = (entries: ReadonlyArray<unknown>) => decodeAuditTrail(entries)

export const accountSubject = (accountId: string) => `account:${accountId}`

/** A stored row is decoded on every read: the decoder is built once per schema, and runs
 * synchronously (every schema here is pure), which is several times cheaper than an Effect per row. */
const decode = <S extends Schema.Codec<unknown, unknown>>(schema: S, what: string) => {
  const decodeRow = Schema.decodeUnknownResult(schema)
  return (value: unknown): Effect.Effect<S["Type"], RepositoryError> => {
    const decoded = decodeRow(value)
    return Result.isSuccess(decoded)
      ? Effect.succeed(decoded.success)
      : Effect.fail(new RepositoryError({ operation: `decode ${what}`, cause: decoded.failure }))
  }
}

const decodeAuditTrail = decode(Schema.Array(AuditEntry.AuditEntry), "audit trail")
const decodeSenderId = decode(SenderId.SenderId, "sender ID")
const decodeAccount = decode(Account.Account, "account")
const decodeDocument = decode(Document.Document, "document")
const decodeChallenge = decode(ArsChallengeModel.ArsChallenge, "challenge")
const decodeEvent = decode(RegistryEvent.RegistryEvent, "event")

const parse = (body: string, what: string) =>
  Effect.try({
    try: () => JSON.parse(body) as Record<string, unknown>,
    catch: (cause) => new RepositoryError({ operation: `parse ${what}`, cause })
  })

export interface SenderIdRow {
  readonly handle_key: string
  readonly account_id: string
  readonly phone_number: string
  readonly status: string
  readonly expire_at: unknown
  readonly date_created: unknown
  readonly version: unknown
  readonly body: string
}

export const senderIdBody = (s: SenderId.SenderId) =>
  JSON.stringify({
    category: s.category,
    method: s.method,
    approvalDocuments: s.approvalDocuments,
    unlockDuplicate: s.unlockDuplicate,
    autoExtension: s.autoExtension,
    ...(s.arsCall === undefined ? {} : { arsCall: s.arsCall }),
    ...(s.suspension === undefined ? {} : { suspension: s.suspension }),
    dateUpdated: s.dateUpdated
  })

export const senderIdOf = (row: SenderIdRow, log: ReadonlyArray<unknown>) =>
  parse(row.body, "sender ID").pipe(
    Effect.flatMap((body) =>
      decodeSenderId({
        ...body,
        handleKey: row.handle_key,
        accountId: row.account_id,
        phoneNumber: row.phone_number,
        status: row.status,
        expireAt: intOrNull(row.expire_at),
        dateCreated: int(row.date_created),
        version: int(row.version),
        log
      })
    )
  )

export interface AccountRow {
  readonly account_id: string
  readonly lim: unknown
  readonly version: unknown
  readonly body: string
}

export const accountBody = (a: Account.Account) =>
  JSON.stringify({
    limitationRequests: a.limitationRequests,
    ...(a.suspension === undefined ? {} : { suspension: a.suspension }),
    dateCreated: a.dateCreated,
    dateUpdated: a.dateUpdated
  })

export const accountOf = (row: AccountRow, log: ReadonlyArray<unknown>) =>
  parse(row.body, "account").pipe(
    Effect.flatMap((body) =>
      decodeAccount({
        ...body,
        accountId: row.account_id,
        limit: int(row.lim),
        version: int(row.version),
        log
      })
    )
  )

export const documentOf = (row: { readonly body: string; readonly in_use: unknown }) =>
  parse(row.body, "document").pipe(
    Effect.flatMap((body) => decodeDocument({ ...body, use: int(row.in_use) === 1 }))
  )

export const challengeOf = (row: { readonly body: string; readonly version: unknown }) =>
  parse(row.body, "challenge").pipe(
    Effect.flatMap(
      (body): Effect.Effect<ArsChallenge.ArsChallenge, RepositoryError> =>
        decodeChallenge({ ...body, version: int(row.version) })
    )
  )

export const eventOf = (row: { readonly body: string }) =>
  parse(row.body, "event").pipe(Effect.flatMap(decodeEvent))

/** The row a new record is inserted as: its queried columns plus the JSON body. */
export const accountInsertRow = (account: Account.Account) => ({
  account_id: account.accountId,
  lim: account.limit,
  held: 0,
  version: account.version,
  body: accountBody(account)
})

export const senderIdInsertRow = (senderId: SenderId.SenderId) => ({
  handle_key: senderId.handleKey,
  account_id: senderId.accountId,
  phone_number: senderId.phoneNumber,
  status: senderId.status,
  expire_at: senderId.expireAt,
  date_created: senderId.dateCreated,
  version: senderId.version,
  log_length: senderId.log.length,
  body: senderIdBody(senderId)
})

export const documentInsertRow = (document: Document.Document) => ({
  document_id: document.documentId,
  account_id: document.accountId,
  category: document.category,
  in_use: document.use ? 1 : 0,
  date_created: document.dateCreated,
  body: JSON.stringify(document)
})

/** A challenge's version is a column; the rest is its body. */
export const challengeInsertRow = ({ version, ...body }: ArsChallenge.ArsChallenge) => ({
  transaction_id: body.transactionId,
  version,
  body: JSON.stringify(body),
  phone_number: body.phoneNumber,
  placed_at: body.dateCreated
})

export const outboxInsertRow = (event: RegistryEvent.RegistryEvent) => ({
  event_id: event.eventId,
  account_id: event.accountId,
  published: 0,
  body: JSON.stringify(event)
})

/** A row of `review_queue`: one pending review, filed under the aggregate it belongs to. */
export interface QueueRow {
  readonly review_id: string
  readonly kind: string
  readonly account_id: string
  readonly handle_key: string | null
  readonly phone_number: string | null
  readonly date_created: unknown
}

const decodeQueuedReview = decode(
  Schema.Struct({
    kind: Review.ReviewKind,
    reviewId: Schema.String,
    accountId: Schema.String,
    handleKey: Schema.NullOr(Schema.String),
    phoneNumber: Schema.NullOr(Schema.String),
    dateCreated: Schema.Number
  }),
  "review queue entry"
)

export const queuedReviewOf = (row: QueueRow): Effect.Effect<Review.QueuedReview, RepositoryError> =>
  decodeQueuedReview({
    kind: row.kind,
    reviewId: row.review_id,
    accountId: row.account_id,
    handleKey: row.handle_key,
    phoneNumber: row.phone_number,
    dateCreated: int(row.date_created)
  })

/**
 * An aggregate's entries in the queue, and the subject they are filed under: a commit replaces
 * all of a subject's rows, so a decided (or deleted) review leaves with the write that did it.
 */
export interface QueueEntries {
  readonly subject: string
  readonly rows: ReadonlyArray<{
    readonly review_id: string
    readonly kind: string
    readonly account_id: string
    readonly handle_key: string | null
    readonly phone_number: string | null
    readonly date_created: number
    readonly subject: string
  }>
}

const entriesOf = (subject: string, reviews: ReadonlyArray<Review.QueuedReview>): QueueEntries => ({
  subject,
  rows: reviews.map((review) => ({
    review_id: review.reviewId,
    kind: review.kind,
    account_id: review.accountId,
    handle_key: review.handleKey,
    phone_number: review.phoneNumber,
    date_created: review.dateCreated,
    subject
  }))
})

export const senderIdQueue = (senderId: SenderId.SenderId): QueueEntries =>
  entriesOf(senderId.handleKey, SenderId.pendingReviews(senderId))

/** A deleted sender ID files nothing: its reviews can no longer be decided. */
export const deletedSenderIdQueue = (senderId: SenderId.SenderId): QueueEntries =>
  entriesOf(senderId.handleKey, [])

export const accountQueue = (account: Account.Account): QueueEntries =>
  entriesOf(accountSubject(account.accountId), Account.pendingReviews(account))
