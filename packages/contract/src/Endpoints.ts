/**
 * Every endpoint of the API in one table: method, path, scope, request and response schemas and the
 * error codes it documents. The server registers its routes from it, the OpenAPI document is
 * generated from it and the client is typed by it, so the three cannot disagree.
 */
import type { Schema } from "effect"
import * as Requests from "./Requests.ts"
import * as Wire from "./Wire.ts"

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE"
export type CustomerScope = "senderid:read" | "senderid:write"

export interface Endpoint {
  readonly method: HttpMethod
  /** Hono's syntax: `:name` for a path parameter. */
  readonly path: string
  readonly scope: CustomerScope | null
  readonly summary: string
  /** `true` where SOLAPI's senderid v1 has the same endpoint; `false` for our additions. */
  readonly solapi: boolean
  readonly body?: Schema.Top
  readonly query?: ReadonlyArray<Requests.QueryParameter>
  /** Request headers beyond authentication that the endpoint reads. */
  readonly headers?: ReadonlyArray<Requests.QueryParameter>
  readonly success: Schema.Top
  /** Error codes the endpoint answers with beyond the ones every authenticated route shares. */
  readonly errors: ReadonlyArray<string>
  /** Whether `Idempotency-Key` is honoured. */
  readonly idempotent?: boolean
}

const endpoint = <const E extends Endpoint>(e: E): E => e

const NUMBER_ERRORS = ["InvalidSenderId"] as const
const DOCUMENT_ERRORS = ["InvalidDocumentId", "DocumentsRequired"] as const
const MFA_HEADER = {
  name: "x-mfa-data",
  required: true,
  description:
    'JSON. Step one `{"authType":"ARS","extras":{"phoneNumber":N}}` places the call and answers MFARequired with `mfa.transactionId`; step two adds `"transactionId"` and `"token"` (the PIN heard).'
}
const IDEMPOTENCY_HEADER = {
  name: "Idempotency-Key",
  description:
    "Up to 255 visible characters. A retry with the same key and body replays the first response for 24 hours."
}

export const endpoints = {
  registerNumber: endpoint({
    method: "POST",
    path: "/senderid/v1/numbers",
    scope: "senderid:write",
    summary: "Register a number (PENDING, or DUPLICATED when another account holds it)",
    solapi: true,
    body: Requests.RegisterNumber,
    headers: [IDEMPOTENCY_HEADER],
    idempotent: true,
    success: Wire.AccountBook,
    errors: [
      "InvalidPhoneNumber",
      ...DOCUMENT_ERRORS,
      "AlreadyRegistered",
      "LimitExceeded",
      "IdempotencyKeyInUse",
      "IdempotencyKeyReused"
    ]
  }),
  registerNumbers: endpoint({
    method: "POST",
    path: "/senderid/v1/numbers/bulk",
    scope: "senderid:write",
    summary: "Register up to 100 numbers, each with its own result",
    solapi: false,
    body: Requests.BulkRegister,
    headers: [IDEMPOTENCY_HEADER],
    idempotent: true,
    success: Wire.BulkResult,
    errors: ["IdempotencyKeyInUse", "IdempotencyKeyReused"]
  }),
  getBook: endpoint({
    method: "GET",
    path: "/senderid/v1/numbers",
    scope: "senderid:read",
    summary: "The account book: the account and all its sender IDs",
    solapi: true,
    query: Requests.BOOK_QUERY,
    success: Wire.AccountBook,
    errors: []
  }),
  getActiveNumbers: endpoint({
    method: "GET",
    path: "/senderid/v1/numbers/active",
    scope: "senderid:read",
    summary: "The numbers usable now (ACTIVE only)",
    solapi: true,
    success: Wire.ActiveNumbers,
    errors: []
  }),
  getNumber: endpoint({
    method: "GET",
    path: "/senderid/v1/numbers/:phoneNumber",
    scope: "senderid:read",
    summary: "One sender ID of the account",
    solapi: false,
    success: Wire.SenderIdView,
    errors: [...NUMBER_ERRORS]
  }),
  updateNumber: endpoint({
    method: "PUT",
    path: "/senderid/v1/numbers/:phoneNumber",
    scope: "senderid:write",
    summary: "Switch a number ACTIVE ⇄ INACTIVE (and set autoExtension)",
    solapi: true,
    body: Requests.UpdateNumber,
    success: Wire.AccountBook,
    errors: [...NUMBER_ERRORS, "FailedToUpdate"]
  }),
  deleteNumber: endpoint({
    method: "DELETE",
    path: "/senderid/v1/numbers/:phoneNumber",
    scope: "senderid:write",
    summary: "Remove a number that is not ACTIVE",
    solapi: true,
    success: Wire.AccountBook,
    errors: [...NUMBER_ERRORS, "FailedToDelete"]
  }),
  authenticateNumber: endpoint({
    method: "PUT",
    path: "/senderid/v1/numbers/:phoneNumber/authenticate",
    scope: "senderid:write",
    summary: "Prove ownership by ARS: place the call, then send the PIN heard",
    solapi: true,
    headers: [MFA_HEADER],
    success: Wire.AccountBook,
    errors: [
      ...NUMBER_ERRORS,
      "MFARequired",
      "ArsNotAllowed",
      "ArsCallLimitExceeded",
      "VerificationNotAllowed",
      "DuplicatedSenderId",
      "VoiceCallFailed",
      "InvalidTransactionId",
      "TokenMismatch",
      "ChallengeExpired",
      "ChallengeAttemptsExceeded",
      "ChallengeAlreadyUsed"
    ]
  }),
  submitApproval: endpoint({
    method: "POST",
    path: "/senderid/v1/papers/approval/:phoneNumber",
    scope: "senderid:write",
    summary: "Submit evidence documents for an operator's review",
    solapi: true,
    body: Requests.SubmitApproval,
    success: Wire.AccountBook,
    errors: [...NUMBER_ERRORS, ...DOCUMENT_ERRORS, "AlreadyRequested"]
  }),
  requestUnlock: endpoint({
    method: "POST",
    path: "/senderid/v1/papers/duplicate/:phoneNumber",
    scope: "senderid:write",
    summary: "Ask to unlock a DUPLICATED number",
    solapi: true,
    body: Requests.RequestUnlock,
    success: Wire.AccountBook,
    errors: [...NUMBER_ERRORS, "UnlockNotAllowed", "AlreadyRequested", "AlreadyApproved"]
  }),
  requestLimitation: endpoint({
    method: "POST",
    path: "/senderid/v1/papers/limitation",
    scope: "senderid:write",
    summary: "Ask for a higher limit, with documents",
    solapi: true,
    body: Requests.RequestLimitation,
    success: Wire.AccountBook,
    errors: [...DOCUMENT_ERRORS, "InvalidLimit", "AlreadyRequested"]
  }),
  uploadDocument: endpoint({
    method: "POST",
    path: "/senderid/v1/documents",
    scope: "senderid:write",
    summary: "Upload an evidence file (base64 or data URL; png gif jpg pdf tif)",
    solapi: true,
    body: Requests.UploadDocument,
    headers: [IDEMPOTENCY_HEADER],
    idempotent: true,
    success: Wire.DocumentView,
    errors: [
      "InvalidFileType",
      "FileSizeTooLarge",
      "InvalidFileEncoding",
      "PayloadTooLarge",
      "IdempotencyKeyInUse",
      "IdempotencyKeyReused"
    ]
  }),
  listDocuments: endpoint({
    method: "GET",
    path: "/senderid/v1/documents",
    scope: "senderid:read",
    summary: "The account's documents, a page at a time",
    solapi: true,
    query: Requests.DOCUMENT_QUERY,
    success: Wire.DocumentPage,
    errors: []
  }),
  getDocument: endpoint({
    method: "GET",
    path: "/senderid/v1/documents/:documentId",
    scope: "senderid:read",
    summary: "One document's metadata",
    solapi: true,
    success: Wire.DocumentView,
    errors: ["InvalidDocumentId"]
  }),
  downloadDocument: endpoint({
    method: "GET",
    path: "/senderid/v1/documents/:documentId/file",
    scope: "senderid:read",
    summary: "One document's bytes, with its real content type",
    solapi: false,
    success: Wire.DocumentFile,
    errors: ["InvalidDocumentId"]
  }),
  deleteDocuments: endpoint({
    method: "DELETE",
    path: "/senderid/v1/documents",
    scope: "senderid:write",
    summary: "Delete documents no pending review needs (all or none)",
    solapi: true,
    body: Requests.DeleteDocuments,
    success: Wire.DeletedDocuments,
    errors: ["InvalidDocumentId", "DocumentInUse"]
  }),
  health: endpoint({
    method: "GET",
    path: "/health",
    scope: null,
    summary: "Liveness and storage reachability (no authentication)",
    solapi: false,
    success: Wire.Health,
    errors: []
  })
} as const

export type EndpointName = keyof typeof endpoints
