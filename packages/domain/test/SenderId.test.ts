/**
 * The state machine as a table: every status against every owner-side transition, so each
 * allowed move and each refusal (with its typed error) is pinned down in one place.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { accountActor } from "../src/AuditEntry.ts"
import * as SenderId from "../src/SenderId.ts"

const NOW = Date.UTC(2027, 0, 15)
const at = { now: NOW, actor: accountActor("A") }
const STATUSES = SenderId.SenderIdStatus.literals

const inStatus = (status: SenderId.SenderIdStatus, category: "mobile" | "representative" = "mobile") => ({
  ...SenderId.register({
    handleKey: "SED20270115170000AAAAAAAAAAAAAAA",
    accountId: "A",
    phoneNumber: category === "mobile" ? "01023456789" : "15881234",
    category,
    heldByAnotherAccount: false,
    pendingTtl: Duration.days(12),
    at
  }),
  status,
  expireAt: NOW + 1000
})

const outcome = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
  Effect.runSync(effect.pipe(Effect.match({ onFailure: (e) => e._tag, onSuccess: () => "allowed" })))

describe("the sender-ID state machine", () => {
  describe("owner status changes: only ACTIVE ⇄ INACTIVE", () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        const allowed = (from === "ACTIVE" && to === "INACTIVE") || (from === "INACTIVE" && to === "ACTIVE")
        it(`${from} → ${to} is ${allowed ? "allowed" : "refused with StatusChangeNotAllowed"}`, () => {
          const result = outcome(SenderId.setStatus(inStatus(from), to, at))
          assert.strictEqual(result, allowed ? "allowed" : "StatusChangeNotAllowed")
        })
      }
    }
  })

  describe("deletion: anything but ACTIVE", () => {
    for (const status of STATUSES) {
      it(`deleting a ${status} number is ${status === "ACTIVE" ? "refused" : "allowed"}`, () => {
        const result = outcome(SenderId.markDeleted(inStatus(status), at))
        assert.strictEqual(result, status === "ACTIVE" ? "DeleteNotAllowed" : "allowed")
      })
    }
  })

  describe("starting verification: PENDING, EXPIRED and REJECTED only", () => {
    for (const status of STATUSES) {
      const allowed = status === "PENDING" || status === "EXPIRED" || status === "REJECTED"
      it(`ARS from ${status} is ${allowed ? "allowed" : "refused"}`, () => {
        assert.strictEqual(
          outcome(SenderId.verifyByArs(inStatus(status), Duration.days(180), at)),
          allowed ? "allowed" : "VerificationNotAllowed"
        )
      })
      it(`evidence from ${status} is ${allowed ? "allowed" : "refused"}`, () => {
        const submission = { approvalId: "APD20270115170000AAAAAAAAAAAAAAA", documents: ["DOC1"] }
        assert.strictEqual(
          outcome(SenderId.submitEvidence(inStatus(status), submission, at)),
          allowed ? "allowed" : "VerificationNotAllowed"
        )
      })
    }

    it("refuses ARS for a representative number whatever its status", () => {
      for (const status of STATUSES) {
        assert.strictEqual(
          outcome(SenderId.verifyByArs(inStatus(status, "representative"), Duration.days(180), at)),
          "ArsNotAllowed"
        )
      }
    })
  })

  describe("duplicate unlock: DUPLICATED only", () => {
    for (const status of STATUSES) {
      it(`an unlock request from ${status} is ${status === "DUPLICATED" ? "allowed" : "refused"}`, () => {
        const request = {
          duplicateId: "DUP20270115170000AAAAAAAAAAAAAAA",
          reasonForRequested: "mine",
          name: null
        }
        assert.strictEqual(
          outcome(SenderId.requestUnlock(inStatus(status), request, at)),
          status === "DUPLICATED" ? "allowed" : "UnlockNotAllowed"
        )
      })
    }
  })

  it("appends exactly one audit entry per transition, with the status before and after", () => {
    const active = Effect.runSync(SenderId.verifyByArs(inStatus("PENDING"), Duration.days(180), at))
    const inactive = Effect.runSync(SenderId.setStatus(active, "INACTIVE", { ...at, now: NOW + 5 }))
    assert.strictEqual(inactive.log.length, 3)
    assert.deepStrictEqual(inactive.log.at(-1), {
      createAt: NOW + 5,
      message: "status changed to INACTIVE",
      actor: { type: "ACCOUNT", id: "A" },
      statusBefore: "ACTIVE",
      statusAfter: "INACTIVE"
    })
    assert.strictEqual(inactive.dateUpdated, NOW + 5)
  })

  it("lists what the owner must do next", () => {
    assert.deepStrictEqual(SenderId.necessaryMeasures(inStatus("PENDING")), ["ARS", "BUSINESS_DOCUMENTS"])
    assert.deepStrictEqual(SenderId.necessaryMeasures(inStatus("PENDING", "representative")), [
      "BUSINESS_DOCUMENTS"
    ])
    assert.deepStrictEqual(SenderId.necessaryMeasures(inStatus("DUPLICATED")), ["DUPLICATED"])
    assert.deepStrictEqual(SenderId.necessaryMeasures(inStatus("ACTIVE")), [])
  })
})

describe("an operator's decision on evidence", () => {
  const submitted = Effect.runSync(
    SenderId.submitEvidence(inStatus("PENDING"), { approvalId: "APD1", documents: ["DOC1"] }, at)
  )
  const ttl = { activeTtl: Duration.days(180), pendingTtl: Duration.days(12) }
  const decide = (decision: Parameters<typeof SenderId.decideEvidence>[2]) =>
    Effect.runSync(SenderId.decideEvidence(submitted, "APD1", decision, ttl, at))

  it("keeps an approval's note on the submission and in its audit entry, the message unchanged", () => {
    const approved = decide({ approve: true, note: "checked the original" })
    assert.strictEqual(approved.approvalDocuments[0]?.note, "checked the original")
    assert.strictEqual(approved.log.at(-1)?.note, "checked the original")
    assert.strictEqual(approved.log.at(-1)?.message, "evidence APD1 approved; verified by documents")
  })

  it("keeps no note for a blank one, nor for a rejection (its reason is the customer's)", () => {
    for (const decided of [
      decide({ approve: true, note: "  " }),
      decide({ approve: true }),
      decide({ approve: false, reason: "blurred" })
    ]) {
      assert.notProperty(decided.approvalDocuments[0], "note")
      assert.notProperty(decided.log.at(-1), "note")
    }
  })
})
