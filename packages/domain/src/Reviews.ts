/**
 * The operator's decisions on what customers asked for: evidence submissions, duplicate-unlock
 * requests and limit increases. Every decision is recorded with the operator as actor, and an
 * approved evidence submission is the only way besides ARS that a number becomes ACTIVE.
 */
import { Context, Effect, Layer } from "effect"
import * as Account from "./Account.ts"
import { operatorActor } from "./AuditEntry.ts"
import { activationChanges } from "./internal/activation.ts"
import { eventOf, requireAccount, requireSenderId, retryOnConflict, stamp } from "./internal/unitOfWork.ts"
import { lookupKey } from "./PhoneNumber.ts"
import { RegistryPolicy } from "./RegistryPolicy.ts"
import type * as Review from "./Review.ts"
import * as SenderId from "./SenderId.ts"
import { SenderIdRepository } from "./SenderIdRepository.ts"

export class Reviews extends Context.Service<Reviews>()("@senderid/domain/Reviews", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const policy = yield* RegistryPolicy

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
    })

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
    })

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
    })

    return { decideEvidence, decideUnlock, decideLimitation }
  })
}) {
  static readonly layer = Layer.effect(Reviews, Reviews.make)
}
