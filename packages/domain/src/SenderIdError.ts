/**
 * The registry's expected failures: every refused transition and every broken precondition is a
 * `Schema.TaggedError` named after the fact, carrying the fields that identify what was refused.
 * The wire layer owns the one table from these tags to SOLAPI error codes and HTTP statuses.
 */
import { Schema } from "effect"

const SenderIdStatusName = Schema.String

export class AccountNotFound extends Schema.TaggedError<AccountNotFound>()("AccountNotFound", {
  accountId: Schema.String
}) {}

export class AccountAlreadyExists extends Schema.TaggedError<AccountAlreadyExists>()("AccountAlreadyExists", {
  accountId: Schema.String
}) {}

export class SenderIdNotFound extends Schema.TaggedError<SenderIdNotFound>()("SenderIdNotFound", {
  accountId: Schema.String,
  phoneNumber: Schema.String
}) {}

export class SenderIdAlreadyRegistered extends Schema.TaggedError<SenderIdAlreadyRegistered>()(
  "SenderIdAlreadyRegistered",
  { accountId: Schema.String, phoneNumber: Schema.String }
) {}

export class SenderIdLimitReached extends Schema.TaggedError<SenderIdLimitReached>()("SenderIdLimitReached", {
  accountId: Schema.String,
  limit: Schema.Number
}) {}

/** Activation refused: another account holds the number ACTIVE or INACTIVE and no unlock was approved. */
export class NumberHeldByAnotherAccount extends Schema.TaggedError<NumberHeldByAnotherAccount>()(
  "NumberHeldByAnotherAccount",
  { phoneNumber: Schema.String }
) {}

/** Only ACTIVE ⇄ INACTIVE may be asked for, and INACTIVE → ACTIVE only before the expiry. */
export class StatusChangeNotAllowed extends Schema.TaggedError<StatusChangeNotAllowed>()(
  "StatusChangeNotAllowed",
  { phoneNumber: Schema.String, from: SenderIdStatusName, to: SenderIdStatusName }
) {}

export class DeleteNotAllowed extends Schema.TaggedError<DeleteNotAllowed>()("DeleteNotAllowed", {
  phoneNumber: Schema.String,
  status: SenderIdStatusName
}) {}

/** Ownership proof (ARS or evidence) was asked for in a status that cannot be verified. */
export class VerificationNotAllowed extends Schema.TaggedError<VerificationNotAllowed>()(
  "VerificationNotAllowed",
  { phoneNumber: Schema.String, status: SenderIdStatusName }
) {}

/** The number's category may not prove ownership by an ARS call (representative numbers, 050, 080…). */
export class ArsNotAllowed extends Schema.TaggedError<ArsNotAllowed>()("ArsNotAllowed", {
  phoneNumber: Schema.String,
  category: Schema.String
}) {}

/** No ARS call may be placed to the number yet: one was placed too recently, or the day's calls
 * are used up. Rationing calls keeps the registry from being used to ring someone's phone, and keeps
 * a PIN from being guessed across many parallel challenges. */
export class ArsCallLimited extends Schema.TaggedError<ArsCallLimited>()("ArsCallLimited", {
  phoneNumber: Schema.String,
  reason: Schema.Literals(["interval", "daily"]),
  retryAfterSeconds: Schema.Number
}) {}

export class ChallengeNotFound extends Schema.TaggedError<ChallengeNotFound>()("ChallengeNotFound", {
  transactionId: Schema.String
}) {}

export class ChallengeExpired extends Schema.TaggedError<ChallengeExpired>()("ChallengeExpired", {
  transactionId: Schema.String
}) {}

export class ChallengeAlreadyUsed extends Schema.TaggedError<ChallengeAlreadyUsed>()("ChallengeAlreadyUsed", {
  transactionId: Schema.String
}) {}

export class ChallengeAttemptsExceeded extends Schema.TaggedError<ChallengeAttemptsExceeded>()(
  "ChallengeAttemptsExceeded",
  { transactionId: Schema.String, maxAttempts: Schema.Number }
) {}

export class ChallengeTokenMismatch extends Schema.TaggedError<ChallengeTokenMismatch>()(
  "ChallengeTokenMismatch",
  { transactionId: Schema.String, attemptsLeft: Schema.Number }
) {}

export class EvidenceReviewPending extends Schema.TaggedError<EvidenceReviewPending>()(
  "EvidenceReviewPending",
  {
    phoneNumber: Schema.String,
    approvalId: Schema.String
  }
) {}

export class ApprovalNotFound extends Schema.TaggedError<ApprovalNotFound>()("ApprovalNotFound", {
  phoneNumber: Schema.String,
  approvalId: Schema.String
}) {}

/** A review (evidence, unlock or limitation) that was already approved or rejected. */
export class ReviewAlreadyDecided extends Schema.TaggedError<ReviewAlreadyDecided>()("ReviewAlreadyDecided", {
  reviewId: Schema.String,
  status: Schema.String
}) {}

export class ReasonRequired extends Schema.TaggedError<ReasonRequired>()("ReasonRequired", {
  reviewId: Schema.String
}) {}

export class UnlockNotAllowed extends Schema.TaggedError<UnlockNotAllowed>()("UnlockNotAllowed", {
  phoneNumber: Schema.String,
  status: SenderIdStatusName
}) {}

export class UnlockAlreadyApproved extends Schema.TaggedError<UnlockAlreadyApproved>()(
  "UnlockAlreadyApproved",
  {
    phoneNumber: Schema.String,
    duplicateId: Schema.String
  }
) {}

export class UnlockAlreadyRequested extends Schema.TaggedError<UnlockAlreadyRequested>()(
  "UnlockAlreadyRequested",
  { phoneNumber: Schema.String, duplicateId: Schema.String }
) {}

export class UnlockRequestNotFound extends Schema.TaggedError<UnlockRequestNotFound>()(
  "UnlockRequestNotFound",
  {
    phoneNumber: Schema.String
  }
) {}

export class LimitNotIncreased extends Schema.TaggedError<LimitNotIncreased>()("LimitNotIncreased", {
  accountId: Schema.String,
  requested: Schema.Number,
  current: Schema.Number,
  max: Schema.Number
}) {}

export class LimitationRequestPending extends Schema.TaggedError<LimitationRequestPending>()(
  "LimitationRequestPending",
  { accountId: Schema.String, limitationId: Schema.String }
) {}

export class LimitationRequestNotFound extends Schema.TaggedError<LimitationRequestNotFound>()(
  "LimitationRequestNotFound",
  { accountId: Schema.String, limitationId: Schema.String }
) {}

export class LimitBelowHeld extends Schema.TaggedError<LimitBelowHeld>()("LimitBelowHeld", {
  accountId: Schema.String,
  limit: Schema.Number,
  held: Schema.Number
}) {}

/** Unknown, deleted, or uploaded by another account: all look the same so ids do not leak. */
export class DocumentNotFound extends Schema.TaggedError<DocumentNotFound>()("DocumentNotFound", {
  documentId: Schema.String
}) {}

export class DocumentCategoryMismatch extends Schema.TaggedError<DocumentCategoryMismatch>()(
  "DocumentCategoryMismatch",
  { documentId: Schema.String, category: Schema.String, expected: Schema.Array(Schema.String) }
) {}

export class DocumentInUse extends Schema.TaggedError<DocumentInUse>()("DocumentInUse", {
  documentId: Schema.String,
  reviewId: Schema.String
}) {}

/** Evidence submissions and limitation requests need at least one document. */
export class DocumentsRequired extends Schema.TaggedError<DocumentsRequired>()("DocumentsRequired", {}) {}

/** Optimistic concurrency: the record changed between read and write. Use cases retry on it. */
export class ConcurrentModification extends Schema.TaggedError<ConcurrentModification>()(
  "ConcurrentModification",
  { entity: Schema.String, id: Schema.String }
) {}

/** The innermost message of an error chain: drivers wrap the engine's own words in generic ones. */
const rootMessage = (cause: unknown): string => {
  let current: unknown = cause
  // A cause may be an object without a prototype (some drivers build them), which `String` cannot convert.
  let message =
    typeof cause === "object" && cause !== null && !("toString" in cause)
      ? Object.prototype.toString.call(cause)
      : String(cause)
  for (let depth = 0; depth < 10 && typeof current === "object" && current !== null; depth++) {
    if ("message" in current && typeof current.message === "string" && current.message !== "") {
      message = current.message
    }
    current = "cause" in current ? current.cause : undefined
  }
  return message
}

/** The storage behind a port failed (connection, disk, corruption). Its message names the
 * operation and the engine's own reason, e.g. "commit: database or disk is full". */
export class RepositoryError extends Schema.TaggedError<RepositoryError>()("RepositoryError", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `${this.operation}: ${rootMessage(this.cause)}`
  }
}

export class VoiceCallFailed extends Schema.TaggedError<VoiceCallFailed>()("VoiceCallFailed", {
  phoneNumber: Schema.String,
  cause: Schema.Defect()
}) {}

export class DocumentBlobError extends Schema.TaggedError<DocumentBlobError>()("DocumentBlobError", {
  documentId: Schema.String,
  cause: Schema.Defect()
}) {}

/** A webhook URL that is not http(s), carries credentials, or (unless allowed) names a private host. */
export class InvalidWebhookUrl extends Schema.TaggedError<InvalidWebhookUrl>()("InvalidWebhookUrl", {
  url: Schema.String,
  reason: Schema.Literals(["scheme", "format", "credentials", "privateHost"])
}) {}

/** The account has as many webhook endpoints as it may. */
export class WebhookEndpointLimitReached extends Schema.TaggedError<WebhookEndpointLimitReached>()(
  "WebhookEndpointLimitReached",
  { accountId: Schema.String, limit: Schema.Number }
) {}

/** No such webhook endpoint in this account. */
export class WebhookEndpointNotFound extends Schema.TaggedError<WebhookEndpointNotFound>()(
  "WebhookEndpointNotFound",
  { accountId: Schema.String, endpointId: Schema.String }
) {}

/** An operator suspended the number: its owner cannot switch, delete or re-verify it meanwhile. */
export class SenderIdSuspended extends Schema.TaggedError<SenderIdSuspended>()("SenderIdSuspended", {
  phoneNumber: Schema.String,
  reason: Schema.String
}) {}

/** An operator suspended the account: its keys are refused on the customer routes. */
export class AccountSuspended extends Schema.TaggedError<AccountSuspended>()("AccountSuspended", {
  accountId: Schema.String,
  reason: Schema.String
}) {}

/** Only a number its account holds (ACTIVE or INACTIVE) can be suspended. */
export class SuspensionNotAllowed extends Schema.TaggedError<SuspensionNotAllowed>()("SuspensionNotAllowed", {
  subject: Schema.String,
  status: Schema.String
}) {}

/** Lifting a suspension that is not there, or suspending what already is. */
export class SuspensionUnchanged extends Schema.TaggedError<SuspensionUnchanged>()("SuspensionUnchanged", {
  subject: Schema.String,
  suspended: Schema.Boolean
}) {}
