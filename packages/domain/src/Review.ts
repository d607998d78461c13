/**
 * What evidence submissions, duplicate-unlock requests and limit requests have in common: each is
 * a review an operator decides once, approving it or rejecting it with a reason the customer sees.
 */
import { Effect, Schema } from "effect"
import { ReasonRequired, ReviewAlreadyDecided } from "./SenderIdError.ts"

export const ReviewStatus = Schema.Literals(["PENDING", "APPROVED", "REJECTED"])
export type ReviewStatus = typeof ReviewStatus.Type

/** The fields every review carries, after its own id and subject. */
export const reviewFields = {
  status: ReviewStatus,
  reason: Schema.NullOr(Schema.String),
  dateCreated: Schema.Number,
  dateUpdated: Schema.Number
}

export interface Reviewable {
  readonly status: ReviewStatus
  readonly reason: string | null
  readonly dateUpdated: number
}

export type Decision = { readonly approve: true } | { readonly approve: false; readonly reason: string }

/** A new review, waiting for an operator. */
export const pending = (now: number) => ({
  status: "PENDING" as const,
  reason: null,
  dateCreated: now,
  dateUpdated: now
})

/** Records an operator's decision on a review that is still pending; a rejection needs a reason. */
export const decide = <R extends Reviewable>(
  review: R,
  reviewId: string,
  decision: Decision,
  now: number
): Effect.Effect<R, ReviewAlreadyDecided | ReasonRequired> => {
  if (review.status !== "PENDING")
    return Effect.fail(new ReviewAlreadyDecided({ reviewId, status: review.status }))
  if (!decision.approve && decision.reason.trim() === "") return Effect.fail(new ReasonRequired({ reviewId }))
  return Effect.succeed({
    ...review,
    status: decision.approve ? "APPROVED" : "REJECTED",
    reason: decision.approve ? null : decision.reason,
    dateUpdated: now
  })
}
