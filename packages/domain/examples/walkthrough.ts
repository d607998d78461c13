/**
 * A guided tour of the domain on in-memory ports: the number rules, two accounts, an ARS
 * verification through the development call provider, an evidence review, the account limit, a
 * duplicate claim an operator rejects, and the expiry sweep 181 days later. Run it with `pnpm start`.
 */

import { Console, Effect, Option, Result } from "effect"
import { Base64 } from "effect/encoding"
import { TestClock } from "effect/testing"
import {
  Accounts,
  AuditEntry,
  DevelopmentCalls,
  Documents,
  EventRelay,
  Expiry,
  PhoneNumber,
  PublishedEvents,
  Reviews,
  type SenderId,
  SenderIds
} from "../src/index.ts"
import { layerMemoryRegistry } from "../src/testing/index.ts"

const PDF = Base64.encode(new TextEncoder().encode("%PDF-1.7\n% a business registration certificate\n%%EOF"))
const OPERATOR = "operator-kim"

const show = (title: string, value: unknown) =>
  Console.log(`\n== ${title}\n${JSON.stringify(value, null, 2)}`)

const iso = (epochMillis: number | null) =>
  epochMillis === null ? null : new Date(epochMillis).toISOString()

/** One line per sender ID and its audit trail, instead of the whole aggregate. */
const summary = (senderIds: ReadonlyArray<SenderId.SenderId>) =>
  senderIds.map((s) => ({
    phoneNumber: s.phoneNumber,
    status: s.status,
    method: s.method,
    expireAt: iso(s.expireAt),
    log: s.log.map(
      (entry) =>
        `${iso(entry.createAt)} ${entry.actor.type.toLowerCase()} ${entry.actor.id}: ${entry.message}`
    )
  }))

const tour = Effect.gen(function* () {
  const accounts = yield* Accounts
  const senderIds = yield* SenderIds
  const documents = yield* Documents
  const reviews = yield* Reviews
  const calls = yield* DevelopmentCalls

  yield* Console.log("\n== The number rules")
  for (const input of ["010-2345-6789", "+82 (0)2 345 6789", "1588-1234", "1588-1234-5", "011-234-5678"]) {
    const verdict = PhoneNumber.validate(input)
    yield* Console.log(
      Result.isSuccess(verdict)
        ? `${input.padEnd(18)} → ${verdict.success.phoneNumber} (${verdict.success.category}; proof by ${verdict.success.proofMethods.join(" or ")})`
        : `${input.padEnd(18)} → refused, ${verdict.failure.rule}: ${verdict.failure.reason}`
    )
  }

  yield* accounts.open(AuditEntry.systemActor, "12925149", { limit: 2 })
  yield* accounts.open(AuditEntry.systemActor, "30000001")

  // ARS: the development provider "calls" the number; the PIN it read is what the callee heard.
  yield* senderIds.register("12925149", { phoneNumber: "010-2345-6789" })
  const call = yield* senderIds.startArs("12925149", "01023456789")
  const pin = Option.getOrThrow(yield* calls.lastPin("01023456789"))
  yield* Console.log(`\nARS call placed (transaction ${call.transactionId}); the callee heard PIN ${pin}`)
  yield* senderIds.completeArs("12925149", "01023456789", { transactionId: call.transactionId, token: pin })

  // Evidence: a representative number can only be proven by documents an operator reviews.
  const evidence = yield* documents.upload("12925149", {
    file: PDF,
    category: "SENDERID_APPROVAL",
    name: "사업자등록증.pdf"
  })
  const pending = yield* senderIds.register("12925149", {
    phoneNumber: "1588-1234",
    documents: [evidence.documentId]
  })
  const approvalId =
    pending.senderIds.find((s) => s.phoneNumber === "15881234")?.approvalDocuments[0]?.approvalId ?? ""
  yield* reviews.decideEvidence(
    OPERATOR,
    { accountId: "12925149", phoneNumber: "15881234", approvalId },
    { approve: true }
  )
  yield* show(
    "Account 12925149 after ARS and an approved evidence review",
    summary((yield* senderIds.book("12925149")).senderIds)
  )

  // The limit is 2 and both slots are used; a raise needs an operator's approval.
  const refused = yield* Effect.flip(senderIds.register("12925149", { phoneNumber: "02-345-6789" }))
  yield* Console.log(
    `\nAccount 12925149 was opened with a limit of 2; a third number is refused: ${refused._tag}`
  )

  // Another account claims a held number: DUPLICATED until an operator approves the unlock.
  const duplicated = yield* senderIds.register("30000001", { phoneNumber: "01023456789" })
  yield* Console.log(`\nAccount 30000001 registers 01023456789: ${duplicated.senderIds[0]?.status}`)
  yield* senderIds.requestUnlock("30000001", "01023456789", {
    reason: "번호를 이전받았습니다",
    name: "홍길동"
  })
  yield* reviews.decideUnlock(
    OPERATOR,
    { accountId: "30000001", phoneNumber: "01023456789" },
    { approve: false, reason: "이전 증빙이 없습니다" }
  )
  yield* show(
    "Account 30000001 after its unlock request was rejected",
    summary((yield* senderIds.book("30000001")).senderIds)
  )

  // Six months later the ARS verification lapses; the approved representative number too.
  yield* TestClock.adjust("181 days")
  yield* show("The expiry sweep, 181 days later", yield* Expiry.use((e) => e.sweep()))
  yield* show("Numbers account 12925149 may send from now", yield* senderIds.activeNumbers("12925149"))

  yield* EventRelay.use((relay) => relay.drain())
  const events = yield* PublishedEvents.use((p) => p.all)
  yield* show(
    "Events delivered through the outbox",
    events.map(
      (e) =>
        `${e.type} ${e.data.phoneNumber ?? ""}${e.data.lapsed ? " (a registration that lapsed unverified)" : ""}`
    )
  )
})

// The walk-through runs on the test clock so that "181 days later" takes no time at all.
Effect.runPromise(
  Effect.gen(function* () {
    yield* TestClock.setTime(Date.now())
    yield* tour
  }).pipe(Effect.provide([layerMemoryRegistry, TestClock.layer()]))
)
