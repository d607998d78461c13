/**
 * The operator's decisions on what customers asked for: evidence submissions, duplicate-unlock
 * requests and limit increases. Every decision is recorded with the operator as actor, and an
 * approved evidence submission is the only way besides ARS that a number becomes ACTIVE.
 */
import { Context, Effect, Layer, Option } from "effect"
import { SecureRandom } from "effect/crypto"
import * as Account from "./Account.ts"
import { operatorActor } from "./AuditEntry.ts"
import type { Document } from "./Document.ts"
import { activationChanges } from "./internal/activation.ts"
import { eventOf, requireAccount, requireSenderId, retryOnConflict, stamp } from "./internal/unitOfWork.ts"
import { lookupKey } from "./PhoneNumber.ts"
import { RegistryPolicy } from "./RegistryPolicy.ts"
import type * as Review from "./Review.ts"
import * as SenderId from "./SenderId.ts"
import { type Page, type ReviewQuery, SenderIdRepository } from "./SenderIdRepository.ts"

/** A queued review with what an operator needs to decide it: the registration or the limit
 * request it is about, the documents it rests on (those still stored), and for a duplicate-unlock
 * request the registration of another account that holds the number now (the one approving puts
 * at risk), `null` when none does any more. */
export interface QueueEntry {
  readonly review: Review.QueuedReview
  readonly senderId: SenderId.SenderId | null
  readonly limitation: Account.LimitationRequest | null
  readonly documents: ReadonlyArray<Document>
  readonly holder: SenderId.SenderId | null
}

export class Reviews extends Context.Service<Reviews>()("@senderid/domain/Reviews", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const policy = yield* RegistryPolicy
    // Identifiers come from the CSPRNG this service was built with.
    const drawing = Effect.provideService(SecureRandom.SecureRandom, yield* SecureRandom.SecureRandom)

    const decideEvidence = Effect.fn("Reviews.decideEvidence")(function* (
      operatorId: string,
      target: { readonly accountId: string; readonly phoneNumber: string; readonly approvalId: string },
      decision: Review.Decision
    ) {
      yield* retryOnConflict(
        Effect.gen(function* () {
          const current = yield* requireSenderId(repository, target.accountId, lookupKey(target.phoneNumber))
          const at = yield* stamp(operatorActor(operatorId))
          const next = yield* SenderId.decideEvidence(current, target.approvalId, decision, policy, at)
          const decided = yield* eventOf("review.decided", target.accountId, at, {
            kind: "EVIDENCE",
            reviewId: target.approvalId,
            phoneNumber: current.phoneNumber,
            decision: decision.approve ? "APPROVED" : "REJECTED",
            reason: decision.approve ? null : decision.reason
          })
          const changes = decision.approve
            ? yield* activationChanges(repository, policy, next, at)
            : [{ _tag: "UpdateSenderId" as const, senderId: next }]
          yield* repository.commit([...changes, decided])
        })
      )
      return yield* requireSenderId(repository, target.accountId, lookupKey(target.phoneNumber))
    }, drawing)

    const decideUnlock = Effect.fn("Reviews.decideUnlock")(function* (
      operatorId: string,
      target: { readonly accountId: string; readonly phoneNumber: string },
      decision: Review.Decision
    ) {
      yield* retryOnConflict(
        Effect.gen(function* () {
          const current = yield* requireSenderId(repository, target.accountId, lookupKey(target.phoneNumber))
          const at = yield* stamp(operatorActor(operatorId))
          const next = yield* SenderId.decideUnlock(current, decision, policy.pendingTtl, at)
          yield* repository.commit([
            { _tag: "UpdateSenderId", senderId: next },
            yield* eventOf("review.decided", target.accountId, at, {
              kind: "DUPLICATE_UNLOCK",
              reviewId: current.unlockDuplicate?.duplicateId ?? null,
              phoneNumber: current.phoneNumber,
              decision: decision.approve ? "APPROVED" : "REJECTED",
              reason: decision.approve ? null : decision.reason
            })
          ])
        })
      )
      return yield* requireSenderId(repository, target.accountId, lookupKey(target.phoneNumber))
    }, drawing)

    const decideLimitation = Effect.fn("Reviews.decideLimitation")(function* (
      operatorId: string,
      target: { readonly accountId: string; readonly limitationId: string },
      decision: Review.Decision
    ) {
      yield* retryOnConflict(
        Effect.gen(function* () {
          const account = yield* requireAccount(repository, target.accountId)
          const at = yield* stamp(operatorActor(operatorId))
          const next = yield* Account.decideLimitation(account, target.limitationId, decision, at)
          yield* repository.commit([
            { _tag: "UpdateAccount", account: next },
            yield* eventOf("review.decided", target.accountId, at, {
              kind: "LIMITATION",
              reviewId: target.limitationId,
              decision: decision.approve ? "APPROVED" : "REJECTED",
              reason: decision.approve ? null : decision.reason
            }),
            ...(decision.approve
              ? [
                  yield* eventOf("account.limit_changed", target.accountId, at, {
                    before: account.limit,
                    limit: next.limit
                  })
                ]
              : [])
          ])
        })
      )
      return yield* requireAccount(repository, target.accountId)
    }, drawing)

    const documentsOf = (ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => repository.findDocument(id)).pipe(
        Effect.map((found) => found.flatMap((document) => (Option.isSome(document) ? [document.value] : [])))
      )

    /** The operator's queue, a page at a time, oldest first. A review decided between the queue's
     * read and its entry's is still shown, as it was: the decision then reports AlreadyDecided. */
    const queue = Effect.fn("Reviews.queue")(function* (query: ReviewQuery) {
      const page = yield* repository.listPendingReviews(query)
      const items = yield* Effect.forEach(page.items, (review) =>
        Effect.gen(function* () {
          if (review.kind === "LIMITATION") {
            const account = Option.getOrUndefined(yield* repository.findAccount(review.accountId))
            const limitation =
              account?.limitationRequests.find((r) => r.limitationId === review.reviewId) ?? null
            const documents = yield* documentsOf(limitation?.documents ?? [])
            return { review, senderId: null, limitation, documents, holder: null } satisfies QueueEntry
          }
          const senderId = Option.getOrNull(
            yield* repository.findSenderId(review.accountId, review.phoneNumber ?? "")
          )
          const submission = senderId?.approvalDocuments.find((a) => a.approvalId === review.reviewId)
          const documents = yield* documentsOf(submission?.documents ?? [])
          const holder =
            review.kind === "DUPLICATE_UNLOCK" && review.phoneNumber !== null
              ? ((yield* repository.findHolders(review.phoneNumber)).find(
                  (h) => h.accountId !== review.accountId
                ) ?? null)
              : null
          return { review, senderId, limitation: null, documents, holder } satisfies QueueEntry
        })
      )
      return { items, nextKey: page.nextKey } satisfies Page<QueueEntry>
    })

    return { decideEvidence, decideUnlock, decideLimitation, queue }
  })
}) {
  static readonly layer = Layer.effect(Reviews, Reviews.make)
}
