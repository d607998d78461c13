/**
 * The read–decide–commit loop every use case follows: stamp the change with the clock and its
 * actor, build events for the outbox, and run the whole loop again when the repository reports
 * that another request changed the same records in between (optimistic concurrency).
 */
import { Clock, Effect, Option, Schedule } from "effect"
import type { SecureRandom } from "effect/crypto"
import type { Account } from "../Account.ts"
import { type Actor, type At, RequestContext } from "../AuditEntry.ts"
import * as Identifier from "../Identifier.ts"
import type { RegistryEventType } from "../RegistryEvent.ts"
import type { SenderId } from "../SenderId.ts"
import { AccountNotFound, SenderIdNotFound } from "../SenderIdError.ts"
import type { Change, SenderIdRepositoryShape } from "../SenderIdRepository.ts"

/** Retries the whole read–decide–commit effect on `ConcurrentModification`, with a little jitter
 * so that racing requests do not collide again in lockstep. */
export const retryOnConflict = <A, E extends { readonly _tag: string }, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.retry(effect, {
    while: (error) => error._tag === "ConcurrentModification",
    times: 24,
    schedule: Schedule.exponential("1 millis", 1.5).pipe(Schedule.jittered)
  })

/** Stamps a change by `actor` with the clock and the current request: the key it was signed with
 * joins an account's or operator's actor, and the request id joins every entry. */
export const stamp = (actor: Actor): Effect.Effect<At> =>
  Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    const request = yield* RequestContext
    const keyed =
      actor.type !== "SYSTEM" && request.apiKey !== undefined ? { ...actor, apiKey: request.apiKey } : actor
    return request.requestId === undefined
      ? { now, actor: keyed }
      : { now, actor: keyed, requestId: request.requestId }
  })

export const eventOf = (
  type: RegistryEventType,
  accountId: string,
  at: At,
  data: Record<string, string | number | boolean | null>
): Effect.Effect<Change, never, SecureRandom.SecureRandom> =>
  Identifier.make("EVT").pipe(
    Effect.map((eventId) => ({
      _tag: "AppendEvent",
      event: { eventId, type, accountId, occurredAt: at.now, data }
    }))
  )

export const requireAccount = (repository: SenderIdRepositoryShape, accountId: string) =>
  repository.findAccount(accountId).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new AccountNotFound({ accountId })),
        onSome: (account: Account) => Effect.succeed(account)
      })
    )
  )

export const requireSenderId = (
  repository: SenderIdRepositoryShape,
  accountId: string,
  phoneNumber: string
) =>
  repository.findSenderId(accountId, phoneNumber).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new SenderIdNotFound({ accountId, phoneNumber })),
        onSome: (senderId: SenderId) => Effect.succeed(senderId)
      })
    )
  )
