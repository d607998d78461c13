import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Accounts } from "../src/Accounts.ts"
import { RegistryStats, WEEK_MILLIS } from "../src/RegistryStats.ts"
import { DAY, inRegistry, NOW, openAccount, register, senderIdOf, verifyByArs } from "./registryHarness.ts"

const MOBILE = "01023456789"
const read = (weeks: number) => RegistryStats.use((s) => s.read({ weeks }))

describe("the registry's counts", () => {
  it.effect("counts accounts, suspensions, numbers by status and reviews by kind, every key present", () =>
    inRegistry(
      Effect.gen(function* () {
        const empty = yield* read(2)
        assert.deepStrictEqual(empty, {
          accounts: 0,
          suspendedAccounts: 0,
          senderIds: { PENDING: 0, ACTIVE: 0, INACTIVE: 0, DUPLICATED: 0, EXPIRED: 0, REJECTED: 0 },
          reviews: { EVIDENCE: 0, DUPLICATE_UNLOCK: 0, LIMITATION: 0 },
          expiries: [
            { from: NOW, to: NOW + WEEK_MILLIS, count: 0 },
            { from: NOW + WEEK_MILLIS, to: NOW + 2 * WEEK_MILLIS, count: 0 }
          ]
        })
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* register("A", "01098765432")
        yield* register("B", MOBILE)
        yield* Accounts.use((a) => a.suspend("alice", "B", "미납"))
        const stats = yield* read(1)
        assert.strictEqual(stats.accounts, 2)
        assert.strictEqual(stats.suspendedAccounts, 1)
        assert.deepStrictEqual(stats.senderIds, {
          PENDING: 1,
          ACTIVE: 1,
          INACTIVE: 0,
          DUPLICATED: 1,
          EXPIRED: 0,
          REJECTED: 0
        })
        assert.deepStrictEqual(stats.reviews, { EVIDENCE: 0, DUPLICATE_UNLOCK: 0, LIMITATION: 0 })
      })
    )
  )

  it.effect("cuts 7-day windows from the clock's now; an expiry on a window's end is the next one's", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        const { expireAt } = yield* senderIdOf("A", MOBILE)
        assert.strictEqual(expireAt, NOW + 180 * DAY)
        const counts = (weeks: number) => read(weeks).pipe(Effect.map((s) => s.expiries.map((w) => w.count)))

        const year = yield* read(52)
        assert.strictEqual(year.expiries.length, 52)
        assert.deepStrictEqual(year.expiries[25], {
          from: NOW + 25 * WEEK_MILLIS,
          to: NOW + 26 * WEEK_MILLIS,
          count: 1
        })
        assert.strictEqual(
          year.expiries.reduce((sum, w) => sum + w.count, 0),
          1
        )

        yield* TestClock.setTime((expireAt as number) - WEEK_MILLIS)
        assert.deepStrictEqual(yield* counts(2), [0, 1])
        assert.strictEqual((yield* read(1)).expiries[0]?.to, expireAt)
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(yield* counts(2), [1, 0])
        yield* TestClock.setTime(expireAt as number)
        assert.deepStrictEqual(yield* counts(2), [1, 0])
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(yield* counts(2), [0, 0])
      })
    )
  )
})
