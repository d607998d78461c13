/**
 * What operators may send to the operator API: account ids and limits, key scopes, review decisions
 * and special numbers, decoded as strictly as customers' requests. Unlike a customer, an operator
 * names the account a request is about; it comes from the path, never from a body field.
 */
import { Schema } from "effect"
import { DELIVERY_QUERY, type QueryParameter, Reason } from "./Requests.ts"
import { SafeText } from "./SafeText.ts"

/** Account ids are chosen by operators: letters, digits and `_ . -`, so they are safe in paths and logs. */
export const AccountId = SafeText({ maxLength: 64 })
  .check(Schema.isPattern(/^[A-Za-z0-9_.-]{1,64}$/u))
  .annotate({
    description: "1 to 64 of letters, digits, `_`, `.` and `-`.",
    examples: ["ACME", "acme-corp.kr"]
  })

export const OpenAccount = Schema.Struct({
  accountId: AccountId,
  limit: Schema.optionalKey(
    Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 })).annotate({
      description: "How many sender IDs the account may hold; the registry's default (5) unless given."
    })
  )
}).annotate({ identifier: "OpenAccountRequest" })
export type OpenAccount = typeof OpenAccount.Type

export const SetLimit = Schema.Struct({
  limit: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 })).annotate({
    description: "The new limit; refused below the number of sender IDs the account holds."
  })
}).annotate({ identifier: "SetLimitRequest" })
export type SetLimit = typeof SetLimit.Type

export const CustomerScope = Schema.Literals(["senderid:read", "senderid:write"])

export const IssueKey = Schema.Struct({
  scopes: Schema.optionalKey(
    Schema.Array(CustomerScope)
      .check(Schema.isMinLength(1), Schema.isMaxLength(2))
      .annotate({ description: "Both unless given; `senderid:read` alone makes a read-only key." })
  )
}).annotate({ identifier: "IssueKeyRequest" })
export type IssueKey = typeof IssueKey.Type

export const Decision = Schema.Struct({
  decision: Schema.Literals(["APPROVE", "REJECT"]),
  reason: Schema.optionalKey(
    Reason.annotate({
      description:
        "Required to reject: the customer sees it. With APPROVE, an optional note for operators: kept on the review and in the audit trail, never shown to the customer."
    })
  )
}).annotate({ identifier: "ReviewDecisionRequest" })
export type Decision = typeof Decision.Type

export const Suspend = Schema.Struct({
  reason: Reason.annotate({ description: "Why; the customer is told it with every refusal." })
}).annotate({ identifier: "SuspendRequest" })
export type Suspend = typeof Suspend.Type

export const SpecialNumber = Schema.Struct({
  phoneNumber: SafeText({ minLength: 1, maxLength: 40 }).annotate({
    description: "A special short number (112-style) or any other number, registered ACTIVE at once.",
    examples: ["112", "0212345678"]
  })
}).annotate({ identifier: "SpecialNumberRequest" })
export type SpecialNumber = typeof SpecialNumber.Type

export const ACCOUNT_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "search", description: "Only accounts whose id contains this, ignoring ASCII case." },
  { name: "startKey", description: "The page to return: the `nextKey` of the previous page." },
  { name: "limit", description: "Page size, 1 to 100 (default 20)." }
]

export const REVIEW_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "kind", description: "`EVIDENCE`, `DUPLICATE_UNLOCK` or `LIMITATION`." },
  { name: "accountId", description: "Only this account's reviews." },
  { name: "startKey", description: "The page to return: the `nextKey` of the previous page." },
  { name: "limit", description: "Page size, 1 to 100 (default 20)." }
]

export const EXPIRING_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "withinDays", description: "How far ahead to look, 1 to 366 days (default 30)." },
  { name: "accountId", description: "Only this account's numbers." },
  { name: "limit", description: "At most this many, 1 to 1000 (default 100)." }
]

export const STATS_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "weeks", description: "How many 7-day windows of expiries to count, 1 to 52 (default 8)." }
]

export const OPERATOR_DELIVERY_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "accountId", description: "Only this account's deliveries." },
  ...DELIVERY_QUERY
]
