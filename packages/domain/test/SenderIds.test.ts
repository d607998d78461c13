import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { TestClock } from "effect/testing"
import { Accounts } from "../src/Accounts.ts"
import { Expiry } from "../src/Expiry.ts"
import { Identifier } from "../src/Identifier.ts"
import { PinHasher } from "../src/PinHasher.ts"
import { Reviews } from "../src/Reviews.ts"
import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { SenderIds } from "../src/SenderIds.ts"
import {
  callNumber,
  DAY,
  inRegistry,
  NOW,
  openAccount,
  register,
  senderIdOf,
  tagOf,
  upload,
  verifyByArs
} from "./registryHarness.ts"

const MOBILE = "01023456789"
const OTHER_MOBILE = "01098765432"
const REPRESENTATIVE = "15881234"

describe("registering a number", () => {
  it.effect("creates a PENDING sender ID with a creation entry and a 12-day expiry", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const book = yield* register("A", "010-2345-6789")
        assert.strictEqual(book.senderIds.length, 1)
        const [senderId] = book.senderIds
        assert.strictEqual(senderId?.phoneNumber, MOBILE)
        assert.strictEqual(senderId?.status, "PENDING")
        assert.isNull(senderId?.method)
        assert.strictEqual(senderId?.expireAt, NOW + 12 * DAY)
        assert.isTrue(Schema.is(Identifier)(senderId?.handleKey))
        assert.isTrue(senderId?.handleKey.startsWith("SED20270115170000"))
        assert.deepStrictEqual(senderId?.log, [
          {
            createAt: NOW,
            message: "sender ID created",
            actor: { type: "ACCOUNT", id: "A" },
            statusBefore: null,
            statusAfter: "PENDING"
          }
        ])
      })
    )
  )

  it.effect("refuses an invalid number, naming the rule it broke", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const error = yield* Effect.flip(register("A", "0111234567"))
        assert.strictEqual(error._tag, "InvalidPhoneNumber")
        assert.strictEqual(error._tag === "InvalidPhoneNumber" && error.rule, "legacy2G")
      })
    )
  )

  it.effect("refuses a special short number from a customer; an operator registers it ACTIVE", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("police")
        const error = yield* Effect.flip(register("police", "112"))
        assert.strictEqual(error._tag === "InvalidPhoneNumber" && error.rule, "specialShortOperatorOnly")
        const senderId = yield* Accounts.use((a) => a.registerSpecialNumber("op-1", "police", "112"))
        assert.strictEqual(senderId.status, "ACTIVE")
        assert.strictEqual(senderId.method, "OPERATOR")
        assert.deepStrictEqual(senderId.log[0]?.actor, { type: "OPERATOR", id: "op-1" })
      })
    )
  )

  it.effect("refuses the same number twice in one account", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        assert.strictEqual(yield* tagOf(register("A", "010 2345 6789")), "SenderIdAlreadyRegistered")
      })
    )
  )

  it.effect("refuses a registration beyond the account's limit", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A", 2)
        yield* register("A", MOBILE)
        yield* register("A", OTHER_MOBILE)
        assert.strictEqual(yield* tagOf(register("A", "0223456789")), "SenderIdLimitReached")
      })
    )
  )

  it.effect("marks the registration DUPLICATED when another account holds the number", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        const book = yield* register("B", MOBILE)
        assert.strictEqual(book.senderIds[0]?.status, "DUPLICATED")
      })
    )
  )

  it.effect("starts an evidence review when documents come with the registration", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const document = yield* upload("A")
        const book = yield* register("A", REPRESENTATIVE, [document.documentId])
        const senderId = book.senderIds[0]
        assert.strictEqual(senderId?.status, "PENDING")
        assert.strictEqual(senderId?.approvalDocuments.length, 1)
        assert.deepStrictEqual(senderId?.approvalDocuments[0]?.documents, [document.documentId])
        assert.strictEqual(senderId?.approvalDocuments[0]?.status, "PENDING")
        const stored = yield* SenderIdRepository.use((r) => r.findDocument(document.documentId))
        assert.isTrue(stored._tag === "Some" && stored.value.use)
      })
    )
  )

  it.effect("refuses another account's document and a document of the wrong category", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        const foreign = yield* upload("B")
        assert.strictEqual(yield* tagOf(register("A", MOBILE, [foreign.documentId])), "DocumentNotFound")
        const limitation = yield* upload("A", "SENDERID_LIMITATION")
        assert.strictEqual(
          yield* tagOf(register("A", MOBILE, [limitation.documentId])),
          "DocumentCategoryMismatch"
        )
        assert.strictEqual((yield* SenderIds.use((s) => s.book("A"))).senderIds.length, 0)
      })
    )
  )
})

describe("ARS verification", () => {
  it.effect("activates the number with method ARS and a 180-day expiry", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const book = yield* verifyByArs("A", MOBILE)
        const senderId = book.senderIds[0]
        assert.strictEqual(senderId?.status, "ACTIVE")
        assert.strictEqual(senderId?.method, "ARS")
        assert.strictEqual(senderId?.expireAt, NOW + 180 * DAY)
        assert.strictEqual(senderId?.log.at(-1)?.message, "verified by ARS call")
        assert.deepStrictEqual(yield* SenderIds.use((s) => s.activeNumbers("A")), [MOBILE])
        assert.isTrue(yield* SenderIds.use((s) => s.maySendFrom("A", "010-2345-6789")))
      })
    )
  )

  it.effect(
    "keeps the PIN only as its keyed hash: the stored challenge does not hold what the callee heard",
    () =>
      inRegistry(
        Effect.gen(function* () {
          yield* openAccount("A")
          yield* register("A", MOBILE)
          const { transactionId, pin } = yield* callNumber("A", MOBILE)
          const stored = Option.getOrThrow(
            yield* SenderIdRepository.use((r) => r.findChallenge(transactionId))
          )
          assert.notProperty(stored, "pin")
          assert.notInclude(JSON.stringify(stored), pin)
          assert.strictEqual(stored.pinHash, yield* PinHasher.use((h) => h.hash(transactionId, pin)))
          // The hash itself is not a PIN that verifies.
          const hashAsToken = yield* tagOf(
            SenderIds.use((s) =>
              s.completeArs("A", MOBILE, { transactionId, token: stored.pinHash.slice(0, 16) })
            )
          )
          assert.strictEqual(hashAsToken, "ChallengeTokenMismatch")
          yield* SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: pin }))
          assert.strictEqual((yield* senderIdOf("A", MOBILE)).status, "ACTIVE")
        })
      )
  )

  it.effect("uses a challenge once", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const { transactionId, pin } = yield* callNumber("A", MOBILE)
        yield* SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: pin }))
        const again = yield* tagOf(
          SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: pin }))
        )
        assert.strictEqual(again, "ChallengeAlreadyUsed")
      })
    )
  )

  it.effect("rations calls: none within a minute of the last, with the seconds to wait", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* callNumber("A", MOBILE)
        yield* TestClock.adjust("20 seconds")
        const early = yield* Effect.flip(SenderIds.use((s) => s.startArs("A", MOBILE)))
        assert.strictEqual(early._tag, "ArsCallLimited")
        assert.deepInclude(early, { reason: "interval", retryAfterSeconds: 40 })
        yield* TestClock.adjust("40 seconds")
        yield* callNumber("A", MOBILE)
      })
    )
  )

  it.effect("rations calls: five a day per number, then says when the day is over", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        for (let i = 0; i < 5; i++) {
          yield* callNumber("A", MOBILE)
          yield* TestClock.adjust("1 hour")
        }
        const sixth = yield* Effect.flip(SenderIds.use((s) => s.startArs("A", MOBILE)))
        assert.deepInclude(sixth, { _tag: "ArsCallLimited", reason: "daily", retryAfterSeconds: 19 * 3600 })
        yield* TestClock.adjust("19 hours")
        yield* callNumber("A", MOBILE)
      })
    )
  )

  it.effect("rations calls per number: deleting and registering again, or another account, buys none", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* callNumber("A", MOBILE)
        yield* SenderIds.use((s) => s.remove("A", MOBILE))
        yield* register("A", MOBILE)
        assert.strictEqual(yield* tagOf(SenderIds.use((s) => s.startArs("A", MOBILE))), "ArsCallLimited")
        yield* register("B", MOBILE)
        assert.strictEqual(yield* tagOf(SenderIds.use((s) => s.startArs("B", MOBILE))), "ArsCallLimited")
        yield* TestClock.adjust("1 minute")
        yield* callNumber("B", MOBILE)
      })
    )
  )

  it.effect("answers only the latest call's challenge: a new call replaces the earlier PIN", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const first = yield* callNumber("A", MOBILE)
        yield* TestClock.adjust("1 minute")
        const second = yield* callNumber("A", MOBILE)
        const stale = yield* tagOf(
          SenderIds.use((s) =>
            s.completeArs("A", MOBILE, { transactionId: first.transactionId, token: first.pin })
          )
        )
        assert.strictEqual(stale, "ChallengeNotFound")
        const book = yield* SenderIds.use((s) =>
          s.completeArs("A", MOBILE, { transactionId: second.transactionId, token: second.pin })
        )
        assert.strictEqual(book.senderIds[0]?.status, "ACTIVE")
      })
    )
  )

  it.effect("places one call when twenty requests for a call race", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const outcomes = yield* Effect.all(
          Array.from({ length: 20 }, () =>
            SenderIds.use((s) => s.startArs("A", MOBILE)).pipe(
              Effect.map(() => "placed"),
              Effect.catchTag("ArsCallLimited", (e) => Effect.succeed(e._tag))
            )
          ),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(outcomes.filter((o) => o === "placed").length, 1)
        assert.strictEqual(outcomes.filter((o) => o === "ArsCallLimited").length, 19)
      })
    )
  )

  it.effect("counts wrong PINs and spends the challenge at the attempt limit", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const { transactionId, pin } = yield* callNumber("A", MOBILE)
        const wrong = pin === "000000" ? "111111" : "000000"
        const first = yield* Effect.flip(
          SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: wrong }))
        )
        assert.strictEqual(first._tag, "ChallengeTokenMismatch")
        assert.strictEqual(first._tag === "ChallengeTokenMismatch" && first.attemptsLeft, 4)
        for (let i = 0; i < 3; i++) {
          yield* Effect.flip(
            SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: wrong }))
          )
        }
        const fifth = yield* tagOf(
          SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: wrong }))
        )
        assert.strictEqual(fifth, "ChallengeAttemptsExceeded")
        const right = yield* tagOf(
          SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: pin }))
        )
        assert.strictEqual(right, "ChallengeAttemptsExceeded")
        assert.strictEqual((yield* senderIdOf("A", MOBILE)).status, "PENDING")
      })
    )
  )

  it.effect("refuses a PIN after the challenge expired", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const { transactionId, pin } = yield* callNumber("A", MOBILE)
        yield* TestClock.adjust("5 minutes")
        const late = yield* tagOf(
          SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: pin }))
        )
        assert.strictEqual(late, "ChallengeExpired")
      })
    )
  )

  it.effect("accepts a PIN just before the challenge expires", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const { transactionId, pin } = yield* callNumber("A", MOBILE)
        yield* TestClock.adjust("299 seconds")
        const book = yield* SenderIds.use((s) => s.completeArs("A", MOBILE, { transactionId, token: pin }))
        assert.strictEqual(book.senderIds[0]?.status, "ACTIVE")
      })
    )
  )

  it.effect("does not let one account complete another account's challenge", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* register("B", OTHER_MOBILE)
        const { transactionId, pin } = yield* callNumber("A", MOBILE)
        const stolen = yield* tagOf(
          SenderIds.use((s) => s.completeArs("B", OTHER_MOBILE, { transactionId, token: pin }))
        )
        assert.strictEqual(stolen, "ChallengeNotFound")
      })
    )
  )

  it.effect("refuses ARS for categories that must prove ownership by documents", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", REPRESENTATIVE)
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.startArs("A", REPRESENTATIVE))),
          "ArsNotAllowed"
        )
      })
    )
  )

  it.effect("refuses ARS on a number that is already ACTIVE", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.startArs("A", MOBILE))),
          "VerificationNotAllowed"
        )
      })
    )
  )

  it.effect("refuses to activate a number another account verified first", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* register("B", MOBILE)
        const { transactionId, pin } = yield* callNumber("B", MOBILE)
        yield* TestClock.adjust("1 minute") // calls to one number are a minute apart at least
        yield* verifyByArs("A", MOBILE)
        const late = yield* tagOf(
          SenderIds.use((s) => s.completeArs("B", MOBILE, { transactionId, token: pin }))
        )
        assert.strictEqual(late, "NumberHeldByAnotherAccount")
        assert.strictEqual((yield* senderIdOf("B", MOBILE)).status, "PENDING")
      })
    )
  )

  it.effect("lets the registration that lost the number ask for a duplicate-unlock, as its error says", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* register("B", MOBILE)
        yield* verifyByArs("A", MOBILE)
        const book = yield* SenderIds.use((s) =>
          s.requestUnlock("B", MOBILE, { reason: "our number since 2019" })
        )
        const lost = book.senderIds[0]
        assert.strictEqual(lost?.status, "DUPLICATED")
        assert.strictEqual(lost?.unlockDuplicate?.status, "PENDING")
        assert.deepStrictEqual(
          lost?.log.slice(-2).map((e) => [e.statusBefore, e.statusAfter]),
          [
            ["PENDING", "DUPLICATED"],
            ["DUPLICATED", "DUPLICATED"]
          ]
        )
      })
    )
  )

  it.effect("still refuses an unlock for a PENDING number nobody else holds", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const refused = yield* tagOf(
          SenderIds.use((s) => s.requestUnlock("A", MOBILE, { reason: "why not" }))
        )
        assert.strictEqual(refused, "UnlockNotAllowed")
      })
    )
  )
})

describe("evidence review", () => {
  it.effect("activates with method DOCUMENT when an operator approves, recording the operator", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", REPRESENTATIVE)
        const document = yield* upload("A")
        const book = yield* SenderIds.use((s) => s.submitEvidence("A", REPRESENTATIVE, [document.documentId]))
        const approvalId = book.senderIds[0]?.approvalDocuments[0]?.approvalId as string
        assert.isTrue(Schema.is(Identifier)(approvalId))
        const decided = yield* Reviews.use((r) =>
          r.decideEvidence(
            "op-1",
            { accountId: "A", phoneNumber: REPRESENTATIVE, approvalId },
            { approve: true }
          )
        )
        assert.strictEqual(decided.status, "ACTIVE")
        assert.strictEqual(decided.method, "DOCUMENT")
        assert.strictEqual(decided.approvalDocuments[0]?.status, "APPROVED")
        assert.deepStrictEqual(decided.log.at(-1)?.actor, { type: "OPERATOR", id: "op-1" })
        const twice = yield* tagOf(
          Reviews.use((r) =>
            r.decideEvidence(
              "op-1",
              { accountId: "A", phoneNumber: REPRESENTATIVE, approvalId },
              { approve: true }
            )
          )
        )
        assert.strictEqual(twice, "ReviewAlreadyDecided")
      })
    )
  )

  it.effect("moves to REJECTED with the reason, and accepts a new submission after", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const document = yield* upload("A")
        const book = yield* register("A", REPRESENTATIVE, [document.documentId])
        const approvalId = book.senderIds[0]?.approvalDocuments[0]?.approvalId as string
        const target = { accountId: "A", phoneNumber: REPRESENTATIVE, approvalId }
        const noReason = yield* tagOf(
          Reviews.use((r) => r.decideEvidence("op", target, { approve: false, reason: " " }))
        )
        assert.strictEqual(noReason, "ReasonRequired")
        const rejected = yield* Reviews.use((r) =>
          r.decideEvidence("op", target, { approve: false, reason: "사업자등록증 사본이 필요합니다" })
        )
        assert.strictEqual(rejected.status, "REJECTED")
        assert.strictEqual(rejected.approvalDocuments[0]?.reason, "사업자등록증 사본이 필요합니다")
        const again = yield* SenderIds.use((s) =>
          s.submitEvidence("A", REPRESENTATIVE, [document.documentId])
        )
        assert.strictEqual(again.senderIds[0]?.approvalDocuments.length, 2)
      })
    )
  )

  it.effect("refuses a second submission while one is under review", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const document = yield* upload("A")
        yield* register("A", REPRESENTATIVE, [document.documentId])
        const second = yield* tagOf(
          SenderIds.use((s) => s.submitEvidence("A", REPRESENTATIVE, [document.documentId]))
        )
        assert.strictEqual(second, "EvidenceReviewPending")
      })
    )
  )

  it.effect("refuses a submission without documents", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", REPRESENTATIVE)
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.submitEvidence("A", REPRESENTATIVE, []))),
          "DocumentsRequired"
        )
      })
    )
  )
})

describe("switching on and off, deleting", () => {
  it.effect("switches ACTIVE to INACTIVE and back", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        const off = yield* SenderIds.use((s) => s.setStatus("A", MOBILE, "INACTIVE"))
        assert.strictEqual(off.senderIds[0]?.status, "INACTIVE")
        assert.deepStrictEqual(yield* SenderIds.use((s) => s.activeNumbers("A")), [])
        const on = yield* SenderIds.use((s) => s.setStatus("A", MOBILE, "ACTIVE"))
        assert.strictEqual(on.senderIds[0]?.status, "ACTIVE")
      })
    )
  )

  it.effect("switches status and auto-extension in one change, with one audit entry each", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        const book = yield* SenderIds.use((s) =>
          s.update("A", MOBILE, { status: "INACTIVE", autoExtension: true })
        )
        const [updated] = book.senderIds
        assert.strictEqual(updated?.status, "INACTIVE")
        assert.isTrue(updated?.autoExtension)
        assert.deepStrictEqual(
          updated?.log.slice(-2).map((e) => e.message),
          ["status changed to INACTIVE", "auto-extension enabled"]
        )
      })
    )
  )

  it.effect("refuses the whole change when its status is refused, leaving auto-extension as it was", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        assert.strictEqual(
          yield* tagOf(
            SenderIds.use((s) => s.update("A", MOBILE, { status: "INACTIVE", autoExtension: true }))
          ),
          "StatusChangeNotAllowed"
        )
        const unchanged = yield* SenderIds.use((s) => s.get("A", MOBILE))
        assert.isFalse(unchanged.autoExtension)
        assert.strictEqual(unchanged.log.length, 1)
      })
    )
  )

  it.effect("refuses any other status change", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        for (const to of ["ACTIVE", "INACTIVE", "EXPIRED", "DUPLICATED", "REJECTED", "PENDING"] as const) {
          assert.strictEqual(
            yield* tagOf(SenderIds.use((s) => s.setStatus("A", MOBILE, to))),
            "StatusChangeNotAllowed"
          )
        }
        yield* verifyByArs("A", MOBILE)
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.setStatus("A", MOBILE, "ACTIVE"))),
          "StatusChangeNotAllowed"
        )
      })
    )
  )

  it.effect("refuses to switch an INACTIVE number back on after its verification lapsed", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* SenderIds.use((s) => s.setStatus("A", MOBILE, "INACTIVE"))
        yield* TestClock.adjust(`${181 * DAY} millis`)
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.setStatus("A", MOBILE, "ACTIVE"))),
          "StatusChangeNotAllowed"
        )
      })
    )
  )

  it.effect("frees the documents only the deleted number's evidence used, and keeps shared ones in use", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const own = yield* upload("A")
        const shared = yield* upload("A")
        yield* SenderIds.use((s) =>
          s.register("A", { phoneNumber: MOBILE, documents: [own.documentId, shared.documentId] })
        )
        yield* SenderIds.use((s) =>
          s.register("A", { phoneNumber: OTHER_MOBILE, documents: [shared.documentId] })
        )
        yield* SenderIds.use((s) => s.remove("A", MOBILE))
        const use = (documentId: string) =>
          SenderIdRepository.use((r) => r.findDocument(documentId)).pipe(
            Effect.map((found) => (found._tag === "Some" ? found.value.use : undefined))
          )
        assert.isFalse(yield* use(own.documentId))
        assert.isTrue(yield* use(shared.documentId))
      })
    )
  )

  it.effect("refuses to delete an ACTIVE number, deletes an INACTIVE one and keeps its audit trail", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        const active = (yield* verifyByArs("A", MOBILE)).senderIds[0]
        assert.strictEqual(yield* tagOf(SenderIds.use((s) => s.remove("A", MOBILE))), "DeleteNotAllowed")
        yield* SenderIds.use((s) => s.setStatus("A", MOBILE, "INACTIVE"))
        const book = yield* SenderIds.use((s) => s.remove("A", MOBILE))
        assert.strictEqual(book.senderIds.length, 0)
        const trail = yield* SenderIdRepository.use((r) => r.auditTrail(active?.handleKey as string))
        assert.deepStrictEqual(
          trail.map((e) => e.message.replace(/\(ARS\w+\)/u, "(ARS…)")),
          [
            "sender ID created",
            "ARS verification call placed (ARS…)",
            "verified by ARS call",
            "status changed to INACTIVE",
            "sender ID deleted"
          ]
        )
        assert.strictEqual(yield* tagOf(SenderIds.use((s) => s.remove("A", MOBILE))), "SenderIdNotFound")
      })
    )
  )
})

describe("duplicate unlock", () => {
  it.effect("lets an approved claimant take the number over when it proves ownership", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* register("B", MOBILE)
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.startArs("B", MOBILE))),
          "VerificationNotAllowed"
        )
        const requested = yield* SenderIds.use((s) =>
          s.requestUnlock("B", MOBILE, { reason: "번호를 이전받았습니다" })
        )
        assert.strictEqual(requested.senderIds[0]?.unlockDuplicate?.status, "PENDING")
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.requestUnlock("B", MOBILE, { reason: "again" }))),
          "UnlockAlreadyRequested"
        )
        const approved = yield* Reviews.use((r) =>
          r.decideUnlock("op-1", { accountId: "B", phoneNumber: MOBILE }, { approve: true })
        )
        assert.strictEqual(approved.status, "PENDING")
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.requestUnlock("B", MOBILE, { reason: "again" }))),
          "UnlockAlreadyApproved"
        )
        // The holder keeps the number until the claimant actually proves ownership.
        assert.strictEqual((yield* senderIdOf("A", MOBILE)).status, "ACTIVE")
        yield* TestClock.adjust("1 minute")
        yield* verifyByArs("B", MOBILE)
        assert.strictEqual((yield* senderIdOf("B", MOBILE)).status, "ACTIVE")
        const displaced = yield* senderIdOf("A", MOBILE)
        assert.strictEqual(displaced.status, "DUPLICATED")
        assert.deepStrictEqual(
          yield* SenderIdRepository.use((r) => r.findHolders(MOBILE)).pipe(
            Effect.map((h) => h.map((s) => s.accountId))
          ),
          ["B"]
        )
      })
    )
  )

  it.effect("spends an approved unlock on the take-over it allowed, not on later ones", () =>
    inRegistry(
      Effect.gen(function* () {
        for (const id of ["A", "B", "C"]) yield* openAccount(id)
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* register("B", MOBILE)
        yield* SenderIds.use((s) => s.requestUnlock("B", MOBILE, { reason: "번호를 이전받았습니다" }))
        yield* Reviews.use((r) =>
          r.decideUnlock("op-1", { accountId: "B", phoneNumber: MOBILE }, { approve: true })
        )
        yield* TestClock.adjust("1 minute")
        yield* verifyByArs("B", MOBILE)
        yield* TestClock.adjust(`${181 * DAY} millis`)
        yield* Expiry.use((e) => e.sweep())
        assert.strictEqual((yield* senderIdOf("B", MOBILE)).status, "EXPIRED")
        yield* register("C", MOBILE)
        yield* verifyByArs("C", MOBILE)
        assert.strictEqual(yield* tagOf(verifyByArs("B", MOBILE)), "NumberHeldByAnotherAccount")
        assert.strictEqual((yield* senderIdOf("C", MOBILE)).status, "ACTIVE")
      })
    )
  )

  it.effect("keeps the number DUPLICATED with the reason when the unlock is rejected", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        yield* register("A", MOBILE)
        yield* verifyByArs("A", MOBILE)
        yield* register("B", MOBILE)
        yield* SenderIds.use((s) => s.requestUnlock("B", MOBILE, { reason: "제 번호입니다", name: "홍길동" }))
        const rejected = yield* Reviews.use((r) =>
          r.decideUnlock(
            "op-1",
            { accountId: "B", phoneNumber: MOBILE },
            { approve: false, reason: "증빙 부족" }
          )
        )
        assert.strictEqual(rejected.status, "DUPLICATED")
        assert.strictEqual(rejected.unlockDuplicate?.status, "REJECTED")
        assert.strictEqual(rejected.unlockDuplicate?.reason, "증빙 부족")
        assert.strictEqual(rejected.unlockDuplicate?.name, "홍길동")
      })
    )
  )

  it.effect("refuses an unlock request for a number that is not DUPLICATED", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE)
        assert.strictEqual(
          yield* tagOf(SenderIds.use((s) => s.requestUnlock("A", MOBILE, { reason: "why" }))),
          "UnlockNotAllowed"
        )
      })
    )
  )
})

describe("limit increase", () => {
  it.effect("raises the limit only when an operator approves", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A", 2)
        const document = yield* upload("A", "SENDERID_LIMITATION")
        const requested = yield* SenderIds.use((s) =>
          s.requestLimitation("A", { documents: [document.documentId], limit: 10 })
        )
        assert.strictEqual(requested.account.limit, 2)
        const request = requested.account.limitationRequests[0]
        assert.strictEqual(request?.status, "PENDING")
        assert.strictEqual(request?.limitBeforeRequest, 2)
        assert.strictEqual(
          yield* tagOf(
            SenderIds.use((s) => s.requestLimitation("A", { documents: [document.documentId], limit: 20 }))
          ),
          "LimitationRequestPending"
        )
        const approved = yield* Reviews.use((r) =>
          r.decideLimitation(
            "op-1",
            { accountId: "A", limitationId: request?.limitationId as string },
            { approve: true }
          )
        )
        assert.strictEqual(approved.limit, 10)
      })
    )
  )

  it.effect("keeps the limit when the request is rejected", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A", 2)
        const document = yield* upload("A", "SENDERID_LIMITATION")
        const requested = yield* SenderIds.use((s) =>
          s.requestLimitation("A", { documents: [document.documentId], limit: 10 })
        )
        const limitationId = requested.account.limitationRequests[0]?.limitationId as string
        const rejected = yield* Reviews.use((r) =>
          r.decideLimitation(
            "op-1",
            { accountId: "A", limitationId },
            { approve: false, reason: "사용 이력 부족" }
          )
        )
        assert.strictEqual(rejected.limit, 2)
        assert.strictEqual(rejected.limitationRequests[0]?.reason, "사용 이력 부족")
      })
    )
  )

  it.effect("refuses a request that does not raise the limit, or uses the wrong documents", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A", 5)
        const limitation = yield* upload("A", "SENDERID_LIMITATION")
        const approval = yield* upload("A", "SENDERID_APPROVAL")
        assert.strictEqual(
          yield* tagOf(
            SenderIds.use((s) => s.requestLimitation("A", { documents: [limitation.documentId], limit: 5 }))
          ),
          "LimitNotIncreased"
        )
        assert.strictEqual(
          yield* tagOf(
            SenderIds.use((s) => s.requestLimitation("A", { documents: [approval.documentId], limit: 8 }))
          ),
          "DocumentCategoryMismatch"
        )
      })
    )
  )

  it.effect("lets an operator set a limit, never below what the account holds", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A", 5)
        yield* register("A", MOBILE)
        yield* register("A", OTHER_MOBILE)
        assert.strictEqual(yield* tagOf(Accounts.use((a) => a.setLimit("op", "A", 1))), "LimitBelowHeld")
        assert.strictEqual((yield* Accounts.use((a) => a.setLimit("op", "A", 2))).limit, 2)
      })
    )
  )
})
