import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Accounts } from "../src/Accounts.ts"
import { Expiry } from "../src/Expiry.ts"
import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { SenderIds } from "../src/SenderIds.ts"
import { DAY, inRegistry, openAccount, register, senderIdOf, tagOf, verifyByArs } from "./registryHarness.ts"

const MOBILE = "01023456789"
const accounts = Accounts.use((a) => Effect.succeed(a))

describe("suspending a number", () => {
  it.effect("makes it INACTIVE and unusable; its owner can neither switch, delete nor re-verify it", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        const ops = yield* accounts
        const suspended = yield* ops.suspendNumber("alice", "A", "010-2345-6789", "스팸 신고 접수")
        assert.strictEqual(suspended.status, "INACTIVE")
        assert.deepStrictEqual(suspended.suspension?.reason, "스팸 신고 접수")
        assert.isFalse(yield* SenderIds.use((s) => s.maySendFrom("A", MOBILE)))
        const senderIds = yield* SenderIds
        assert.strictEqual(yield* tagOf(senderIds.setStatus("A", MOBILE, "ACTIVE")), "SenderIdSuspended")
        assert.strictEqual(yield* tagOf(senderIds.remove("A", MOBILE)), "SenderIdSuspended")
        // Lapsing does not free it either: EXPIRED, still suspended, not verifiable.
        yield* TestClock.adjust(`${181 * DAY} millis`)
        yield* Expiry.use((e) => e.sweep())
        const expired = yield* senderIdOf("A", MOBILE)
        assert.strictEqual(expired.status, "EXPIRED")
        assert.isDefined(expired.suspension)
        assert.strictEqual(yield* tagOf(senderIds.startArs("A", MOBILE)), "SenderIdSuspended")
        assert.strictEqual(
          yield* tagOf(ops.suspendNumber("alice", "A", MOBILE, "again")),
          "SuspensionUnchanged"
        )

        const lifted = yield* ops.liftNumberSuspension("alice", "A", MOBILE)
        assert.isUndefined(lifted.suspension)
        assert.strictEqual(lifted.log.at(-1)?.message, "suspension lifted by an operator")
        assert.strictEqual(
          yield* tagOf(ops.liftNumberSuspension("alice", "A", MOBILE)),
          "SuspensionUnchanged"
        )
        yield* verifyByArs("A", MOBILE)
        assert.isTrue(yield* SenderIds.use((s) => s.maySendFrom("A", MOBILE)))
      })
    )
  )

  it.effect("refuses a number its account does not hold", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const ops = yield* accounts
        assert.strictEqual(yield* tagOf(ops.suspendNumber("alice", "A", MOBILE, "x")), "SuspensionNotAllowed")
      })
    )
  )
})

describe("suspending an account", () => {
  it.effect("is seen at once by this instance, recorded with the operator, and reversible", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const ops = yield* accounts
        yield* ops.assertNotSuspended("A")
        const suspended = yield* ops.suspend("alice", "A", "미납")
        assert.strictEqual(suspended.suspension?.operatorId, "alice")
        assert.strictEqual(yield* tagOf(ops.assertNotSuspended("A")), "AccountSuspended")
        assert.strictEqual(yield* tagOf(ops.suspend("alice", "A", "again")), "SuspensionUnchanged")
        yield* ops.reinstate("bob", "A")
        yield* ops.assertNotSuspended("A")
        const account = yield* SenderIdRepository.use((r) => r.findAccount("A"))
        const log = account._tag === "Some" ? account.value.log : []
        assert.deepStrictEqual(
          log.slice(-2).map((e) => [e.actor.id, e.message]),
          [
            ["alice", "account suspended by an operator: 미납"],
            ["bob", "account reinstated by an operator"]
          ]
        )
      })
    )
  )
})
