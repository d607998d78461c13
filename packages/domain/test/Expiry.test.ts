import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { PublishedEvents } from "../src/EventPublisher.ts"
import { EventRelay } from "../src/EventRelay.ts"
import { Expiry } from "../src/Expiry.ts"
import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { SenderIds } from "../src/SenderIds.ts"
import { DAY, inRegistry, openAccount, register, senderIdOf, tagOf, verifyByArs } from "./registryHarness.ts"

const MOBILE = "01023456789"
const sweep = Expiry.use((e) => e.sweep())

describe("the expiry sweep", () => {
  it.effect("leaves a verification alone until the moment it lapses, then marks it EXPIRED", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* TestClock.adjust(`${180 * DAY - 1} millis`)
        assert.deepStrictEqual(yield* sweep, { expired: 0, extended: 0, removed: 0, skipped: 0 })
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(yield* sweep, { expired: 1, extended: 0, removed: 0, skipped: 0 })
        const expired = yield* senderIdOf("A", MOBILE)
        assert.strictEqual(expired.status, "EXPIRED")
        assert.deepStrictEqual(expired.log.at(-1)?.actor, { type: "SYSTEM", id: "senderid" })
        assert.deepStrictEqual(yield* SenderIds.use((s) => s.activeNumbers("A")), [])
      })
    )
  )

  it.effect("treats an ACTIVE number past its expiry as unusable even before the sweep runs", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* TestClock.adjust(`${180 * DAY} millis`)
        assert.isFalse(yield* SenderIds.use((s) => s.maySendFrom("A", MOBILE)))
      })
    )
  )

  it.effect("brings an EXPIRED number back to ACTIVE by verifying again", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* TestClock.adjust(`${181 * DAY} millis`)
        yield* sweep
        const book = yield* verifyByArs("A", MOBILE)
        assert.strictEqual(book.senderIds[0]?.status, "ACTIVE")
      })
    )
  )

  it.effect("removes a registration never verified within 12 days, keeping its audit trail", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A", 1)
        const created = (yield* register("A", MOBILE)).senderIds[0]
        yield* TestClock.adjust(`${12 * DAY} millis`)
        assert.deepStrictEqual(yield* sweep, { expired: 0, extended: 0, removed: 1, skipped: 0 })
        assert.strictEqual(yield* tagOf(senderIdOf("A", MOBILE)), "SenderIdNotFound")
        const trail = yield* SenderIdRepository.use((r) => r.auditTrail(created?.handleKey as string))
        assert.strictEqual(trail.at(-1)?.message, "registration lapsed unverified")
        // The slot is free again.
        yield* register("A", "01098765432")
      })
    )
  )

  it.effect("extends instead of expiring where auto-extension is on", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* SenderIds.use((s) => s.setAutoExtension("A", MOBILE, true))
        const before = (yield* senderIdOf("A", MOBILE)).expireAt as number
        yield* TestClock.adjust(`${180 * DAY} millis`)
        assert.deepStrictEqual(yield* sweep, { expired: 0, extended: 1, removed: 0, skipped: 0 })
        const extended = yield* senderIdOf("A", MOBILE)
        assert.strictEqual(extended.status, "ACTIVE")
        assert.strictEqual(extended.expireAt, before + 180 * DAY)
      })
    )
  )

  it.effect("applies each transition once when two sweeps run at the same time", () =>
    inRegistry(
      Effect.gen(function* () {
        const numbers = Array.from({ length: 20 }, (_, i) => `0102345${String(i).padStart(4, "0")}`)
        yield* openAccount("A", numbers.length)
        for (const number of numbers) yield* register("A", number)
        for (const number of numbers.slice(0, 10)) yield* verifyByArs("A", number)
        yield* EventRelay.use((r) => r.drain())
        yield* TestClock.adjust(`${200 * DAY} millis`)
        const [first, second] = yield* Effect.all([sweep, sweep], { concurrency: 2 })
        assert.strictEqual((first?.expired ?? 0) + (second?.expired ?? 0), 10)
        assert.strictEqual((first?.removed ?? 0) + (second?.removed ?? 0), 10)
        yield* EventRelay.use((r) => r.drain())
        const events = yield* PublishedEvents.use((p) => p.all)
        assert.strictEqual(events.filter((e) => e.type === "senderid.expired").length, 10)
        assert.strictEqual(events.filter((e) => e.type === "senderid.deleted").length, 10)
        const book = yield* SenderIds.use((s) => s.book("A"))
        for (const senderId of book.senderIds) {
          assert.strictEqual(senderId.log.filter((e) => e.message === "verification expired").length, 1)
        }
      })
    )
  )
})

describe("the event relay", () => {
  it.effect("publishes committed events once, in commit order, with unique ids", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* SenderIds.use((s) => s.setStatus("A", MOBILE, "INACTIVE"))
        assert.strictEqual(yield* EventRelay.use((r) => r.drain()), 3)
        assert.strictEqual(yield* EventRelay.use((r) => r.drain()), 0)
        const events = yield* PublishedEvents.use((p) => p.all)
        assert.deepStrictEqual(
          events.map((e) => e.type),
          ["senderid.registered", "senderid.activated", "senderid.status_changed"]
        )
        assert.strictEqual(new Set(events.map((e) => e.eventId)).size, 3)
        assert.deepStrictEqual(events[2]?.data, {
          phoneNumber: MOBILE,
          statusBefore: "ACTIVE",
          status: "INACTIVE"
        })
      })
    )
  )

  it.effect("writes no event for a refused change", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A", 1)
        yield* register("A", MOBILE)
        yield* Effect.flip(register("A", "01098765432"))
        yield* Effect.flip(SenderIds.use((s) => s.setStatus("A", MOBILE, "ACTIVE")))
        assert.strictEqual(yield* EventRelay.use((r) => r.drain()), 1)
      })
    )
  )
})
