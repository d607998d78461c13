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
  /** Why it was rejected: the customer reads it. */
  reason: Schema.NullOr(Schema.String),
  /** The approving operator's note, for operators (customers are shown `reason` only); absent when
   * none was given, and on every review stored before notes were kept. */
  note: Schema.optionalKey(Schema.String),
  dateCreated: Schema.Number,
  dateUpdated: Schema.Number
}

export interface Reviewable {
  readonly status: ReviewStatus
  readonly reason: string | null
  readonly note?: string
  readonly dateUpdated: number
}

/** An approval may carry a note (what the operator checked); a rejection carries its reason. */
export type Decision =
  | { readonly approve: true; readonly note?: string | undefined }
  | { readonly approve: false; readonly reason: string }

/** The note a decision keeps: an approval's, unless it is blank. */
export const noteOf = (decision: Decision): string | undefined =>
  decision.approve && decision.note !== undefined && decision.note.trim() !== "" ? decision.note : undefined

/** A new review, waiting for an operator. */
export const pending = (now: number) => ({
  status: "PENDING" as const,
  reason: null,
  dateCreated: now,
  dateUpdated: now
})

/** Records an operator's decision on a review that is still pending; a rejection needs a reason,
 * an approval keeps its note. */
export const decide = <R extends Reviewable>(
  review: R,
  reviewId: string,
  decision: Decision,
  now: number
): Effect.Effect<R, ReviewAlreadyDecided | ReasonRequired> => {
  if (review.status !== "PENDING")
    return Effect.fail(new ReviewAlreadyDecided({ reviewId, status: review.status }))
  if (!decision.approve && decision.reason.trim() === "") return Effect.fail(new ReasonRequired({ reviewId }))
  const note = noteOf(decision)
  return Effect.succeed({
    ...review,
    status: decision.approve ? "APPROVED" : "REJECTED",
    reason: decision.approve ? null : decision.reason,
    ...(note === undefined ? {} : { note }),
    dateUpdated: now
  })
}

/** The three things an operator reviews. */
export const ReviewKind = Schema.Literals(["EVIDENCE", "DUPLICATE_UNLOCK", "LIMITATION"])
export type ReviewKind = typeof ReviewKind.Type

/**
 * One entry of the operator's queue: a review still PENDING, and where it lives — a sender ID's
 * evidence submission or duplicate-unlock request (`handleKey`, `phoneNumber`), or an account's
 * limit request (both null). Derived from the aggregates; adapters index it in the same commit.
 */
export interface QueuedReview {
  readonly kind: ReviewKind
  readonly reviewId: string
  readonly accountId: string
  readonly handleKey: string | null
  readonly phoneNumber: string | null
  readonly dateCreated: number
}

/** The queue's order: oldest first, then by review id. */
export const queueOrder = (a: QueuedReview, b: QueuedReview): number =>
  a.dateCreated - b.dateCreated || (a.reviewId < b.reviewId ? -1 : a.reviewId > b.reviewId ? 1 : 0)

/** A page boundary in the queue: opaque to clients, `dateCreated` and review id to adapters. */
export const queueCursor = (review: Pick<QueuedReview, "dateCreated" | "reviewId">): string =>
  `${review.dateCreated}.${review.reviewId}`

/** The position a cursor names, or `undefined` when it was not made by `queueCursor`. */
export const parseQueueCursor = (
  cursor: string
): { readonly dateCreated: number; readonly reviewId: string } | undefined => {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/u.exec(cursor)
  return match === null ? undefined : { dateCreated: Number(match[1]), reviewId: match[2] as string }
}
