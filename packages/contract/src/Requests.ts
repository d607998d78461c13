/**
 * What clients may send: one schema per request body, header and query, decoded strictly (unknown
 * fields are refused, never ignored) so a field a client hopes to set — `status`, `accountId`,
 * `limit`, `log`, `handleKey` where the request has no such field — can never be honoured.
 */
import { RegistryEvent } from "@senderid/domain"
import { Schema } from "effect"
import { SafeText } from "./SafeText.ts"

const { RegistryEventType } = RegistryEvent

/** Field names clients sometimes send to set what only the server decides; refused by name. */
export const FORBIDDEN_FIELDS: ReadonlyArray<string> = ["status", "accountId", "limit", "log", "handleKey"]

/** Bounds on client strings, so no request can make the server hold or echo megabytes of text, and
 * no control character that a console or a log viewer would act on (`SafeText`). */
const Text = (maxLength: number) => SafeText({ maxLength })
const NonEmptyText = (maxLength: number) => SafeText({ minLength: 1, maxLength })
/** Free text people write over several lines (a reason): LF is allowed. */
export const Reason = SafeText({ minLength: 1, maxLength: 1000, lineBreaks: true })

/** A phone number as people write it; the domain normalises it and says precisely what is wrong. */
export const PhoneNumberText = NonEmptyText(40).annotate({
  description: "Digits, or a common human form (hyphens, spaces, +82); stored as digits only.",
  examples: ["0212345678", "010-2345-6789"]
})
const Id = NonEmptyText(64)
const DocumentIds = Schema.Array(Id).check(Schema.isMinLength(1), Schema.isMaxLength(20))

export const RegisterNumber = Schema.Struct({
  phoneNumber: PhoneNumberText,
  documents: Schema.optionalKey(
    Schema.Array(Id)
      .check(Schema.isMaxLength(20))
      .annotate({ description: "Evidence document ids; when given, an evidence review starts at once." })
  ),
  autoExtension: Schema.optionalKey(
    Schema.Boolean.annotate({ description: "Renew the verification automatically when it lapses." })
  )
}).annotate({ identifier: "RegisterNumberRequest" })
export type RegisterNumber = typeof RegisterNumber.Type

export const BulkRegister = Schema.Struct({
  numbers: Schema.Array(
    Schema.Struct({
      phoneNumber: PhoneNumberText,
      documents: Schema.optionalKey(Schema.Array(Id).check(Schema.isMaxLength(20))),
      autoExtension: Schema.optionalKey(Schema.Boolean)
    })
  ).check(Schema.isMinLength(1), Schema.isMaxLength(100))
}).annotate({
  identifier: "BulkRegisterRequest",
  description: "1 to 100 numbers, each registered on its own."
})
export type BulkRegister = typeof BulkRegister.Type

export const UpdateNumber = Schema.Struct({
  status: Schema.optionalKey(
    Schema.Literals(["PENDING", "ACTIVE", "INACTIVE", "DUPLICATED", "EXPIRED", "REJECTED"]).annotate({
      description: "ACTIVE or INACTIVE; any other status is refused with FailedToUpdate."
    })
  ),
  autoExtension: Schema.optionalKey(Schema.Boolean)
}).annotate({ identifier: "UpdateNumberRequest", description: "At least one of status and autoExtension." })
export type UpdateNumber = typeof UpdateNumber.Type

export const SubmitApproval = Schema.Struct({ documents: DocumentIds }).annotate({
  identifier: "SubmitApprovalRequest"
})
export type SubmitApproval = typeof SubmitApproval.Type

export const RequestUnlock = Schema.Struct({
  reason: Reason,
  name: Schema.optionalKey(Text(100))
}).annotate({ identifier: "RequestUnlockRequest" })
export type RequestUnlock = typeof RequestUnlock.Type

export const RequestLimitation = Schema.Struct({
  documents: DocumentIds,
  limit: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1_000_000 }))
}).annotate({ identifier: "RequestLimitationRequest" })
export type RequestLimitation = typeof RequestLimitation.Type

export const UploadDocument = Schema.Struct({
  // Not text but encoded bytes, never shown: the domain decodes it with base64's strict alphabet (a
  // control character is `InvalidFileEncoding`), so scanning megabytes for controls here would be waste.
  file: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(16 * 1024 * 1024)).annotate({
    description: "The file as base64, or as a data URL (data:application/pdf;base64,…).",
    contentEncoding: "base64"
  }),
  category: Schema.Literals([
    "SENDERID_APPROVAL",
    "SENDERID_LIMITATION",
    "SENDERID_IDENTIFICATION",
    "SENDERID_CONSIGNMENT"
  ]),
  name: Schema.optionalKey(NonEmptyText(255))
}).annotate({ identifier: "UploadDocumentRequest" })
export type UploadDocument = typeof UploadDocument.Type

export const DeleteDocuments = Schema.Struct({
  documents: Schema.Array(Id).check(Schema.isMinLength(1), Schema.isMaxLength(100))
}).annotate({ identifier: "DeleteDocumentsRequest" })
export type DeleteDocuments = typeof DeleteDocuments.Type

/** The `x-mfa-data` header of the two-step ARS flow: without `transactionId` and `token` it places the
 * call; with them it checks the PIN heard on the call. */
export const MfaData = Schema.Struct({
  authType: Schema.Literal("ARS"),
  extras: Schema.Struct({ phoneNumber: PhoneNumberText }),
  transactionId: Schema.optionalKey(Id),
  token: Schema.optionalKey(NonEmptyText(16))
}).annotate({
  identifier: "MfaData",
  // The first step's header; the server quotes it to a client whose header is not JSON.
  examples: [{ authType: "ARS", extras: { phoneNumber: "01023456789" } }]
})
export type MfaData = typeof MfaData.Type

export const RegisterWebhook = Schema.Struct({
  url: NonEmptyText(2048).annotate({
    description: "Where events are POSTed: http(s), no user or password in it.",
    examples: ["https://hooks.example.com/senderid"]
  }),
  events: Schema.Array(RegistryEventType)
    .check(Schema.isMinLength(1), Schema.isMaxLength(RegistryEventType.literals.length))
    .annotate({ description: "The event types to deliver." })
}).annotate({ identifier: "RegisterWebhookRequest" })
export type RegisterWebhook = typeof RegisterWebhook.Type

/** Query parameters, all optional strings on the wire; the server checks their values and refuses
 * any name an endpoint does not declare. */
export interface QueryParameter {
  readonly name: string
  readonly description: string
  /** Refused when absent; optional unless said. */
  readonly required?: boolean
  /** SOLAPI's `name[op]=value` spellings the endpoint also reads (`eq`, `gte`…); none unless said. */
  readonly operators?: ReadonlyArray<string>
}

/** Every spelling of the declared parameters a request may use: each name, and `name[op]` for the
 * operators it declares. */
export const querySpellings = (declared: ReadonlyArray<QueryParameter>): ReadonlyArray<string> =>
  declared.flatMap((p) => [p.name, ...(p.operators ?? []).map((op) => `${p.name}[${op}]`)])

export const DOCUMENT_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "documentId", description: "Only this document.", operators: ["eq"] },
  { name: "category", description: "Only this category; also `category[eq]`.", operators: ["eq"] },
  {
    name: "use",
    description: "`true` or `false`: only documents a request does (not) reference.",
    operators: ["eq"]
  },
  {
    name: "startDate",
    description: "Created at or after (ISO 8601); also `dateCreated[gte]` / `[gt]`.",
    operators: ["eq"]
  },
  {
    name: "endDate",
    description: "Created at or before (ISO 8601); also `dateCreated[lte]` / `[lt]`.",
    operators: ["eq"]
  },
  {
    name: "dateCreated",
    description: "Created at this instant (ISO 8601); `[gte]`, `[gt]`, `[lte]`, `[lt]` bound it instead.",
    operators: ["eq", "gte", "gt", "lte", "lt"]
  },
  {
    name: "startKey",
    description: "The page to return: the `nextKey` of the previous page.",
    operators: ["eq"]
  },
  { name: "limit", description: "Page size, 1 to 100 (default 20)." }
]

export const BOOK_QUERY: ReadonlyArray<QueryParameter> = [
  {
    name: "limit",
    description: "Page size, 1 to 1000. Without it the whole book is returned (SOLAPI's behaviour)."
  },
  { name: "startKey", description: "The page to return: the `nextKey` of the previous page." },
  { name: "status", description: "Only sender IDs in this status." }
]

export const DELIVERY_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "endpointId", description: "Only deliveries to this endpoint." },
  { name: "status", description: "`PENDING`, `DELIVERED` or `FAILED`." },
  { name: "startKey", description: "The page to return: the `nextKey` of the previous page." },
  { name: "limit", description: "Page size, 1 to 100 (default 20)." }
]
