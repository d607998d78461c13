/**
 * The one table from every domain error (and every error the server raises itself) to SOLAPI's wire
 * shape `{ errorCode, errorMessage }` and an HTTP status. Codes are contract, messages are for people:
 * Korean by default as SOLAPI's, English on `Accept-Language: en`, and never an internal detail.
 */
import * as Domain from "@senderid/domain"
import type { ContentfulStatusCode } from "hono/utils/http-status"

export type Language = "ko" | "en"

export interface WireError {
  readonly status: ContentfulStatusCode
  readonly body: { readonly errorCode: string; readonly errorMessage: string }
}

/**
 * English when the client's most preferred language (highest q, earliest on ties) is English; Korean
 * otherwise, including `*`, no header and garbage, because SOLAPI's clients expect Korean.
 */
export const languageOf = (acceptLanguage: string | null | undefined): Language => {
  let best: { readonly tag: string; readonly q: number } | undefined
  for (const part of (acceptLanguage ?? "").split(",")) {
    const [rawTag = "", ...params] = part.split(";")
    const tag = rawTag.trim().toLowerCase()
    if (tag === "") continue
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("q="))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!(q > 0 && q <= 1)) continue
    if (best === undefined || q > best.q) best = { tag, q }
  }
  return best !== undefined && (best.tag === "en" || best.tag.startsWith("en-")) ? "en" : "ko"
}

// ---------------------------------------------------------------------------------------------------
// Domain errors
// ---------------------------------------------------------------------------------------------------

type ErrorInstance<T> = T extends abstract new (
  ...args: never
) => infer I
  ? I extends Error & { readonly _tag: string }
    ? I
    : never
  : never

type ErrorsIn<T> = { [K in keyof T]-?: ErrorInstance<T[K]> }[keyof T]

type DomainModule = typeof Domain

/**
 * Every error class `@senderid/domain` exports, by name or inside a namespace (`DocumentFile.…`).
 * Derived from the module's type, so a new domain error is a compile error below until it has a row.
 */
export type DomainError =
  | ErrorsIn<DomainModule>
  | {
      [K in keyof DomainModule]-?: DomainModule[K] extends abstract new (
        ...args: never
      ) => unknown
        ? never
        : ErrorsIn<DomainModule[K]>
    }[keyof DomainModule]

export type DomainErrorTag = DomainError["_tag"]

interface Row<E> {
  /** Checked with `instanceof`, so a foreign object that merely carries a known `_tag` is not trusted. */
  readonly class: abstract new (
    ...args: never
  ) => E
  readonly code: string
  readonly status: ContentfulStatusCode
  readonly ko: (error: E) => string
  readonly en: (error: E) => string
}

type DomainTable = { readonly [K in DomainErrorTag]: Row<Extract<DomainError, { readonly _tag: K }>> }

/** Client-supplied strings (ids, numbers, field names) are echoed, but never at unbounded length. */
const clip = (s: string): string => (s.length > 64 ? `${s.slice(0, 61)}...` : s)

/** SOLAPI's own sentence for `InvalidPhoneNumber`, followed by what to fix, per broken rule. */
const invalidPhoneNumberKo: Readonly<Record<Domain.PhoneNumber.RejectionRule, string>> = {
  empty: "전화번호가 입력되지 않았습니다.",
  notDigits: "전화번호는 숫자로만 입력해 주세요(하이픈, 공백, 괄호와 +82는 허용됩니다).",
  international: "국내 전화번호만 등록할 수 있습니다. +82 또는 0으로 시작하는 국내 형식으로 입력해 주세요.",
  startsWith00:
    "00으로 시작하는 번호는 국제전화 식별번호입니다. 0 하나로 시작하는 국내 번호를 입력해 주세요(예: 010-2345-6789).",
  legacy2G: "2G 서비스 종료로 더 이상 사용되지 않는 번호 대역입니다. 전환된 010 번호를 등록해 주세요.",
  unassigned01x:
    "가입자 전화에 할당되지 않은 번호 대역이라 발신번호로 사용할 수 없습니다. 010 휴대전화 또는 유선 번호를 사용해 주세요.",
  nonexistentRange: "존재하지 않는 국번입니다. 번호를 다시 확인해 주세요.",
  missingAreaCode: "유선 전화번호는 지역번호를 포함해야 합니다(예: 02-123-4567).",
  representativeLength: "대표번호(15XX, 16XX, 18XX)는 8자리이며 내선번호를 붙일 수 없습니다.",
  tooShort: "전화번호의 자릿수가 부족합니다. 발신번호는 8~11자리입니다(030, 050X 번호는 12자리까지).",
  tooLong: "전화번호의 자릿수가 너무 많습니다. 발신번호는 8~11자리입니다(030, 050X 번호는 12자리까지).",
  premiumRateNotAllowed: "060 유료 정보 서비스 번호는 운영자가 허용한 계정에서만 등록할 수 있습니다.",
  specialShortOperatorOnly:
    "112, 119, 1335 등 특수번호는 해당 번호를 소유한 기관을 위해 운영자만 등록할 수 있습니다.",
  unknownPrefix:
    "존재하지 않는 번호 대역입니다. 국내 번호는 0(지역번호, 010, 070, 050X, 030, 080)으로 시작하거나 15, 16, 18로 시작하는 8자리 대표번호입니다."
}

const webhookUrlKo: Readonly<Record<Domain.Webhook.UrlProblem, string>> = {
  scheme: "웹훅 URL은 http 또는 https로 시작해야 합니다.",
  format: "웹훅 URL의 형식이 올바르지 않습니다.",
  credentials: "웹훅 URL에 사용자 이름이나 비밀번호를 넣을 수 없습니다. 서명 헤더로 요청을 확인해 주세요.",
  privateHost: "사설 주소나 루프백 주소로는 웹훅을 보낼 수 없습니다."
}
const webhookUrlEn: Readonly<Record<Domain.Webhook.UrlProblem, string>> = {
  scheme: "A webhook URL must start with http or https.",
  format: "The webhook URL is not well formed.",
  credentials: "A webhook URL may not carry a user name or password; check the signature header instead.",
  privateHost: "Webhooks cannot be sent to private or loopback addresses."
}

const retryKo = "잠시 후 다시 시도해 주세요."
const retryEn = "please try again later."
const unavailableKo = `일시적으로 요청을 처리할 수 없습니다. ${retryKo}`
const unavailableEn = `The service is temporarily unavailable; ${retryEn}`
const documentNotFoundKo = (id: string) => `등록된 문서 정보를 찾을 수 없습니다. (${clip(id)})`
const documentNotFoundEn = (id: string) => `No registered document was found for ${clip(id)}.`

/**
 * Codes SOLAPI documents keep SOLAPI's code and status. The rest follow one rule, in SOLAPI's style:
 * an id the client named that does not exist (in this account) is `Invalid<Thing>Id` 400, as SOLAPI's
 * `InvalidSenderId`/`InvalidDocumentId`; a well-formed request refused by the current state of a
 * record is 409, as `FailedToUpdate`/`AlreadyApproved`; a malformed value is 400. Decided codes:
 * - `LimitExceeded` 403 (SenderIdLimitReached): a quota refusal, not a conflict with one record —
 *   retrying or changing the request cannot help until the limit is raised (endpoint 9), which is
 *   what 403 says (as Google's `limitExceeded`); 409 stays "this record's state", 429 "slow down".
 * - `AlreadyRegistered` 409, `DuplicatedSenderId` 409 (named after SOLAPI's DUPLICATED status; never
 *   says which account holds the number), `VerificationNotAllowed` 409, `ArsNotAllowed` 400 (the
 *   number's category never allows ARS; use documents).
 * - ARS challenge: `InvalidTransactionId` 400; `ChallengeExpired`, `ChallengeAlreadyUsed`,
 *   `ChallengeAttemptsExceeded` 409 (request a new call); `TokenMismatch` 400 with attempts left.
 * - Reviews: `AlreadyRequested` 409 (evidence, unlock or limitation review already pending),
 *   `AlreadyDecided` 409, `ReasonRequired` 400, `UnlockNotAllowed` 409, `UnlockNotRequested` 409,
 *   `InvalidApprovalId` / `InvalidLimitationId` / `InvalidAccountId` 400, `AccountAlreadyExists` 409.
 * - Limits: `InvalidLimit` 400 (not above the current limit or above the maximum), `LimitBelowHeld` 409.
 * - Documents: `DocumentInUse` 409, `DocumentsRequired` 400, `InvalidFileEncoding` 400.
 * - Suspensions: `AccountSuspended` 403 (every customer route of a suspended account; nothing the
 *   key does helps), `NumberSuspended` 409 (the owner's switch, delete or verification of a number
 *   an operator suspended), `SuspensionNotAllowed` 409, `SuspensionUnchanged` 409.
 * - Webhooks: `InvalidWebhookUrl` 400, `InvalidWebhookId` 400, `WebhookLimitExceeded` 403 (a quota,
 *   like `LimitExceeded`).
 * - `ConcurrentModification` 409: reached only after the use case's own retries; the client may retry.
 * - Infrastructure → 503 (the store, blob store, event sink or telephony is down, usually briefly, so
 *   the client should retry): `ServiceUnavailable`, or `VoiceCallFailed` for the ARS call. The
 *   message is fixed text: their `cause` holds SQL, paths and stacks, and is never read here.
 */
const domainTable = {
  InvalidPhoneNumber: {
    class: Domain.InvalidPhoneNumber,
    code: "InvalidPhoneNumber",
    status: 400,
    ko: (e) => `전화번호가 유효하지 않습니다. ${invalidPhoneNumberKo[e.rule] ?? ""}`.trim(),
    en: (e) => `Invalid phone number: ${e.reason}.`
  },
  SenderIdNotFound: {
    class: Domain.SenderIdNotFound,
    code: "InvalidSenderId",
    status: 400,
    ko: (e) => `등록된 발신번호 정보를 찾을 수 없습니다. (${clip(e.phoneNumber)})`,
    en: (e) => `${clip(e.phoneNumber)} is not a registered sender ID of this account.`
  },
  DocumentNotFound: {
    class: Domain.DocumentNotFound,
    code: "InvalidDocumentId",
    status: 400,
    ko: (e) => documentNotFoundKo(e.documentId),
    en: (e) => documentNotFoundEn(e.documentId)
  },
  DocumentCategoryMismatch: {
    class: Domain.DocumentCategoryMismatch,
    code: "InvalidDocumentId",
    status: 400,
    ko: (e) =>
      `${documentNotFoundKo(e.documentId)} 이 요청에는 ${e.expected.join(", ")} 분류의 문서가 필요합니다.`,
    en: (e) => `No registered ${e.expected.join(" or ")} document was found for ${clip(e.documentId)}.`
  },
  StatusChangeNotAllowed: {
    class: Domain.StatusChangeNotAllowed,
    code: "FailedToUpdate",
    status: 409,
    ko: (e) =>
      `발신번호 상태를 ${e.from}에서 ${e.to}(으)로 변경할 수 없습니다. ACTIVE와 INACTIVE 사이에서만 변경할 수 있습니다.`,
    en: (e) =>
      `The status of ${clip(e.phoneNumber)} cannot change from ${e.from} to ${e.to}; only ACTIVE ⇄ INACTIVE is allowed.`
  },
  DeleteNotAllowed: {
    class: Domain.DeleteNotAllowed,
    code: "FailedToDelete",
    status: 409,
    ko: (e) =>
      `${e.status} 상태의 발신번호는 삭제할 수 없습니다.${e.status === "ACTIVE" ? " 먼저 INACTIVE로 변경해 주세요." : ""}`,
    en: (e) =>
      `${clip(e.phoneNumber)} is ${e.status} and cannot be deleted${e.status === "ACTIVE" ? "; deactivate it first" : ""}.`
  },
  UnlockAlreadyApproved: {
    class: Domain.UnlockAlreadyApproved,
    code: "AlreadyApproved",
    status: 409,
    ko: () => "이미 승인된 중복 해제 요청이 있습니다.",
    en: (e) => `The duplicate unlock of ${clip(e.phoneNumber)} is already approved.`
  },
  InvalidFileType: {
    class: Domain.InvalidFileType,
    code: "InvalidFileType",
    status: 400,
    ko: () =>
      "지원하지 않는 파일 형식입니다. png, gif, jpg, jpeg, pdf, tif, tiff 파일만 업로드할 수 있습니다.",
    en: () => "Unsupported file type; only png, gif, jpg, jpeg, pdf, tif and tiff files are accepted."
  },
  FileSizeTooLarge: {
    class: Domain.FileSizeTooLarge,
    code: "FileSizeTooLarge",
    status: 413,
    ko: (e) => `파일 크기가 너무 큽니다. 최대 ${Math.floor(e.maxBytes / 1024)}KB까지 업로드할 수 있습니다.`,
    en: (e) => `The file is too large; the maximum is ${Math.floor(e.maxBytes / 1024)} KB.`
  },
  InvalidFileEncoding: {
    class: Domain.InvalidFileEncoding,
    code: "InvalidFileEncoding",
    status: 400,
    ko: () => "파일은 base64 문자열 또는 base64 data URL로 보내 주세요.",
    en: (e) => `The file must be a base64 string or a base64 data URL (${e.reason}).`
  },
  SenderIdLimitReached: {
    class: Domain.SenderIdLimitReached,
    code: "LimitExceeded",
    status: 403,
    ko: (e) => `발신번호는 최대 ${e.limit}개까지 등록할 수 있습니다. 한도 증가를 요청해 주세요.`,
    en: (e) => `This account may hold at most ${e.limit} sender IDs; request a higher limit.`
  },
  SenderIdAlreadyRegistered: {
    class: Domain.SenderIdAlreadyRegistered,
    code: "AlreadyRegistered",
    status: 409,
    ko: (e) => `이미 등록된 발신번호입니다. (${clip(e.phoneNumber)})`,
    en: (e) => `${clip(e.phoneNumber)} is already registered in this account.`
  },
  NumberHeldByAnotherAccount: {
    class: Domain.NumberHeldByAnotherAccount,
    code: "DuplicatedSenderId",
    status: 409,
    ko: (e) => `다른 계정에서 사용 중인 발신번호입니다. (${clip(e.phoneNumber)}) 중복 해제를 요청해 주세요.`,
    en: (e) => `${clip(e.phoneNumber)} is held by another account; request a duplicate unlock.`
  },
  VerificationNotAllowed: {
    class: Domain.VerificationNotAllowed,
    code: "VerificationNotAllowed",
    status: 409,
    ko: (e) => `${e.status} 상태의 발신번호는 인증할 수 없습니다.`,
    en: (e) => `${clip(e.phoneNumber)} is ${e.status} and cannot be verified.`
  },
  ArsNotAllowed: {
    class: Domain.ArsNotAllowed,
    code: "ArsNotAllowed",
    status: 400,
    ko: () => "이 번호 유형은 ARS로 인증할 수 없습니다. 증빙서류를 제출해 주세요.",
    en: (e) => `${clip(e.phoneNumber)} (${e.category}) cannot be verified by ARS; submit documents instead.`
  },
  ArsCallLimited: {
    class: Domain.ArsCallLimited,
    code: "ArsCallLimitExceeded",
    status: 429,
    ko: (e) =>
      e.reason === "interval"
        ? `방금 인증 전화를 걸었습니다. ${e.retryAfterSeconds}초 후 다시 요청해 주세요.`
        : `오늘 이 번호로 걸 수 있는 인증 전화를 모두 사용했습니다. ${Math.ceil(e.retryAfterSeconds / 3600)}시간 후 다시 요청해 주세요.`,
    en: (e) =>
      e.reason === "interval"
        ? `A verification call was just placed to this number; request another in ${e.retryAfterSeconds} seconds.`
        : `This number has had all its verification calls for today; try again in ${Math.ceil(e.retryAfterSeconds / 3600)} hours.`
  },
  ChallengeNotFound: {
    class: Domain.ChallengeNotFound,
    code: "InvalidTransactionId",
    status: 400,
    ko: () => "인증 요청 정보를 찾을 수 없습니다. ARS 인증을 다시 요청해 주세요.",
    en: (e) => `No ARS verification ${clip(e.transactionId)} was found; request a new call.`
  },
  ChallengeExpired: {
    class: Domain.ChallengeExpired,
    code: "ChallengeExpired",
    status: 409,
    ko: () => "인증 시간이 만료되었습니다. ARS 인증을 다시 요청해 주세요.",
    en: () => "The ARS verification has expired; request a new call."
  },
  ChallengeAlreadyUsed: {
    class: Domain.ChallengeAlreadyUsed,
    code: "ChallengeAlreadyUsed",
    status: 409,
    ko: () => "이미 사용된 인증 요청입니다. ARS 인증을 다시 요청해 주세요.",
    en: () => "The ARS verification was already used; request a new call."
  },
  ChallengeAttemptsExceeded: {
    class: Domain.ChallengeAttemptsExceeded,
    code: "ChallengeAttemptsExceeded",
    status: 409,
    ko: (e) => `인증번호 입력 횟수(${e.maxAttempts}회)를 초과했습니다. ARS 인증을 다시 요청해 주세요.`,
    en: (e) => `Too many wrong codes (${e.maxAttempts} allowed); request a new call.`
  },
  ChallengeTokenMismatch: {
    class: Domain.ChallengeTokenMismatch,
    code: "TokenMismatch",
    status: 400,
    ko: (e) => `인증번호가 일치하지 않습니다. (남은 시도 횟수: ${e.attemptsLeft}회)`,
    en: (e) => `The code does not match; ${e.attemptsLeft} attempt${e.attemptsLeft === 1 ? "" : "s"} left.`
  },
  EvidenceReviewPending: {
    class: Domain.EvidenceReviewPending,
    code: "AlreadyRequested",
    status: 409,
    ko: () => "심사 중인 증빙서류가 있습니다. 심사가 끝난 후 다시 제출해 주세요.",
    en: (e) => `Evidence for ${clip(e.phoneNumber)} is already under review (${e.approvalId}).`
  },
  UnlockAlreadyRequested: {
    class: Domain.UnlockAlreadyRequested,
    code: "AlreadyRequested",
    status: 409,
    ko: () => "이미 심사 중인 중복 해제 요청이 있습니다.",
    en: (e) => `A duplicate unlock of ${clip(e.phoneNumber)} is already under review (${e.duplicateId}).`
  },
  LimitationRequestPending: {
    class: Domain.LimitationRequestPending,
    code: "AlreadyRequested",
    status: 409,
    ko: () => "이미 심사 중인 한도 증가 요청이 있습니다.",
    en: (e) => `A limit increase is already under review (${e.limitationId}).`
  },
  ApprovalNotFound: {
    class: Domain.ApprovalNotFound,
    code: "InvalidApprovalId",
    status: 400,
    ko: (e) => `증빙서류 제출 정보를 찾을 수 없습니다. (${clip(e.approvalId)})`,
    en: (e) => `No evidence submission ${clip(e.approvalId)} was found for ${clip(e.phoneNumber)}.`
  },
  ReviewAlreadyDecided: {
    class: Domain.ReviewAlreadyDecided,
    code: "AlreadyDecided",
    status: 409,
    ko: (e) => `이미 처리된 심사입니다. (${e.status})`,
    en: (e) => `The review ${clip(e.reviewId)} was already decided (${e.status}).`
  },
  ReasonRequired: {
    class: Domain.ReasonRequired,
    code: "ReasonRequired",
    status: 400,
    ko: () => "반려 사유를 입력해 주세요.",
    en: () => "A rejection needs a reason."
  },
  UnlockNotAllowed: {
    class: Domain.UnlockNotAllowed,
    code: "UnlockNotAllowed",
    status: 409,
    ko: (e) =>
      `${e.status} 상태의 발신번호는 중복 해제를 요청할 수 없습니다. DUPLICATED 상태에서만 가능합니다.`,
    en: (e) => `${clip(e.phoneNumber)} is ${e.status}; only a DUPLICATED number can be unlocked.`
  },
  UnlockRequestNotFound: {
    class: Domain.UnlockRequestNotFound,
    code: "UnlockNotRequested",
    status: 409,
    ko: () => "중복 해제 요청이 없습니다.",
    en: (e) => `No duplicate unlock was requested for ${clip(e.phoneNumber)}.`
  },
  LimitNotIncreased: {
    class: Domain.LimitNotIncreased,
    code: "InvalidLimit",
    status: 400,
    ko: (e) => `요청 한도는 현재 한도(${e.current}개)보다 크고 ${e.max}개 이하인 정수여야 합니다.`,
    en: (e) => `The requested limit must be a whole number above ${e.current} and at most ${e.max}.`
  },
  LimitationRequestNotFound: {
    class: Domain.LimitationRequestNotFound,
    code: "InvalidLimitationId",
    status: 400,
    ko: (e) => `한도 증가 요청 정보를 찾을 수 없습니다. (${clip(e.limitationId)})`,
    en: (e) => `No limit increase request ${clip(e.limitationId)} was found.`
  },
  LimitBelowHeld: {
    class: Domain.LimitBelowHeld,
    code: "LimitBelowHeld",
    status: 409,
    ko: (e) => `한도는 현재 보유한 발신번호 수(${e.held}개)보다 작을 수 없습니다.`,
    en: (e) => `The limit cannot be ${e.limit}: the account already holds ${e.held} sender IDs.`
  },
  AccountNotFound: {
    class: Domain.AccountNotFound,
    code: "InvalidAccountId",
    status: 400,
    ko: (e) => `계정 정보를 찾을 수 없습니다. (${clip(e.accountId)})`,
    en: (e) => `No account ${clip(e.accountId)} was found.`
  },
  AccountAlreadyExists: {
    class: Domain.AccountAlreadyExists,
    code: "AccountAlreadyExists",
    status: 409,
    ko: (e) => `이미 존재하는 계정입니다. (${clip(e.accountId)})`,
    en: (e) => `The account ${clip(e.accountId)} already exists.`
  },
  DocumentInUse: {
    class: Domain.DocumentInUse,
    code: "DocumentInUse",
    status: 409,
    ko: (e) => `심사 요청에 사용 중인 문서는 삭제할 수 없습니다. (${clip(e.documentId)})`,
    en: (e) => `The document ${clip(e.documentId)} is used by review ${e.reviewId} and cannot be deleted.`
  },
  DocumentsRequired: {
    class: Domain.DocumentsRequired,
    code: "DocumentsRequired",
    status: 400,
    ko: () => "증빙서류를 하나 이상 첨부해 주세요.",
    en: () => "At least one document is required."
  },
  ConcurrentModification: {
    class: Domain.ConcurrentModification,
    code: "ConcurrentModification",
    status: 409,
    ko: () => `다른 요청과 동시에 변경되어 처리하지 못했습니다. ${retryKo}`,
    en: () => `The record was changed by another request at the same time; ${retryEn}`
  },
  VoiceCallFailed: {
    class: Domain.VoiceCallFailed,
    code: "VoiceCallFailed",
    status: 503,
    ko: (e) => `${clip(e.phoneNumber)} 번호로 ARS 전화를 걸지 못했습니다. ${retryKo}`,
    en: (e) => `The ARS call to ${clip(e.phoneNumber)} could not be placed; ${retryEn}`
  },
  RepositoryError: {
    class: Domain.RepositoryError,
    code: "ServiceUnavailable",
    status: 503,
    ko: () => unavailableKo,
    en: () => unavailableEn
  },
  DocumentBlobError: {
    class: Domain.DocumentBlobError,
    code: "ServiceUnavailable",
    status: 503,
    ko: () => unavailableKo,
    en: () => unavailableEn
  },
  ApiKeyAlreadyExists: {
    class: Domain.ApiKeyAlreadyExists,
    code: "ApiKeyAlreadyExists",
    status: 409,
    ko: (e) => `이미 발급된 API 키입니다. (${clip(e.apiKey)})`,
    en: (e) => `The API key ${clip(e.apiKey)} has already been issued.`
  },
  // An operator naming a key that was never issued: a bad id, in SOLAPI's Invalid<Thing>Id style.
  ApiKeyNotFound: {
    class: Domain.ApiKeyNotFound,
    code: "InvalidApiKeyId",
    status: 400,
    ko: (e) => `발급된 API 키를 찾을 수 없습니다. (${clip(e.apiKey)})`,
    en: (e) => `No API key ${clip(e.apiKey)} has been issued.`
  },
  ApiKeyStoreError: {
    class: Domain.ApiKeyStoreError,
    code: "ServiceUnavailable",
    status: 503,
    ko: () => unavailableKo,
    en: () => unavailableEn
  },
  UsedSignatureStoreError: {
    class: Domain.UsedSignatureStoreError,
    code: "ServiceUnavailable",
    status: 503,
    ko: () => unavailableKo,
    en: () => unavailableEn
  },
  IdempotencyStoreError: {
    class: Domain.IdempotencyStoreError,
    code: "ServiceUnavailable",
    status: 503,
    ko: () => unavailableKo,
    en: () => unavailableEn
  },
  EventPublishFailed: {
    class: Domain.EventPublishFailed,
    code: "ServiceUnavailable",
    status: 503,
    ko: () => unavailableKo,
    en: () => unavailableEn
  },
  InvalidWebhookUrl: {
    class: Domain.InvalidWebhookUrl,
    code: "InvalidWebhookUrl",
    status: 400,
    ko: (e) => webhookUrlKo[e.reason],
    en: (e) => webhookUrlEn[e.reason]
  },
  // A quota, like LimitExceeded: removing an endpoint is what helps, not retrying.
  WebhookEndpointLimitReached: {
    class: Domain.WebhookEndpointLimitReached,
    code: "WebhookLimitExceeded",
    status: 403,
    ko: (e) => `웹훅 엔드포인트는 계정당 ${e.limit}개까지 등록할 수 있습니다.`,
    en: (e) => `An account may register at most ${e.limit} webhook endpoints.`
  },
  WebhookEndpointNotFound: {
    class: Domain.WebhookEndpointNotFound,
    code: "InvalidWebhookId",
    status: 400,
    ko: (e) => `등록된 웹훅 엔드포인트를 찾을 수 없습니다. (${clip(e.endpointId)})`,
    en: (e) => `No webhook endpoint ${clip(e.endpointId)} is registered for this account.`
  },
  // The owner's request is refused by the state an operator put the number in: 409, as FailedToUpdate.
  SenderIdSuspended: {
    class: Domain.SenderIdSuspended,
    code: "NumberSuspended",
    status: 409,
    ko: (e) => `운영자가 이용을 정지한 발신번호입니다. 사유: ${clip(e.reason)}`,
    en: (e) => `An operator suspended this number. Reason: ${clip(e.reason)}`
  },
  // Nothing this key can do will help until an operator reinstates the account.
  AccountSuspended: {
    class: Domain.AccountSuspended,
    code: "AccountSuspended",
    status: 403,
    ko: (e) => `운영자가 이용을 정지한 계정입니다. 사유: ${clip(e.reason)}`,
    en: (e) => `An operator suspended this account. Reason: ${clip(e.reason)}`
  },
  SuspensionNotAllowed: {
    class: Domain.SuspensionNotAllowed,
    code: "SuspensionNotAllowed",
    status: 409,
    ko: (e) => `사용 중(ACTIVE 또는 INACTIVE)인 번호만 정지할 수 있습니다. (현재 ${e.status})`,
    en: (e) => `Only a number in use (ACTIVE or INACTIVE) can be suspended; this one is ${e.status}.`
  },
  SuspensionUnchanged: {
    class: Domain.SuspensionUnchanged,
    code: "SuspensionUnchanged",
    status: 409,
    ko: (e) =>
      e.suspended
        ? `이미 정지되어 있습니다. (${clip(e.subject)})`
        : `정지되어 있지 않습니다. (${clip(e.subject)})`,
    en: (e) =>
      e.suspended ? `${clip(e.subject)} is already suspended.` : `${clip(e.subject)} is not suspended.`
  },
  WebhookStoreError: {
    class: Domain.WebhookStoreError,
    code: "ServiceUnavailable",
    status: 503,
    ko: () => unavailableKo,
    en: () => unavailableEn
  }
} as const satisfies DomainTable

// ---------------------------------------------------------------------------------------------------
// Errors the server raises itself (request parsing, routing, authentication)
// ---------------------------------------------------------------------------------------------------

/** What was wrong with a parameter, so the message can say it in either language. */
export type ParameterProblem = "type" | "value" | "unknown" | "forbidden" | "controlCharacter" | "duplicate"

/** What a parameter must be, so a refusal can say what would have been accepted. */
export type Expected =
  | { readonly _tag: "OneOf"; readonly values: ReadonlyArray<string> }
  | {
      readonly _tag: "Range"
      readonly minimum?: number | undefined
      readonly maximum?: number | undefined
      readonly integer: boolean
    }
  | {
      readonly _tag: "Length"
      readonly minimum?: number | undefined
      readonly maximum?: number | undefined
      readonly unit: "characters" | "items"
    }
  | { readonly _tag: "Type"; readonly type: "string" | "number" | "boolean" | "array" | "object" }
  /** A header carrying JSON (`x-mfa-data`), with an example of its shape. */
  | { readonly _tag: "Json"; readonly example?: string }
  /** Must repeat the phone number of the path (`x-mfa-data.extras.phoneNumber`). */
  | { readonly _tag: "PathPhoneNumber"; readonly phoneNumber: string }

export interface InvalidParameterDetail {
  readonly field: string
  readonly problem?: ParameterProblem
  /** With `controlCharacter`: the first refused character, as `U+XXXX`. */
  readonly character?: string
  readonly expected?: Expected
  /** The names the request could have used instead (an unknown parameter's message lists them). */
  readonly allowed?: ReadonlyArray<string>
}

/** The detail each server code takes; `undefined` in the union means the detail is optional. */
export interface ServerErrorDetails {
  readonly MissingRequiredParameter: { readonly field: string }
  readonly InvalidParameter: InvalidParameterDetail
  readonly InvalidJSON: undefined
  readonly PayloadTooLarge: { readonly maxBytes: number } | undefined
  readonly NotFound: undefined
  readonly MethodNotAllowed: undefined
  readonly InternalError: undefined
  readonly ServiceUnavailable: undefined
  readonly Unauthorized: undefined
  readonly InvalidAuthorization: { readonly reason: string } | undefined
  readonly InvalidAPIKey: undefined
  readonly SignatureDoesNotMatch: undefined
  readonly RequestTimeTooSkewed: undefined
  readonly DuplicatedSignature: undefined
  /** The scope the key lacks, or the account a customer's key named that is not its own. */
  readonly Forbidden: { readonly scope: string } | { readonly accountId: string } | undefined
  readonly TooManyRequests: { readonly retryAfterSeconds: number } | undefined
  readonly MFARequired: undefined
  readonly IdempotencyKeyInUse: undefined
  readonly IdempotencyKeyReused: undefined
}

export type ServerErrorCode = keyof ServerErrorDetails

type Detail<C extends ServerErrorCode> = Exclude<ServerErrorDetails[C], undefined>

interface ServerRow<D> {
  readonly status: ContentfulStatusCode
  readonly ko: (detail: D | undefined) => string
  readonly en: (detail: D | undefined) => string
}

const parameterKo: Readonly<Record<ParameterProblem, (d: InvalidParameterDetail) => string>> = {
  type: () => "형식이 올바르지 않습니다.",
  value: () => "값이 올바르지 않습니다.",
  unknown: () => "알 수 없는 파라미터입니다.",
  forbidden: () => "이 요청에서 사용할 수 없는 파라미터입니다.",
  controlCharacter: (d) =>
    `제어 문자(${d.character ?? "?"})가 들어 있습니다. 제어 문자와 양방향 텍스트 제어 문자(U+202E 등)는 사용할 수 없습니다.`,
  duplicate: () => "같은 필드가 두 번 이상 있어 어느 값을 쓸지 알 수 없습니다. 각 필드는 한 번만 보내 주세요."
}
const parameterEn: Readonly<Record<ParameterProblem, (d: InvalidParameterDetail) => string>> = {
  type: () => "has the wrong type",
  value: () => "has an invalid value",
  unknown: () => "is not a known parameter",
  forbidden: () => "is not allowed in this request",
  controlCharacter: (d) =>
    `contains a control character (${d.character ?? "?"}); control characters and bidirectional text controls (such as U+202E) are not allowed`,
  duplicate: () => "is given more than once, so which value counts would be ambiguous; send each field once"
}

const typeKo = {
  string: "문자열",
  number: "숫자",
  boolean: "true 또는 false",
  array: "배열",
  object: "JSON 객체"
}
const typeEn = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "an array",
  object: "a JSON object"
}

/** `1부터 100까지` / `0 이상` / `100 이하` / nothing: the bounds a range or a length has. */
const boundsKo = (min: number | undefined, max: number | undefined, unit: string) =>
  min !== undefined && max !== undefined
    ? `${min}${unit}부터 ${max}${unit}까지`
    : min !== undefined
      ? `${min}${unit} 이상`
      : max !== undefined
        ? `${max}${unit} 이하`
        : ""
const boundsEn = (min: number | undefined, max: number | undefined) =>
  min !== undefined && max !== undefined
    ? ` from ${min} to ${max}`
    : min !== undefined
      ? ` of at least ${min}`
      : max !== undefined
        ? ` of at most ${max}`
        : ""

const lengthEn = (min: number | undefined, max: number | undefined) =>
  min !== undefined && max !== undefined
    ? ` ${min} to ${max}`
    : min !== undefined
      ? ` at least ${min}`
      : max !== undefined
        ? ` at most ${max}`
        : ""

const expectedKo = (e: Expected): string => {
  switch (e._tag) {
    case "OneOf":
      return `허용되는 값: ${e.values.join(", ")}.`
    case "Range":
      return `${e.minimum === undefined && e.maximum === undefined ? "" : `${boundsKo(e.minimum, e.maximum, "")}의 `}${e.integer ? "정수" : "숫자"}여야 합니다.`
    case "Length":
      return e.unit === "characters"
        ? `${boundsKo(e.minimum, e.maximum, "자")}여야 합니다.`
        : `항목은 ${boundsKo(e.minimum, e.maximum, "개")}여야 합니다.`
    case "Type":
      return `${typeKo[e.type]} 값이어야 합니다.`
    case "Json":
      return `JSON 객체여야 합니다.${e.example === undefined ? "" : ` 예: ${e.example}`}`
    case "PathPhoneNumber":
      return `요청 경로의 전화번호(${clip(e.phoneNumber)})와 같아야 합니다.`
  }
}

const expectedEn = (e: Expected): string => {
  switch (e._tag) {
    case "OneOf":
      return `it must be one of ${e.values.join(", ")}.`
    case "Range":
      return `it must be ${e.integer ? "a whole number" : "a number"}${boundsEn(e.minimum, e.maximum)}.`
    case "Length":
      return e.unit === "characters"
        ? `it must be${lengthEn(e.minimum, e.maximum)} characters long.`
        : `it must have${lengthEn(e.minimum, e.maximum)} items.`
    case "Type":
      return `it must be ${typeEn[e.type]}.`
    case "Json":
      return `it must be a JSON object${e.example === undefined ? "" : ` such as ${e.example}`}.`
    case "PathPhoneNumber":
      return `it must be the phone number in the path (${clip(e.phoneNumber)}).`
  }
}

const allowedKo = (allowed: ReadonlyArray<string> | undefined) =>
  allowed === undefined
    ? ""
    : allowed.length === 0
      ? " (사용할 수 있는 파라미터가 없습니다)"
      : ` (사용 가능: ${allowed.join(", ")})`
const allowedEn = (allowed: ReadonlyArray<string> | undefined) =>
  allowed === undefined
    ? ""
    : allowed.length === 0
      ? "; this endpoint takes none"
      : `; this endpoint takes ${allowed.join(", ")}`
const invalidParameterKo = (d: InvalidParameterDetail) =>
  `${clip(d.field)}: ${parameterKo[d.problem ?? "value"](d)}${d.expected === undefined ? "" : ` ${expectedKo(d.expected)}`}${allowedKo(d.allowed)}`
const invalidParameterEn = (d: InvalidParameterDetail) =>
  `The parameter ${clip(d.field)} ${parameterEn[d.problem ?? "value"](d)}${d.expected === undefined ? `${allowedEn(d.allowed)}.` : `; ${expectedEn(d.expected)}`}`

/** Auth codes and statuses are SOLAPI's (all 403); `Unauthorized` 401 is for a missing header only. */
const serverTable: { readonly [C in ServerErrorCode]: ServerRow<Detail<C>> } = {
  MissingRequiredParameter: {
    status: 400,
    ko: (d) => `필수 파라미터가 누락되었습니다.${d ? ` (${clip(d.field)})` : ""}`,
    en: (d) => `A required parameter is missing${d ? `: ${clip(d.field)}` : ""}.`
  },
  InvalidParameter: {
    status: 400,
    ko: (d) => (d ? invalidParameterKo(d) : "파라미터가 올바르지 않습니다."),
    en: (d) => (d ? invalidParameterEn(d) : "Invalid parameter.")
  },
  InvalidJSON: {
    status: 400,
    ko: () => "요청 본문이 올바른 JSON 형식이 아닙니다.",
    en: () => "The request body is not valid JSON."
  },
  PayloadTooLarge: {
    status: 413,
    ko: (d) => `요청 본문이 너무 큽니다.${d ? ` (최대 ${d.maxBytes}바이트)` : ""}`,
    en: (d) => `The request body is too large${d ? ` (at most ${d.maxBytes} bytes)` : ""}.`
  },
  NotFound: {
    status: 404,
    ko: () => "요청한 API를 찾을 수 없습니다.",
    en: () => "No such endpoint."
  },
  MethodNotAllowed: {
    status: 405,
    ko: () => "허용되지 않은 HTTP 메서드입니다.",
    en: () => "The HTTP method is not allowed on this endpoint."
  },
  InternalError: {
    status: 500,
    ko: () => `서버 내부 오류가 발생했습니다. ${retryKo}`,
    en: () => `An internal error occurred; ${retryEn}`
  },
  ServiceUnavailable: { status: 503, ko: () => unavailableKo, en: () => unavailableEn },
  Unauthorized: {
    status: 401,
    ko: () => "인증 정보가 없습니다. Authorization 헤더를 포함해 주세요.",
    en: () => "Authentication is required: send an Authorization header."
  },
  InvalidAuthorization: {
    status: 401,
    ko: (d) => `Authorization 헤더 형식이 올바르지 않습니다.${d ? ` (${clip(d.reason)})` : ""}`,
    en: (d) => `The Authorization header is malformed${d ? ` (${clip(d.reason)})` : ""}.`
  },
  InvalidAPIKey: {
    status: 403,
    ko: () => "유효하지 않은 API Key입니다.",
    en: () => "The API key is invalid."
  },
  SignatureDoesNotMatch: {
    status: 403,
    ko: () => "서명이 일치하지 않습니다.",
    en: () => "The signature does not match."
  },
  RequestTimeTooSkewed: {
    status: 403,
    ko: () => "요청 시각이 서버 시각과 15분 이상 차이가 납니다.",
    en: () => "The request date is more than 15 minutes away from the server time."
  },
  DuplicatedSignature: {
    status: 403,
    ko: () => "이미 사용된 서명입니다. 요청마다 새로운 salt로 서명해 주세요.",
    en: () => "The signature was already used; sign every request with a new salt."
  },
  Forbidden: {
    status: 403,
    ko: (d) =>
      d !== undefined && "accountId" in d
        ? `이 API Key로는 자신의 계정만 조회할 수 있습니다. (${clip(d.accountId)})`
        : `이 요청을 수행할 권한이 없습니다.${d ? ` (${clip(d.scope)})` : ""}`,
    en: (d) =>
      d !== undefined && "accountId" in d
        ? `Not allowed: this key may ask only about its own account, not ${clip(d.accountId)}.`
        : `Not allowed${d ? `: the ${clip(d.scope)} scope is required` : ""}.`
  },
  TooManyRequests: {
    status: 429,
    ko: (d) => `요청이 너무 많습니다.${d ? ` ${d.retryAfterSeconds}초 후` : ""} 다시 시도해 주세요.`,
    en: (d) => `Too many requests; try again${d ? ` in ${d.retryAfterSeconds} seconds` : " later"}.`
  },
  MFARequired: {
    status: 403,
    ko: () => "ARS 인증 전화를 걸었습니다. 통화에서 안내된 인증번호를 transactionId와 함께 보내 주세요.",
    en: () => "The verification call was placed; send the PIN heard on it with the transactionId."
  },
  IdempotencyKeyInUse: {
    status: 409,
    ko: () => "같은 Idempotency-Key의 요청이 아직 처리 중입니다. 잠시 후 다시 시도해 주세요.",
    en: () => "A request with this Idempotency-Key is still being processed; retry shortly."
  },
  IdempotencyKeyReused: {
    status: 422,
    ko: () => "이 Idempotency-Key는 다른 요청 본문으로 이미 사용되었습니다.",
    en: () => "This Idempotency-Key was already used with a different request."
  }
}

/** Every `errorCode` this server can answer with: the contract, e.g. for the API's documentation. */
export type ErrorCode = (typeof domainTable)[DomainErrorTag]["code"] | ServerErrorCode

/** One of the server's own errors; the detail is required only where the code has nothing to say without it. */
export const wireError = <C extends ServerErrorCode>(
  code: C,
  language: Language,
  ...detail: undefined extends ServerErrorDetails[C]
    ? [detail?: ServerErrorDetails[C]]
    : [detail: ServerErrorDetails[C]]
): WireError => {
  const row = serverTable[code] as ServerRow<Detail<C>>
  const d = detail[0] as Detail<C> | undefined
  return { status: row.status, body: { errorCode: code, errorMessage: row[language](d) } }
}

/**
 * Any failure to the wire: a domain error by its row, anything else (a defect, a plain `Error`, a
 * look-alike object) as `InternalError` 500 whose message says nothing about what was thrown.
 */
export const toWire = (error: unknown, language: Language): WireError => {
  if (typeof error !== "object" || error === null || !("_tag" in error) || typeof error._tag !== "string") {
    return wireError("InternalError", language)
  }
  if (!Object.hasOwn(domainTable, error._tag)) return wireError("InternalError", language)
  // The tag and the row's class are correlated by `DomainTable`; TypeScript cannot follow that here.
  const row = domainTable[error._tag as DomainErrorTag] as unknown as Row<DomainError>
  if (!(error instanceof row.class)) return wireError("InternalError", language)
  return { status: row.status, body: { errorCode: row.code, errorMessage: row[language](error) } }
}

/** The HTTP status of every `errorCode` this server can answer with, for the API's documentation. */
export const statusByCode: ReadonlyMap<string, number> = new Map<string, number>([
  ...Object.values(domainTable).map((row): [string, number] => [row.code, row.status]),
  ...Object.entries(serverTable).map(([code, row]): [string, number] => [code, row.status])
])
