/**
 * The JSON the API answers with, as schemas, and the one mapping from the domain's aggregates to it.
 * Shapes are SOLAPI's senderid v1 (ISO 8601 dates, the whole account book, `unlockDuplicate` with
 * null fields until a request exists); fields SOLAPI lacks are additions, never renames, and are
 * optional in the schemas — this server always sends them, but the client must also accept SOLAPI's
 * own answers (its 2018 samples have no `necessaryMeasures`, `autoExtension` or file details).
 */
import {
  type Account,
  type AccountBook as Book,
  type Document,
  SenderId,
  type Suspension
} from "@senderid/domain"
import { Schema } from "effect"

export const IsoDate = Schema.String.annotate({ format: "date-time", description: "ISO 8601, UTC" })
const ReviewStatus = Schema.Literals(["PENDING", "APPROVED", "REJECTED"])

export const LogEntry = Schema.Struct({ createAt: IsoDate, message: Schema.String }).annotate({
  identifier: "LogEntry"
})
export type LogEntry = typeof LogEntry.Type

/** Ours, in the operator API's answers only: a customer's answer never carries it, and SOLAPI's
 * neither, so clients decoding them still accept them. */
const OperatorNote = Schema.NullOr(Schema.String).annotate({
  description: "Operator API only: the note the operator approved this with (null when none)."
})

export const ApprovalDocument = Schema.Struct({
  approvalId: Schema.String,
  documents: Schema.Array(Schema.String),
  status: ReviewStatus,
  reason: Schema.NullOr(Schema.String),
  note: Schema.optionalKey(OperatorNote),
  dateCreated: IsoDate,
  dateUpdated: IsoDate
}).annotate({ identifier: "ApprovalDocument", description: "An evidence submission and its review." })
export type ApprovalDocument = typeof ApprovalDocument.Type

export const UnlockDuplicate = Schema.Struct({
  duplicateId: Schema.NullOr(Schema.String),
  reasonForRequested: Schema.NullOr(Schema.String),
  name: Schema.NullOr(Schema.String),
  status: Schema.NullOr(ReviewStatus),
  reason: Schema.NullOr(Schema.String),
  note: Schema.optionalKey(OperatorNote),
  dateCreated: Schema.NullOr(IsoDate),
  dateUpdated: Schema.NullOr(IsoDate)
}).annotate({
  identifier: "UnlockDuplicate",
  description: "The duplicate-unlock request; every field is null until one is made."
})
export type UnlockDuplicate = typeof UnlockDuplicate.Type

export const SenderIdStatus = Schema.Literals([
  "PENDING",
  "ACTIVE",
  "INACTIVE",
  "DUPLICATED",
  "EXPIRED",
  "REJECTED"
])

export const SuspensionView = Schema.Struct({
  reason: Schema.String,
  since: IsoDate
}).annotate({ identifier: "Suspension", description: "An operator's suspension, with the reason." })
export type SuspensionView = typeof SuspensionView.Type

export const SenderIdView = Schema.Struct({
  handleKey: Schema.String,
  phoneNumber: Schema.String,
  status: SenderIdStatus,
  method: Schema.NullOr(Schema.Literals(["ARS", "DOCUMENT", "OPERATOR"])),
  expireAt: Schema.NullOr(IsoDate),
  log: Schema.Array(LogEntry),
  approvalDocuments: Schema.Array(ApprovalDocument),
  unlockDuplicate: UnlockDuplicate,
  necessaryMeasures: Schema.optionalKey(
    Schema.Array(Schema.String).annotate({
      description:
        "What the owner must do next, e.g. ARS, BUSINESS_DOCUMENTS, DUPLICATED, WAIT_FOR_REVIEW, SUSPENDED (ask the operator)."
    })
  ),
  autoExtension: Schema.optionalKey(Schema.Boolean),
  /** Ours, present only while an operator suspends the number: SOLAPI's own answers never carry
   * it, so a client decoding them still accepts them. */
  suspension: Schema.optionalKey(SuspensionView),
  dateCreated: IsoDate,
  dateUpdated: IsoDate
}).annotate({ identifier: "SenderId" })
export type SenderIdView = typeof SenderIdView.Type

export const LimitationDocument = Schema.Struct({
  limitationId: Schema.String,
  documents: Schema.Array(Schema.String),
  limitRequested: Schema.Number,
  limitBeforeRequest: Schema.Number,
  status: ReviewStatus,
  reason: Schema.NullOr(Schema.String),
  note: Schema.optionalKey(OperatorNote),
  dateCreated: IsoDate,
  dateUpdated: IsoDate
}).annotate({ identifier: "LimitationDocument", description: "A request for a higher limit and its review." })
export type LimitationDocument = typeof LimitationDocument.Type

export const AccountBook = Schema.Struct({
  accountId: Schema.String,
  limit: Schema.Number,
  senderIds: Schema.Array(SenderIdView),
  limitationDocuments: Schema.Array(LimitationDocument),
  dateCreated: IsoDate,
  dateUpdated: IsoDate,
  nextKey: Schema.optionalKey(
    Schema.NullOr(Schema.String).annotate({
      description:
        "Only when the book was requested a page at a time: the startKey of the next page, or null."
    })
  )
}).annotate({ identifier: "AccountBook", description: "The account and its sender IDs, oldest first." })
export type AccountBook = typeof AccountBook.Type

export const DocumentView = Schema.Struct({
  documentId: Schema.String,
  accountId: Schema.String,
  name: Schema.String,
  originalName: Schema.String,
  category: Schema.Literals([
    "SENDERID_APPROVAL",
    "SENDERID_LIMITATION",
    "SENDERID_IDENTIFICATION",
    "SENDERID_CONSIGNMENT"
  ]),
  url: Schema.String.annotate({ description: "Where the file's bytes can be downloaded (signed request)." }),
  use: Schema.Boolean,
  fileType: Schema.optionalKey(Schema.String),
  mimeType: Schema.optionalKey(Schema.String),
  size: Schema.optionalKey(Schema.Number),
  dateCreated: IsoDate
}).annotate({ identifier: "Document" })
export type DocumentView = typeof DocumentView.Type

export const DocumentPage = Schema.Struct({
  startKey: Schema.NullOr(Schema.String),
  nextKey: Schema.NullOr(Schema.String),
  limit: Schema.Number,
  data: Schema.Array(DocumentView)
}).annotate({ identifier: "DocumentPage" })
export type DocumentPage = typeof DocumentPage.Type

export const DeletedDocuments = Schema.Array(DocumentView).annotate({ identifier: "DeletedDocuments" })

/** A document's bytes: the one response that is not JSON. */
export const DocumentFile = Schema.String.annotate({
  identifier: "DocumentFile",
  description: "The file's bytes, served with its sniffed content type.",
  format: "binary"
})

export const ActiveNumbers = Schema.Array(Schema.String).annotate({
  identifier: "ActiveNumbers",
  description: "The numbers the account may send from now."
})

export const ErrorBody = Schema.Struct({
  errorCode: Schema.String,
  errorMessage: Schema.String
}).annotate({ identifier: "Error" })
export type ErrorBody = typeof ErrorBody.Type

export const MfaChallenge = Schema.Struct({
  authType: Schema.Literal("ARS"),
  transactionId: Schema.String,
  phoneNumber: Schema.String,
  expireAt: IsoDate,
  attemptsLeft: Schema.Number
})
export type MfaChallenge = typeof MfaChallenge.Type

/** ARS step one's answer: an error (the number is not verified yet) that carries the call's transaction. */
export const MfaRequired = Schema.Struct({
  errorCode: Schema.Literal("MFARequired"),
  errorMessage: Schema.String,
  mfa: MfaChallenge
}).annotate({ identifier: "MfaRequired" })
export type MfaRequired = typeof MfaRequired.Type

export const BulkItemResult = Schema.Union([
  Schema.Struct({
    phoneNumber: Schema.String,
    ok: Schema.Literal(true),
    senderId: SenderIdView
  }),
  Schema.Struct({
    phoneNumber: Schema.String,
    ok: Schema.Literal(false),
    httpStatus: Schema.Number,
    errorCode: Schema.String,
    errorMessage: Schema.String
  })
]).annotate({ identifier: "BulkItemResult" })
export type BulkItemResult = typeof BulkItemResult.Type

export const BulkResult = Schema.Struct({
  registered: Schema.Number,
  failed: Schema.Number,
  results: Schema.Array(BulkItemResult)
}).annotate({ identifier: "BulkResult", description: "One result per submitted number, in order." })
export type BulkResult = typeof BulkResult.Type

export const Health = Schema.Struct({
  status: Schema.Literals(["ok", "unavailable"]),
  storage: Schema.Literals(["ok", "unavailable"])
}).annotate({ identifier: "Health" })
export type Health = typeof Health.Type

// ---------------------------------------------------------------------------------------------------
// Domain → wire
// ---------------------------------------------------------------------------------------------------

export const isoDate = (millis: number): string => new Date(millis).toISOString()
export const isoOrNull = (millis: number | null): string | null => (millis === null ? null : isoDate(millis))

const NO_UNLOCK: UnlockDuplicate = {
  duplicateId: null,
  reasonForRequested: null,
  name: null,
  status: null,
  reason: null,
  dateCreated: null,
  dateUpdated: null
}

/** Who an answer is for: the operator API adds what only operators see (an approval's note). */
export interface Audience {
  readonly operator?: boolean
}

/** `{ note }` for an operator's answer, nothing for a customer's. */
const noteFor = (audience: Audience, review: { readonly note?: string }) =>
  audience.operator === true ? { note: review.note ?? null } : {}

/** The sender-ID view for an audience; `senderIdView` is the customer's (SOLAPI's). */
export const senderIdViewFor =
  (audience: Audience) =>
  (senderId: SenderId.SenderId): SenderIdView => {
    const unlock = senderId.unlockDuplicate
    return {
      handleKey: senderId.handleKey,
      phoneNumber: senderId.phoneNumber,
      status: senderId.status,
      method: senderId.method,
      expireAt: isoOrNull(senderId.expireAt),
      log: senderId.log.map((entry) => ({ createAt: isoDate(entry.createAt), message: entry.message })),
      approvalDocuments: senderId.approvalDocuments.map((a) => ({
        approvalId: a.approvalId,
        documents: [...a.documents],
        status: a.status,
        reason: a.reason,
        ...noteFor(audience, a),
        dateCreated: isoDate(a.dateCreated),
        dateUpdated: isoDate(a.dateUpdated)
      })),
      unlockDuplicate:
        unlock === null
          ? { ...NO_UNLOCK, ...noteFor(audience, {}) }
          : {
              duplicateId: unlock.duplicateId,
              reasonForRequested: unlock.reasonForRequested,
              name: unlock.name,
              status: unlock.status,
              reason: unlock.reason,
              ...noteFor(audience, unlock),
              dateCreated: isoDate(unlock.dateCreated),
              dateUpdated: isoDate(unlock.dateUpdated)
            },
      necessaryMeasures: [...SenderId.necessaryMeasures(senderId)],
      autoExtension: senderId.autoExtension,
      ...(senderId.suspension === undefined ? {} : { suspension: suspensionViewOf(senderId.suspension) }),
      dateCreated: isoDate(senderId.dateCreated),
      dateUpdated: isoDate(senderId.dateUpdated)
    }
  }

const customerView = senderIdViewFor({})
// Sender IDs are immutable values, and the books a single writer keeps in memory hand the same ones
// out from request to request: each one's customer view, with every date formatted, is made once.
const customerViews = new WeakMap<SenderId.SenderId, SenderIdView>()

/** The customer's (SOLAPI's) view of a sender ID; the same object for the same sender ID. */
export const senderIdView = (senderId: SenderId.SenderId): SenderIdView => {
  const cached = customerViews.get(senderId)
  if (cached !== undefined) return cached
  const view = customerView(senderId)
  customerViews.set(senderId, view)
  return view
}

const suspensionViewOf = (suspension: Suspension.Suspension): SuspensionView => ({
  reason: suspension.reason,
  since: isoDate(suspension.since)
})

export const suspensionView = (suspension: Suspension.Suspension | undefined): SuspensionView | null =>
  suspension === undefined ? null : suspensionViewOf(suspension)

/** The limit request's view for an audience; `limitationDocument` is the customer's (SOLAPI's). */
export const limitationDocumentFor =
  (audience: Audience) =>
  (request: Account.LimitationRequest): LimitationDocument => ({
    limitationId: request.limitationId,
    documents: [...request.documents],
    limitRequested: request.limitRequested,
    limitBeforeRequest: request.limitBeforeRequest,
    status: request.status,
    reason: request.reason,
    ...noteFor(audience, request),
    dateCreated: isoDate(request.dateCreated),
    dateUpdated: isoDate(request.dateUpdated)
  })

export const limitationDocument = limitationDocumentFor({})

export const accountBook = (book: Book, page?: { readonly nextKey: string | null }): AccountBook => ({
  accountId: book.account.accountId,
  limit: book.account.limit,
  senderIds: book.senderIds.map(senderIdView),
  limitationDocuments: book.account.limitationRequests.map(limitationDocument),
  dateCreated: isoDate(book.account.dateCreated),
  dateUpdated: isoDate(book.account.dateUpdated),
  ...(page === undefined ? {} : { nextKey: page.nextKey })
})

export const documentView = (document: Document.Document, url: string): DocumentView => ({
  documentId: document.documentId,
  accountId: document.accountId,
  name: document.name,
  originalName: document.originalName,
  category: document.category,
  url,
  use: document.use,
  fileType: document.fileType,
  mimeType: document.mimeType,
  size: document.size,
  dateCreated: isoDate(document.dateCreated)
})
