/**
 * Send eligibility on the wire: what the message sender (a service key, naming the account) or a
 * customer (about its own account) asks — may the account send from these numbers now — and the
 * answer per number, with a stable reason code when it may not.
 */
import { Eligibility } from "@senderid/domain"
import { Schema } from "effect"
import { AccountId } from "./OperatorRequests.ts"
import type { QueryParameter } from "./Requests.ts"
import { PhoneNumberText } from "./Requests.ts"

/** The most numbers one batch asks about. */
export const MAX_BATCH = 1000

const ACCOUNT_DESCRIPTION =
  "The account asked about: required with a service key (`sender:eligibility`); a customer key may only name its own account (another one is 403 Forbidden)."

export const ELIGIBILITY_QUERY: ReadonlyArray<QueryParameter> = [
  { name: "accountId", description: ACCOUNT_DESCRIPTION }
]

export const CheckEligibility = Schema.Struct({
  phoneNumbers: Schema.Array(PhoneNumberText)
    .check(Schema.isMinLength(1), Schema.isMaxLength(MAX_BATCH))
    .annotate({ description: `1 to ${MAX_BATCH} numbers, in any human form; answered in the same order.` }),
  accountId: Schema.optionalKey(AccountId.annotate({ description: ACCOUNT_DESCRIPTION }))
}).annotate({ identifier: "CheckEligibilityRequest" })
export type CheckEligibility = typeof CheckEligibility.Type

export const EligibilityView = Schema.Struct({
  phoneNumber: Schema.String.annotate({
    description: "The number as digits; an input that is no phone number is echoed as sent."
  }),
  eligible: Schema.Boolean,
  status: Eligibility.EligibilityStatus.annotate({
    description: "The registration's status, NOT_REGISTERED when the account has none for the number."
  }),
  reason: Schema.optionalKey(
    Eligibility.EligibilityReason.annotate({
      description:
        "Present exactly when eligible is false. INVALID_NUMBER, ACCOUNT_SUSPENDED, NOT_REGISTERED, or the status (PENDING, INACTIVE, DUPLICATED, EXPIRED, REJECTED); EXPIRED also for an ACTIVE number whose expireAt has passed."
    })
  )
}).annotate({ identifier: "Eligibility" })
export type EligibilityView = typeof EligibilityView.Type

export const EligibilityResults = Schema.Struct({
  accountId: Schema.String,
  results: Schema.Array(EligibilityView)
}).annotate({ identifier: "EligibilityResults", description: "One answer per number asked, in order." })
export type EligibilityResults = typeof EligibilityResults.Type

export const eligibilityView = (answer: Eligibility.Eligibility): EligibilityView => ({
  phoneNumber: answer.phoneNumber,
  eligible: answer.eligible,
  status: answer.status,
  ...(answer.reason === undefined ? {} : { reason: answer.reason })
})
