/**
 * The account book's own aggregate: how many sender IDs an account may hold, and its requests to
 * raise that limit. The limit counts every sender ID in the book, whatever its status: a slot is
 * freed only by deleting a number (or by the sweep removing a lapsed registration), so the book a
 * customer sees never holds more rows than its limit.
 */
import { Effect, Schema } from "effect"
import { type At as AuditAt, AuditEntry, entry as auditEntry } from "./AuditEntry.ts"
import * as Review from "./Review.ts"
import {
  LimitationRequestNotFound,
  LimitationRequestPending,
  LimitBelowHeld,
  LimitNotIncreased,
  type ReasonRequired,
  type ReviewAlreadyDecided,
  SuspensionUnchanged
} from "./SenderIdError.ts"
import { Suspension } from "./Suspension.ts"

export const LimitationRequest = Schema.Struct({
  limitationId: Schema.String,
  documents: Schema.Array(Schema.String),
  limitRequested: Schema.Number,
  limitBeforeRequest: Schema.Number,
  ...Review.reviewFields
})
export type LimitationRequest = typeof LimitationRequest.Type

export const Account = Schema.Struct({
  accountId: Schema.String,
  limit: Schema.Number,
  limitationRequests: Schema.Array(LimitationRequest),
  log: Schema.Array(AuditEntry),
  /** Present while an operator suspends the account. */
  suspension: Schema.optionalKey(Suspension),
  dateCreated: Schema.Number,
  dateUpdated: Schema.Number,
  version: Schema.Number
})
export type Account = typeof Account.Type

type At = AuditAt

const appendLog = (
  self: Account,
  at: At,
  message: string,
  patch: Partial<Account>,
  note?: string | undefined
): Account => ({
  ...self,
  ...patch,
  dateUpdated: at.now,
  log: [...self.log, auditEntry(at, message, null, null, note)]
})

export const open = (accountId: string, limit: number, at: At): Account => ({
  accountId,
  limit,
  limitationRequests: [],
  log: [auditEntry(at, `account opened with limit ${limit}`, null, null)],
  dateCreated: at.now,
  dateUpdated: at.now,
  version: 0
})

export const requestLimitation = (
  self: Account,
  request: {
    readonly limitationId: string
    readonly documents: ReadonlyArray<string>
    readonly limitRequested: number
    readonly maxLimit: number
  },
  at: At
): Effect.Effect<Account, LimitNotIncreased | LimitationRequestPending> =>
  Effect.gen(function* () {
    const { limitRequested, maxLimit } = request
    if (!Number.isInteger(limitRequested) || limitRequested <= self.limit || limitRequested > maxLimit) {
      return yield* new LimitNotIncreased({
        accountId: self.accountId,
        requested: limitRequested,
        current: self.limit,
        max: maxLimit
      })
    }
    const pending = self.limitationRequests.find((r) => r.status === "PENDING")
    if (pending) {
      return yield* new LimitationRequestPending({
        accountId: self.accountId,
        limitationId: pending.limitationId
      })
    }
    return appendLog(self, at, `limit increase to ${limitRequested} requested (${request.limitationId})`, {
      limitationRequests: [
        ...self.limitationRequests,
        {
          limitationId: request.limitationId,
          documents: [...request.documents],
          limitRequested,
          limitBeforeRequest: self.limit,
          ...Review.pending(at.now)
        }
      ]
    })
  })

/** A limit raise takes effect only here, when an operator approves the request. */
export const decideLimitation = (
  self: Account,
  limitationId: string,
  decision: Review.Decision,
  at: At
): Effect.Effect<Account, LimitationRequestNotFound | ReviewAlreadyDecided | ReasonRequired> =>
  Effect.gen(function* () {
    const request = self.limitationRequests.find((r) => r.limitationId === limitationId)
    if (!request) return yield* new LimitationRequestNotFound({ accountId: self.accountId, limitationId })
    const decided = yield* Review.decide(request, limitationId, decision, at.now)
    const requests = self.limitationRequests.map((r) => (r.limitationId === limitationId ? decided : r))
    return decision.approve
      ? appendLog(
          self,
          at,
          `limit increase ${limitationId} approved: ${self.limit} → ${request.limitRequested}`,
          {
            limitationRequests: requests,
            limit: request.limitRequested
          },
          Review.noteOf(decision)
        )
      : appendLog(self, at, `limit increase ${limitationId} rejected: ${decision.reason}`, {
          limitationRequests: requests
        })
  })

/** An operator sets the limit directly; never below what the account already holds. */
export const setLimit = (
  self: Account,
  limit: number,
  held: number,
  at: At
): Effect.Effect<Account, LimitBelowHeld> =>
  !Number.isInteger(limit) || limit < held || limit < 0
    ? Effect.fail(new LimitBelowHeld({ accountId: self.accountId, limit, held }))
    : Effect.succeed(appendLog(self, at, `limit set to ${limit} (was ${self.limit})`, { limit }))

/** The account's limit requests still waiting for an operator, as entries of the review queue. */
export const pendingReviews = (self: Account): ReadonlyArray<Review.QueuedReview> =>
  self.limitationRequests
    .filter((r) => r.status === "PENDING")
    .map((r) => ({
      kind: "LIMITATION",
      reviewId: r.limitationId,
      accountId: self.accountId,
      handleKey: null,
      phoneNumber: null,
      dateCreated: r.dateCreated
    }))

/** An operator's suspension of the whole account: its keys are refused until it is reinstated. */
export const suspend = (
  self: Account,
  reason: string,
  operatorId: string,
  at: At
): Effect.Effect<Account, SuspensionUnchanged> =>
  self.suspension !== undefined
    ? Effect.fail(new SuspensionUnchanged({ subject: self.accountId, suspended: true }))
    : Effect.succeed(
        appendLog(self, at, `account suspended by an operator: ${reason}`, {
          suspension: { reason, operatorId, since: at.now }
        })
      )

export const reinstate = (self: Account, at: At): Effect.Effect<Account, SuspensionUnchanged> => {
  if (self.suspension === undefined) {
    return Effect.fail(new SuspensionUnchanged({ subject: self.accountId, suspended: false }))
  }
  const { suspension: _lifted, ...rest } = appendLog(self, at, "account reinstated by an operator", {})
  return Effect.succeed(rest)
}
