import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { Accounts } from "../src/Accounts.ts"
import { decide, type NumberState, type SendingState } from "../src/Eligibility.ts"
import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { SenderIds } from "../src/SenderIds.ts"
import { DAY, inRegistry, NOW, openAccount, register, verifyByArs } from "./registryHarness.ts"

const MOBILE = "01023456789"
const LANDLINE = "0312345678"

const state = (numbers: ReadonlyArray<NumberState>, accountSuspended = false): SendingState => ({
  accountSuspended,
  numbers
})
const one = (input: string, given: SendingState, now = NOW) => decide([input], given, now)[0]

describe("deciding eligibility", () => {
  it("lets an account send from its ACTIVE number before it expires, or when it never does", () => {
    for (const expireAt of [null, NOW + 1]) {
      assert.deepStrictEqual(one(MOBILE, state([{ phoneNumber: MOBILE, status: "ACTIVE", expireAt }])), {
        phoneNumber: MOBILE,
        eligible: true,
        status: "ACTIVE"
      })
    }
  })

  it("answers an ACTIVE number whose expireAt has passed (before the sweep) EXPIRED, keeping its status", () => {
    for (const expireAt of [NOW, NOW - 1]) {
      assert.deepStrictEqual(one(MOBILE, state([{ phoneNumber: MOBILE, status: "ACTIVE", expireAt }])), {
        phoneNumber: MOBILE,
        eligible: false,
        status: "ACTIVE",
        reason: "EXPIRED"
      })
    }
  })

  it("names every other status as the reason", () => {
    for (const status of ["PENDING", "INACTIVE", "DUPLICATED", "EXPIRED", "REJECTED"] as const) {
      assert.deepStrictEqual(one(MOBILE, state([{ phoneNumber: MOBILE, status, expireAt: null }])), {
        phoneNumber: MOBILE,
        eligible: false,
        status,
        reason: status
      })
    }
  })

  it("refuses a valid number the account has not registered", () => {
    assert.deepStrictEqual(one(LANDLINE, state([])), {
      phoneNumber: LANDLINE,
      eligible: false,
      status: "NOT_REGISTERED",
      reason: "NOT_REGISTERED"
    })
  })

  it("refuses input that is no phone number as INVALID_NUMBER, echoing what does not normalise", () => {
    assert.deepStrictEqual(one("hello", state([])), {
      phoneNumber: "hello",
      eligible: false,
      status: "NOT_REGISTERED",
      reason: "INVALID_NUMBER"
    })
    // Digits that break the number rules: too short, a range that left service.
    assert.deepStrictEqual(one("02-123", state([])), {
      phoneNumber: "02123",
      eligible: false,
      status: "NOT_REGISTERED",
      reason: "INVALID_NUMBER"
    })
    assert.strictEqual(one("0111234567", state([]))?.reason, "INVALID_NUMBER")
  })

  it("judges a registered number by its state even when today's rules would refuse it", () => {
    const legacy = "0111234567"
    assert.isTrue(one(legacy, state([{ phoneNumber: legacy, status: "ACTIVE", expireAt: null }]))?.eligible)
  })

  it("refuses every number of a suspended account as ACCOUNT_SUSPENDED, with the number's own status", () => {
    const suspended = state([{ phoneNumber: MOBILE, status: "ACTIVE", expireAt: null }], true)
    assert.deepStrictEqual(decide([MOBILE, LANDLINE, "x"], suspended, NOW), [
      { phoneNumber: MOBILE, eligible: false, status: "ACTIVE", reason: "ACCOUNT_SUSPENDED" },
      { phoneNumber: LANDLINE, eligible: false, status: "NOT_REGISTERED", reason: "ACCOUNT_SUSPENDED" },
      // The input's own fault comes first.
      { phoneNumber: "x", eligible: false, status: "NOT_REGISTERED", reason: "INVALID_NUMBER" }
    ])
  })

  it("normalises human forms and answers in the inputs' order, a number asked twice twice", () => {
    const given = state([{ phoneNumber: MOBILE, status: "ACTIVE", expireAt: null }])
    const answers = decide(["+82 10-2345-6789", LANDLINE, "(010) 2345.6789", MOBILE], given, NOW)
    assert.deepStrictEqual(
      answers.map((a) => [a.phoneNumber, a.eligible]),
      [
        [MOBILE, true],
        [LANDLINE, false],
        [MOBILE, true],
        [MOBILE, true]
      ]
    )
  })
})

describe("asking the registry", () => {
  it.effect("answers for an account's numbers as they are verified, switched off and lapse", () =>
    inRegistry(
      Effect.gen(function* () {
        const senderIds = yield* SenderIds
        yield* openAccount("A")
        yield* register("A", MOBILE)
        assert.strictEqual((yield* senderIds.eligibility("A", "010-2345-6789")).reason, "PENDING")
        assert.isFalse(yield* senderIds.maySendFrom("A", MOBILE))
        yield* verifyByArs("A", MOBILE)
        assert.deepStrictEqual(yield* senderIds.eligibility("A", "010-2345-6789"), {
          phoneNumber: MOBILE,
          eligible: true,
          status: "ACTIVE"
        })
        assert.isTrue(yield* senderIds.maySendFrom("A", MOBILE))
        // Another account asking about the same number has not registered it.
        assert.strictEqual((yield* senderIds.eligibility("B", MOBILE)).reason, "NOT_REGISTERED")
        yield* senderIds.setStatus("A", MOBILE, "INACTIVE")
        assert.strictEqual((yield* senderIds.eligibility("A", MOBILE)).reason, "INACTIVE")
        yield* senderIds.setStatus("A", MOBILE, "ACTIVE")
        // Past its 180 days and before any sweep.
        yield* TestClock.adjust(`${180 * DAY} millis`)
        assert.deepStrictEqual(yield* senderIds.eligibility("A", MOBILE), {
          phoneNumber: MOBILE,
          eligible: false,
          status: "ACTIVE",
          reason: "EXPIRED"
        })
      })
    )
  )

  it.effect("refuses a suspended account's numbers, and sends again once it is reinstated", () =>
    inRegistry(
      Effect.gen(function* () {
        const senderIds = yield* SenderIds
        const accounts = yield* Accounts
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* accounts.suspend("alice", "A", "미납")
        assert.strictEqual((yield* senderIds.eligibility("A", MOBILE)).reason, "ACCOUNT_SUSPENDED")
        assert.isFalse(yield* senderIds.maySendFrom("A", MOBILE))
        yield* accounts.reinstate("alice", "A")
        assert.isTrue(yield* senderIds.maySendFrom("A", MOBILE))
      })
    )
  )

  it.effect("reads each distinct number once for a batch, and answers every input in order", () => {
    const asked: Array<ReadonlyArray<string>> = []
    // The registry's repository, recording what the batch asks it.
    const recording = Layer.effect(
      SenderIdRepository,
      Effect.gen(function* () {
        const repository = yield* SenderIdRepository
        return SenderIdRepository.of({
          ...repository,
          sendingState: (accountId, phoneNumbers) => {
            asked.push(phoneNumbers)
            return repository.sendingState(accountId, phoneNumbers)
          }
        })
      })
    )
    return inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        const answers = yield* SenderIds.use((s) =>
          s.eligibilities("A", [LANDLINE, "010-2345-6789", "nope", MOBILE, LANDLINE])
        ).pipe(Effect.provide(Layer.fresh(SenderIds.layer).pipe(Layer.provide(recording))))
        assert.deepStrictEqual(
          answers.map((a) => a.reason ?? "ELIGIBLE"),
          ["NOT_REGISTERED", "ELIGIBLE", "INVALID_NUMBER", "ELIGIBLE", "NOT_REGISTERED"]
        )
        assert.deepStrictEqual(asked, [[LANDLINE, MOBILE]])
      })
    )
  })
})
