/**
 * Every endpoint of the API in one table: method, path, scope, request and response schemas and the
 * error codes it documents. The server registers its routes from it, the OpenAPI document is
 * generated from it and the client is typed by it, so the three cannot disagree.
 */
import type { ApiKeyScope } from "@senderid/domain"
import type { Schema } from "effect"
import * as EligibilityWire from "./EligibilityWire.ts"
import * as OperatorRequests from "./OperatorRequests.ts"
import * as OperatorWire from "./OperatorWire.ts"
import * as Requests from "./Requests.ts"
import * as WebhookWire from "./WebhookWire.ts"
import * as Wire from "./Wire.ts"

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE"
/** Customers' keys carry these; they act for their own account. */
export type CustomerScope = Extract<ApiKeyScope, `senderid:${string}`>
/** Operators' keys carry these; they act for no account and reach only `/operator/v1`. */
export type OperatorScope = Extract<ApiKeyScope, `operator:${string}`>
/** Service keys (the message sender's) carry these; they act for no account of their own and reach
 * only the endpoints that name one as their `serviceScope`. */
export type ServiceScope = Extract<ApiKeyScope, `sender:${string}`>

export interface Endpoint {
  readonly method: HttpMethod
  /** Hono's syntax: `:name` for a path parameter. */
  readonly path: string
  readonly scope: CustomerScope | OperatorScope | null
  /** The scope a service key needs to use a customer endpoint, naming the account per request; a
   * service key reaches no endpoint without one. */
  readonly serviceScope?: ServiceScope
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
  /** A POST that only reads (its question does not fit in a URL), so repeating it is harmless. */
  readonly readOnly?: boolean
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
    errors: [...NUMBER_ERRORS, "FailedToUpdate", "NumberSuspended"]
  }),
  deleteNumber: endpoint({
    method: "DELETE",
    path: "/senderid/v1/numbers/:phoneNumber",
    scope: "senderid:write",
    summary: "Remove a number that is not ACTIVE",
    solapi: true,
    success: Wire.AccountBook,
    errors: [...NUMBER_ERRORS, "FailedToDelete", "NumberSuspended"]
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
      "ChallengeAlreadyUsed",
      "NumberSuspended"
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
    errors: [...NUMBER_ERRORS, ...DOCUMENT_ERRORS, "AlreadyRequested", "NumberSuspended"]
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
  // ---------------------------------------------------------------------------------------------
  // Webhooks (ours): signed notifications when a review ends, a number changes or a limit moves.
  registerWebhook: endpoint({
    method: "POST",
    path: "/senderid/v1/webhooks",
    scope: "senderid:write",
    summary: "Register a webhook endpoint for the event types it wants; its signing secret is shown once",
    solapi: false,
    body: Requests.RegisterWebhook,
    success: WebhookWire.CreatedWebhookEndpoint,
    errors: ["InvalidWebhookUrl", "WebhookLimitExceeded"]
  }),
  listWebhooks: endpoint({
    method: "GET",
    path: "/senderid/v1/webhooks",
    scope: "senderid:read",
    summary: "The account's webhook endpoints (never their secrets)",
    solapi: false,
    success: WebhookWire.WebhookEndpointList,
    errors: []
  }),
  deleteWebhook: endpoint({
    method: "DELETE",
    path: "/senderid/v1/webhooks/:endpointId",
    scope: "senderid:write",
    summary: "Remove a webhook endpoint with its deliveries",
    solapi: false,
    success: WebhookWire.WebhookEndpointView,
    errors: ["InvalidWebhookId"]
  }),
  listWebhookDeliveries: endpoint({
    method: "GET",
    path: "/senderid/v1/webhooks/deliveries",
    scope: "senderid:read",
    summary: "The account's webhook deliveries, newest first, each with every attempt",
    solapi: false,
    query: Requests.DELIVERY_QUERY,
    success: WebhookWire.DeliveryPage,
    errors: []
  }),
  // ---------------------------------------------------------------------------------------------
  // Send eligibility (ours): the message sender's question before every message.
  getEligibility: endpoint({
    method: "GET",
    path: "/senderid/v1/eligibility/:phoneNumber",
    scope: "senderid:read",
    serviceScope: "sender:eligibility",
    summary: "May the account send from this number now; if not, why",
    solapi: false,
    query: EligibilityWire.ELIGIBILITY_QUERY,
    success: EligibilityWire.EligibilityView,
    errors: []
  }),
  checkEligibility: endpoint({
    method: "POST",
    path: "/senderid/v1/eligibility",
    scope: "senderid:read",
    serviceScope: "sender:eligibility",
    summary: `May the account send from each of up to ${EligibilityWire.MAX_BATCH} numbers now; one answer per number, in order`,
    solapi: false,
    body: EligibilityWire.CheckEligibility,
    readOnly: true,
    success: EligibilityWire.EligibilityResults,
    errors: []
  }),
  // ---------------------------------------------------------------------------------------------
  // Operators (ours): accounts, keys, the review queue, decisions, audit trails, expiries, counts.
  listAccounts: endpoint({
    method: "GET",
    path: "/operator/v1/accounts",
    scope: "operator:read",
    summary: "Accounts in id order, searched by part of the id",
    solapi: false,
    query: OperatorRequests.ACCOUNT_QUERY,
    success: OperatorWire.AccountPage,
    errors: []
  }),
  openAccount: endpoint({
    method: "POST",
    path: "/operator/v1/accounts",
    scope: "operator:write",
    summary: "Open an account with its limit",
    solapi: false,
    body: OperatorRequests.OpenAccount,
    success: Wire.AccountBook,
    errors: ["AccountAlreadyExists"]
  }),
  getAccount: endpoint({
    method: "GET",
    path: "/operator/v1/accounts/:accountId",
    scope: "operator:read",
    summary: "Any account's book",
    solapi: false,
    success: Wire.AccountBook,
    errors: ["InvalidAccountId"]
  }),
  setLimit: endpoint({
    method: "PUT",
    path: "/operator/v1/accounts/:accountId/limit",
    scope: "operator:write",
    summary: "Set an account's limit directly",
    solapi: false,
    body: OperatorRequests.SetLimit,
    success: Wire.AccountBook,
    errors: ["InvalidAccountId", "LimitBelowHeld"]
  }),
  suspendAccount: endpoint({
    method: "POST",
    path: "/operator/v1/accounts/:accountId/suspension",
    scope: "operator:write",
    summary:
      "Suspend an account: its keys get 403 AccountSuspended on every customer route (within 5 s everywhere)",
    solapi: false,
    body: OperatorRequests.Suspend,
    success: OperatorWire.AccountSummary,
    errors: ["InvalidAccountId", "SuspensionUnchanged"]
  }),
  reinstateAccount: endpoint({
    method: "DELETE",
    path: "/operator/v1/accounts/:accountId/suspension",
    scope: "operator:write",
    summary: "Lift an account's suspension",
    solapi: false,
    success: OperatorWire.AccountSummary,
    errors: ["InvalidAccountId", "SuspensionUnchanged"]
  }),
  suspendNumber: endpoint({
    method: "POST",
    path: "/operator/v1/accounts/:accountId/numbers/:phoneNumber/suspension",
    scope: "operator:write",
    summary: "Suspend a number: INACTIVE, and its owner can neither switch it on, delete nor re-verify it",
    solapi: false,
    body: OperatorRequests.Suspend,
    success: Wire.SenderIdView,
    errors: [...NUMBER_ERRORS, "SuspensionNotAllowed", "SuspensionUnchanged"]
  }),
  liftNumberSuspension: endpoint({
    method: "DELETE",
    path: "/operator/v1/accounts/:accountId/numbers/:phoneNumber/suspension",
    scope: "operator:write",
    summary: "Lift a number's suspension; it stays INACTIVE for its owner to switch on",
    solapi: false,
    success: Wire.SenderIdView,
    errors: [...NUMBER_ERRORS, "SuspensionUnchanged"]
  }),
  listKeys: endpoint({
    method: "GET",
    path: "/operator/v1/accounts/:accountId/keys",
    scope: "operator:read",
    summary: "An account's API keys, oldest first (never their secrets)",
    solapi: false,
    success: OperatorWire.ApiKeyList,
    errors: ["InvalidAccountId"]
  }),
  issueKey: endpoint({
    method: "POST",
    path: "/operator/v1/accounts/:accountId/keys",
    scope: "operator:write",
    summary: "Issue an API key for an account; its secret is shown once",
    solapi: false,
    body: OperatorRequests.IssueKey,
    success: OperatorWire.IssuedApiKey,
    errors: ["InvalidAccountId"]
  }),
  revokeKey: endpoint({
    method: "DELETE",
    path: "/operator/v1/keys/:apiKey",
    scope: "operator:write",
    summary: "Revoke a customer's API key (within 5 s on every instance)",
    solapi: false,
    success: OperatorWire.ApiKeyView,
    errors: ["InvalidApiKeyId"]
  }),
  registerSpecialNumber: endpoint({
    method: "POST",
    path: "/operator/v1/accounts/:accountId/numbers",
    scope: "operator:write",
    summary: "Register a number for an account, ACTIVE at once (special numbers for their public owner)",
    solapi: false,
    body: OperatorRequests.SpecialNumber,
    success: Wire.SenderIdView,
    errors: [
      "InvalidAccountId",
      "InvalidPhoneNumber",
      "AlreadyRegistered",
      "LimitExceeded",
      "DuplicatedSenderId"
    ]
  }),
  getAccountNumber: endpoint({
    method: "GET",
    path: "/operator/v1/accounts/:accountId/numbers/:phoneNumber",
    scope: "operator:read",
    summary: "One sender ID of any account, without reading its whole book",
    solapi: false,
    success: Wire.SenderIdView,
    errors: [...NUMBER_ERRORS]
  }),
  getAuditTrail: endpoint({
    method: "GET",
    path: "/operator/v1/accounts/:accountId/numbers/:phoneNumber/audit",
    scope: "operator:read",
    summary: "A sender ID's whole audit trail, with actors and statuses",
    solapi: false,
    success: OperatorWire.AuditTrail,
    errors: [...NUMBER_ERRORS]
  }),
  getAuditTrailByHandle: endpoint({
    method: "GET",
    path: "/operator/v1/audit/:handleKey",
    scope: "operator:read",
    summary: "A sender ID's audit trail by its handle key — also after the number was deleted",
    solapi: false,
    success: OperatorWire.AuditTrail,
    errors: ["InvalidSenderId"]
  }),
  listReviews: endpoint({
    method: "GET",
    path: "/operator/v1/reviews",
    scope: "operator:read",
    summary: "The review queue: pending evidence, duplicate-unlock and limit requests, oldest first",
    solapi: false,
    query: OperatorRequests.REVIEW_QUERY,
    success: OperatorWire.ReviewPage,
    errors: []
  }),
  decideEvidence: endpoint({
    method: "POST",
    path: "/operator/v1/accounts/:accountId/numbers/:phoneNumber/approvals/:approvalId",
    scope: "operator:write",
    summary: "Approve (ACTIVE by DOCUMENT) or reject an evidence submission",
    solapi: false,
    body: OperatorRequests.Decision,
    success: OperatorWire.DecidedReview,
    errors: [...NUMBER_ERRORS, "InvalidApprovalId", "AlreadyDecided", "ReasonRequired", "DuplicatedSenderId"]
  }),
  decideUnlock: endpoint({
    method: "POST",
    path: "/operator/v1/accounts/:accountId/numbers/:phoneNumber/unlock",
    scope: "operator:write",
    summary: "Approve or reject a duplicate-unlock request",
    solapi: false,
    body: OperatorRequests.Decision,
    success: OperatorWire.DecidedReview,
    errors: [...NUMBER_ERRORS, "UnlockNotRequested", "AlreadyDecided", "ReasonRequired"]
  }),
  decideLimitation: endpoint({
    method: "POST",
    path: "/operator/v1/accounts/:accountId/limitations/:limitationId",
    scope: "operator:write",
    summary: "Approve (the new limit applies) or reject a limit request",
    solapi: false,
    body: OperatorRequests.Decision,
    success: OperatorWire.DecidedReview,
    errors: ["InvalidAccountId", "InvalidLimitationId", "AlreadyDecided", "ReasonRequired"]
  }),
  getAnyDocument: endpoint({
    method: "GET",
    path: "/operator/v1/documents/:documentId",
    scope: "operator:read",
    summary: "Any account's document metadata",
    solapi: false,
    success: Wire.DocumentView,
    errors: ["InvalidDocumentId"]
  }),
  downloadAnyDocument: endpoint({
    method: "GET",
    path: "/operator/v1/documents/:documentId/file",
    scope: "operator:read",
    summary: "Any account's document bytes, with their real content type",
    solapi: false,
    success: Wire.DocumentFile,
    errors: ["InvalidDocumentId"]
  }),
  listExpiring: endpoint({
    method: "GET",
    path: "/operator/v1/expiring",
    scope: "operator:read",
    summary: "Verified numbers whose verification lapses within N days, soonest first",
    solapi: false,
    query: OperatorRequests.EXPIRING_QUERY,
    success: OperatorWire.ExpiringNumbers,
    errors: []
  }),
  sweepExpiries: endpoint({
    method: "POST",
    path: "/operator/v1/expiry/sweep",
    scope: "operator:write",
    summary: "Run the expiry sweep now (it also runs on a schedule)",
    solapi: false,
    success: OperatorWire.SweepReport,
    errors: []
  }),
  getStats: endpoint({
    method: "GET",
    path: "/operator/v1/stats",
    scope: "operator:read",
    summary: "Dashboard counts: accounts, numbers by status, pending reviews by kind, expiries week by week",
    solapi: false,
    query: OperatorRequests.STATS_QUERY,
    success: OperatorWire.RegistryStats,
    errors: []
  }),
  listAnyWebhookDeliveries: endpoint({
    method: "GET",
    path: "/operator/v1/webhooks/deliveries",
    scope: "operator:read",
    summary: "Webhook deliveries across accounts, newest first, each with every attempt",
    solapi: false,
    query: OperatorRequests.OPERATOR_DELIVERY_QUERY,
    success: WebhookWire.DeliveryPage,
    errors: []
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
