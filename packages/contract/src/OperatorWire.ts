/**
 * The operator API's answers, as schemas, and their mapping from the domain: account summaries,
 * API keys (a secret only in the answer that issues it), the review queue with the documents each
 * review rests on, decisions (with the notes operators keep on them, which customers never see), audit trails with their actors, the numbers expiring soon, and the
 * registry's counts for a dashboard.
 */
import {
  type Account,
  ApiKeyScope,
  type ApiKeySummary,
  type AuditEntry,
  type RegistryStatsReport
} from "@senderid/domain"
import { Schema } from "effect"
import {
  DocumentView,
  IsoDate,
  isoDate,
  isoOrNull,
  LimitationDocument,
  limitationDocumentFor,
  SenderIdStatus,
  SenderIdView,
  SuspensionView,
  senderIdViewFor,
  suspensionView
} from "./Wire.ts"

export const AccountSummary = Schema.Struct({
  accountId: Schema.String,
  limit: Schema.Number,
  /** Whether a limit request waits for an operator. */
  limitRequestPending: Schema.Boolean,
  suspension: Schema.NullOr(SuspensionView),
  dateCreated: IsoDate,
  dateUpdated: IsoDate
}).annotate({ identifier: "AccountSummary" })
export type AccountSummary = typeof AccountSummary.Type

/** An account as the account list shows it: its summary and how many sender IDs it holds. */
export const AccountListEntry = Schema.Struct({
  ...AccountSummary.fields,
  senderIdCount: Schema.Number.annotate({
    description: "The sender IDs the account holds, in any status: what its limit counts."
  })
}).annotate({ identifier: "AccountListEntry" })
export type AccountListEntry = typeof AccountListEntry.Type

export const AccountPage = Schema.Struct({
  accounts: Schema.Array(AccountListEntry),
  nextKey: Schema.NullOr(Schema.String)
}).annotate({ identifier: "AccountPage" })
export type AccountPage = typeof AccountPage.Type

export const ApiKeyView = Schema.Struct({
  apiKey: Schema.String,
  scopes: Schema.Array(ApiKeyScope),
  accountId: Schema.NullOr(Schema.String),
  operatorId: Schema.NullOr(Schema.String),
  serviceId: Schema.NullOr(Schema.String),
  dateCreated: IsoDate,
  revokedAt: Schema.NullOr(IsoDate)
}).annotate({ identifier: "ApiKey" })
export type ApiKeyView = typeof ApiKeyView.Type

export const ApiKeyList = Schema.Array(ApiKeyView).annotate({ identifier: "ApiKeyList" })

export const IssuedApiKey = Schema.Struct({
  ...ApiKeyView.fields,
  apiSecret: Schema.String.annotate({ description: "Shown once, in this answer only." })
}).annotate({ identifier: "IssuedApiKey" })
export type IssuedApiKey = typeof IssuedApiKey.Type

const ReviewKind = Schema.Literals(["EVIDENCE", "DUPLICATE_UNLOCK", "LIMITATION"])

/** A sender ID with the account that holds it: whose registration another one is about. */
export const AccountSenderId = Schema.Struct({ accountId: Schema.String, ...SenderIdView.fields }).annotate({
  identifier: "AccountSenderId"
})
export type AccountSenderId = typeof AccountSenderId.Type

export const ReviewView = Schema.Struct({
  kind: ReviewKind,
  reviewId: Schema.String,
  accountId: Schema.String,
  phoneNumber: Schema.NullOr(Schema.String),
  dateCreated: IsoDate,
  /** The sender ID an evidence or unlock review is about; `null` for a limit request. */
  senderId: Schema.NullOr(SenderIdView),
  /** The limit request itself; `null` for the other kinds. */
  limitation: Schema.NullOr(LimitationDocument),
  /** The documents the review rests on (metadata; `url` downloads them). */
  documents: Schema.Array(DocumentView),
  /** For a duplicate-unlock request: the other account's registration that holds the number now
   * (ACTIVE or INACTIVE), which loses it once the claimant, approved, proves the number; `null`
   * when no other account holds it, and for the other kinds. */
  holder: Schema.NullOr(AccountSenderId).annotate({
    description:
      "DUPLICATE_UNLOCK only: the other account's registration holding the number now, which approving puts at risk; null when none does."
  })
}).annotate({ identifier: "Review" })
export type ReviewView = typeof ReviewView.Type

export const ReviewPage = Schema.Struct({
  reviews: Schema.Array(ReviewView),
  nextKey: Schema.NullOr(Schema.String)
}).annotate({ identifier: "ReviewPage", description: "Pending reviews, oldest first." })
export type ReviewPage = typeof ReviewPage.Type

export const DecidedReview = Schema.Struct({
  kind: ReviewKind,
  reviewId: Schema.String,
  accountId: Schema.String,
  status: Schema.Literals(["APPROVED", "REJECTED"]),
  /** Why it was rejected (the customer sees it); `null` on an approval. */
  reason: Schema.NullOr(Schema.String),
  /** The note it was approved with (operators only); `null` on a rejection or when none was given. */
  note: Schema.NullOr(Schema.String),
  /** The sender ID after the decision (evidence, unlock); `null` for a limit request. */
  senderId: Schema.NullOr(SenderIdView),
  /** The limit request after the decision; `null` for the other kinds. */
  limitation: Schema.NullOr(LimitationDocument),
  /** The account's limit after the decision. */
  limit: Schema.Number
}).annotate({ identifier: "DecidedReview" })
export type DecidedReview = typeof DecidedReview.Type

export const AuditEntryView = Schema.Struct({
  createAt: IsoDate,
  message: Schema.String,
  actor: Schema.Struct({
    type: Schema.Literals(["ACCOUNT", "OPERATOR", "SYSTEM"]),
    id: Schema.String,
    apiKey: Schema.NullOr(Schema.String).annotate({
      description: "The key the change was signed with, if any."
    })
  }),
  statusBefore: Schema.NullOr(Schema.String),
  statusAfter: Schema.NullOr(Schema.String),
  requestId: Schema.NullOr(Schema.String).annotate({
    description: "The `x-request-id` of the request that made the change; `null` outside a request."
  }),
  note: Schema.NullOr(Schema.String).annotate({
    description: "What the operator noted with the change (an approval's note); `null` when nothing."
  })
}).annotate({ identifier: "AuditEntry" })
export type AuditEntryView = typeof AuditEntryView.Type

export const AuditTrail = Schema.Struct({
  handleKey: Schema.String,
  entries: Schema.Array(AuditEntryView)
}).annotate({
  identifier: "AuditTrail",
  description: "Every change, oldest first; entries are never altered."
})
export type AuditTrail = typeof AuditTrail.Type

export const ExpiringNumber = Schema.Struct({ accountId: Schema.String, ...SenderIdView.fields }).annotate({
  identifier: "ExpiringNumber"
})

export const ExpiringNumbers = Schema.Struct({
  from: IsoDate,
  to: IsoDate,
  senderIds: Schema.Array(ExpiringNumber)
}).annotate({
  identifier: "ExpiringNumbers",
  description: "Verifications lapsing in [from, to), soonest first."
})
export type ExpiringNumbers = typeof ExpiringNumbers.Type

export const SweepReport = Schema.Struct({
  expired: Schema.Number,
  extended: Schema.Number,
  removed: Schema.Number,
  skipped: Schema.Number
}).annotate({ identifier: "SweepReport" })
export type SweepReport = typeof SweepReport.Type

/** A count under every key, 0 when there is none: a dashboard reads each without checking. */
const countsBy = <const K extends string>(keys: ReadonlyArray<K>) =>
  Schema.Struct(
    Object.fromEntries(keys.map((key) => [key, Schema.Number])) as Record<K, typeof Schema.Number>
  )

export const ExpiryWindow = Schema.Struct({
  from: IsoDate,
  to: IsoDate,
  count: Schema.Number
}).annotate({
  identifier: "ExpiryWindow",
  description: "Verified numbers (ACTIVE or INACTIVE) whose verification lapses in [from, to)."
})
export type ExpiryWindow = typeof ExpiryWindow.Type

export const RegistryStats = Schema.Struct({
  accounts: Schema.Number,
  suspendedAccounts: Schema.Number,
  senderIds: countsBy(SenderIdStatus.literals).annotate({
    identifier: "SenderIdCounts",
    description: "Sender IDs by status, in every account."
  }),
  reviews: countsBy(ReviewKind.literals).annotate({
    identifier: "ReviewCounts",
    description: "Pending reviews by kind: the review queue."
  }),
  expiries: Schema.Array(ExpiryWindow).annotate({
    description: "Consecutive 7-day windows, the first starting now; as many as `weeks` asked for."
  })
}).annotate({
  identifier: "RegistryStats",
  description: "The whole registry counted, for a dashboard; every status and kind is present, 0 when none."
})
export type RegistryStats = typeof RegistryStats.Type

// ---------------------------------------------------------------------------------------------------
// Domain → wire
// ---------------------------------------------------------------------------------------------------

export const accountSummary = (account: Account.Account): AccountSummary => ({
  accountId: account.accountId,
  limit: account.limit,
  limitRequestPending: account.limitationRequests.some((r) => r.status === "PENDING"),
  suspension: suspensionView(account.suspension),
  dateCreated: isoDate(account.dateCreated),
  dateUpdated: isoDate(account.dateUpdated)
})

export const apiKeyView = (key: ApiKeySummary): ApiKeyView => ({
  apiKey: key.apiKey,
  scopes: [...key.scopes],
  accountId: key.accountId,
  operatorId: key.operatorId,
  serviceId: key.serviceId,
  dateCreated: isoDate(key.dateCreated),
  revokedAt: isoOrNull(key.revokedAt)
})

export const auditEntryView = (entry: AuditEntry.AuditEntry): AuditEntryView => ({
  createAt: isoDate(entry.createAt),
  message: entry.message,
  actor: {
    type: entry.actor.type,
    id: entry.actor.id,
    apiKey: entry.actor.type === "SYSTEM" ? null : (entry.actor.apiKey ?? null)
  },
  statusBefore: entry.statusBefore,
  statusAfter: entry.statusAfter,
  requestId: entry.requestId ?? null,
  note: entry.note ?? null
})

/** A sender ID as operators see it: SOLAPI's view plus each review's `note`. */
export const senderIdView = senderIdViewFor({ operator: true })

/** A limit request as operators see it, with its `note`. */
export const limitationDocument = limitationDocumentFor({ operator: true })

export const registryStats = (report: RegistryStatsReport): RegistryStats => ({
  accounts: report.accounts,
  suspendedAccounts: report.suspendedAccounts,
  senderIds: { ...report.senderIds },
  reviews: { ...report.reviews },
  expiries: report.expiries.map((window) => ({
    from: isoDate(window.from),
    to: isoDate(window.to),
    count: window.count
  }))
})
