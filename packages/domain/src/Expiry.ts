/**
 * The expiry sweep: lapsed verifications become EXPIRED (or are renewed where auto-extension is
 * on), and registrations never verified in time are removed, each with its audit entry and event.
 * Every sender ID is its own compare-and-set commit, so two sweeps racing never apply a
 * transition twice: the loser sees a conflict and skips the record.
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import { SecureRandom } from "effect/crypto"
import { systemActor } from "./AuditEntry.ts"
import { eventOf, stamp } from "./internal/unitOfWork.ts"
import { RegistryPolicy } from "./RegistryPolicy.ts"
import * as SenderId from "./SenderId.ts"
import { type Change, SenderIdRepository } from "./SenderIdRepository.ts"

export interface SweepReport {
  readonly expired: number
  readonly extended: number
  readonly removed: number
  /** Records another sweep (or request) changed first. */
  readonly skipped: number
}

export class Expiry extends Context.Service<Expiry>()("@senderid/domain/Expiry", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const policy = yield* RegistryPolicy
    // Identifiers come from the CSPRNG this service was built with.
    const drawing = Effect.provideService(SecureRandom.SecureRandom, yield* SecureRandom.SecureRandom)

    const settle = Effect.fn("Expiry.settle")(function* (senderId: SenderId.SenderId, at: SenderId.At) {
      const data = { phoneNumber: senderId.phoneNumber, statusBefore: senderId.status }
      if (senderId.status === "ACTIVE" && senderId.autoExtension) {
        const next = SenderId.extend(senderId, policy.activeTtl, at)
        const event = yield* eventOf("senderid.extended", senderId.accountId, at, {
          ...data,
          expireAt: next.expireAt
        })
        return ["extended", [{ _tag: "UpdateSenderId", senderId: next }, event]] as const
      }
      if (SenderId.holds(senderId)) {
        const event = yield* eventOf("senderid.expired", senderId.accountId, at, data)
        return [
          "expired",
          [{ _tag: "UpdateSenderId", senderId: SenderId.expire(senderId, at) }, event]
        ] as const
      }
      const event = yield* eventOf("senderid.deleted", senderId.accountId, at, {
        ...data,
        handleKey: senderId.handleKey,
        lapsed: true
      })
      return ["removed", [{ _tag: "DeleteSenderId", senderId: SenderId.lapse(senderId, at) }, event]] as const
    }, drawing)

    /** Registrations holding their number whose verification lapses within `days` from now,
     * soonest first: what the sweep will expire (or renew) next. */
    const expiring = Effect.fn("Expiry.expiring")(function* (options: {
      readonly days: number
      readonly accountId?: string | undefined
      readonly limit: number
    }) {
      const from = yield* Clock.currentTimeMillis
      const to = from + Duration.toMillis(Duration.days(options.days))
      const senderIds = yield* repository.listExpiring({
        from,
        to,
        limit: options.limit,
        ...(options.accountId === undefined ? {} : { accountId: options.accountId })
      })
      return { from, to, senderIds }
    })

    /** One pass over everything lapsed at the current time, in batches. */
    const sweep = Effect.fn("Expiry.sweep")(function* (options?: { readonly batchSize?: number }) {
      const batchSize = options?.batchSize ?? 500
      const at = yield* stamp(systemActor)
      const report = { expired: 0, extended: 0, removed: 0, skipped: 0 }
      const seen = new Set<string>()
      while (true) {
        const lapsed = (yield* repository.listLapsed(at.now, batchSize)).filter((s) => !seen.has(s.handleKey))
        if (lapsed.length === 0) return report satisfies SweepReport
        for (const senderId of lapsed) {
          seen.add(senderId.handleKey)
          const [outcome, changes] = yield* settle(senderId, at)
          const committed = yield* repository.commit(changes as ReadonlyArray<Change>).pipe(
            Effect.as(true),
            Effect.catchTag("ConcurrentModification", () => Effect.succeed(false))
          )
          if (committed) report[outcome]++
          else report.skipped++
        }
      }
    })

    return { sweep, expiring }
  })
}) {
  static readonly layer = Layer.effect(Expiry, Expiry.make)
}
