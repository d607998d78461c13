/**
 * The operator dashboard's figures in one read: how many accounts there are (and how many are
 * suspended), sender IDs by status, pending reviews by kind, and how many verifications lapse in
 * each of the coming weeks. The repository counts; nothing is loaded, so the read stays cheap however
 * large the registry grows.
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import type { ReviewKind } from "./Review.ts"
import type { SenderIdStatus } from "./SenderId.ts"
import { SenderIdRepository } from "./SenderIdRepository.ts"

export const WEEK_MILLIS = Duration.toMillis(Duration.weeks(1))

/** Holders whose verification lapses in `[from, to)` (epoch ms). */
export interface ExpiryWindow {
  readonly from: number
  readonly to: number
  readonly count: number
}

export interface RegistryStatsReport {
  readonly accounts: number
  readonly suspendedAccounts: number
  readonly senderIds: Readonly<Record<SenderIdStatus, number>>
  readonly reviews: Readonly<Record<ReviewKind, number>>
  /** Consecutive 7-day windows, the first starting now, soonest first. */
  readonly expiries: ReadonlyArray<ExpiryWindow>
}

export class RegistryStats extends Context.Service<RegistryStats>()("@senderid/domain/RegistryStats", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository

    /** The registry now, with `weeks` windows of expiries (a non-negative integer). */
    const read = Effect.fn("RegistryStats.read")(function* (options: { readonly weeks: number }) {
      const now = yield* Clock.currentTimeMillis
      const { expiringByWeek, ...counts } = yield* repository.registryStats({
        now,
        weekMillis: WEEK_MILLIS,
        weeks: options.weeks
      })
      // The windows are cut from one `now`, so they tile without gaps and match the counts'.
      const expiries = expiringByWeek.map((count, week) => ({
        from: now + week * WEEK_MILLIS,
        to: now + (week + 1) * WEEK_MILLIS,
        count
      }))
      return { ...counts, expiries } satisfies RegistryStatsReport
    })

    return { read }
  })
}) {
  static readonly layer = Layer.effect(RegistryStats, RegistryStats.make)
}
