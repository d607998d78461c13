/**
 * Property tests for the registry's invariants: random sequences of customer, operator and clock
 * operations across several accounts, checked after every step against a small model, because the
 * example tests only cover the orderings someone thought of (and races need interleavings nobody writes).
 */
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Layer, Option, References, Result } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { Accounts } from "../src/Accounts.ts"
import { DocumentBlobStore } from "../src/DocumentBlobStore.ts"
import * as EventPublisher from "../src/EventPublisher.ts"
import { Expiry } from "../src/Expiry.ts"
import * as Registry from "../src/Registry.ts"
import { Reviews } from "../src/Reviews.ts"
import { holds, type SenderId } from "../src/SenderId.ts"
import type { AccountBook } from "../src/SenderIdRepository.ts"
import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { SenderIds } from "../src/SenderIds.ts"
import { layerMemoryRegistry, layerMemorySecrets } from "../src/testing/index.ts"
import * as VoiceCallProvider from "../src/VoiceCallProvider.ts"
import { DevelopmentCalls } from "../src/VoiceCallProvider.ts"
import { callNumber, DAY, NOW, openAccount, register, tagOf, upload } from "./registryHarness.ts"

const RUNS = 1_000
const CONCURRENT_REGISTRATION_RUNS = 200
const CONCURRENT_ARS_RUNS = 100
const MAX_COMMANDS = 40

const ACCOUNTS = ["A", "B", "C"] as const
type AccountId = (typeof ACCOUNTS)[number]

/** A small pool, so that two accounts often want the same number. */
const NUMBERS = [
  "01023456781",
  "01023456782",
  "01023456783",
  "01023456784",
  "15881234",
  "07023456789"
] as const

const REASON = "증빙 서류가 부족합니다"

interface Target {
  readonly account: AccountId
  readonly number: string
  /** Aim at one of the account's own sender IDs (picked by `number`'s place in the pool) when it
   * has any, so that most operations meet a real registration rather than SenderIdNotFound. */
  readonly inBook?: boolean
}

type Command =
  | (Target & { readonly kind: "register"; readonly withDocuments: boolean })
  | (Target & { readonly kind: "verifyByArs" })
  | (Target & { readonly kind: "startArs" })
  | { readonly kind: "completeArs"; readonly challenge: number; readonly rightPin: boolean }
  | (Target & { readonly kind: "submitEvidence" })
  | (Target & { readonly kind: "decideEvidence"; readonly approve: boolean; readonly pick: number })
  | (Target & { readonly kind: "setStatus"; readonly to: "ACTIVE" | "INACTIVE" })
  | (Target & { readonly kind: "remove" })
  | (Target & { readonly kind: "requestUnlock" })
  | (Target & { readonly kind: "decideUnlock"; readonly approve: boolean })
  | { readonly kind: "requestLimitation"; readonly account: AccountId; readonly raiseBy: number }
  | {
      readonly kind: "decideLimitation"
      readonly account: AccountId
      readonly approve: boolean
      readonly pick: number
    }
  | { readonly kind: "setLimit"; readonly account: AccountId; readonly limit: number }
  | { readonly kind: "advance"; readonly millis: number }
  | (Target & { readonly kind: "setAutoExtension"; readonly enabled: boolean })

const anAccount = fc.constantFrom(...ACCOUNTS)
const aNumber = fc.record({ account: anAccount, number: fc.constantFrom(...NUMBERS) })
const aTarget = fc.record({
  account: anAccount,
  number: fc.constantFrom(...NUMBERS),
  inBook: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
})
const aPick = fc.nat({ max: 3 })

const aCommand: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .record({ target: aNumber, inBook: fc.boolean(), withDocuments: fc.boolean() })
      .map(({ target, ...rest }) => ({ kind: "register" as const, ...target, ...rest }))
  },
  { weight: 4, arbitrary: aTarget.map((t) => ({ kind: "verifyByArs" as const, ...t })) },
  { weight: 2, arbitrary: aTarget.map((t) => ({ kind: "startArs" as const, ...t })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ challenge: fc.nat({ max: 7 }), rightPin: fc.boolean() })
      .map((c) => ({ kind: "completeArs" as const, ...c }))
  },
  { weight: 3, arbitrary: aTarget.map((t) => ({ kind: "submitEvidence" as const, ...t })) },
  {
    weight: 4,
    arbitrary: fc
      .record({ target: aTarget, approve: fc.boolean(), pick: aPick })
      .map(({ target, ...rest }) => ({ kind: "decideEvidence" as const, ...target, ...rest }))
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ target: aTarget, to: fc.constantFrom("ACTIVE" as const, "INACTIVE" as const) })
      .map(({ target, to }) => ({ kind: "setStatus" as const, ...target, to }))
  },
  { weight: 2, arbitrary: aTarget.map((t) => ({ kind: "remove" as const, ...t })) },
  { weight: 3, arbitrary: aTarget.map((t) => ({ kind: "requestUnlock" as const, ...t })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ target: aTarget, approve: fc.boolean() })
      .map(({ target, approve }) => ({ kind: "decideUnlock" as const, ...target, approve }))
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ account: anAccount, raiseBy: fc.integer({ min: 1, max: 3 }) })
      .map((c) => ({ kind: "requestLimitation" as const, ...c }))
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ account: anAccount, approve: fc.boolean(), pick: aPick })
      .map((c) => ({ kind: "decideLimitation" as const, ...c }))
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ account: anAccount, limit: fc.integer({ min: 0, max: 6 }) })
      .map((c) => ({ kind: "setLimit" as const, ...c }))
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 200 })
      .map((days) => ({ kind: "advance" as const, millis: days * DAY }))
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 600 })
      .map((seconds) => ({ kind: "advance" as const, millis: seconds * 1000 }))
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ target: aTarget, enabled: fc.boolean() })
      .map(({ target, enabled }) => ({ kind: "setAutoExtension" as const, ...target, enabled }))
  }
)

const aScenario = fc.record({
  limits: fc.tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 })
  ),
  commands: fc.array(aCommand, { minLength: 1, maxLength: MAX_COMMANDS, size: "max" })
})
type Scenario = typeof aScenario extends fc.Arbitrary<infer A> ? A : never

// ---------------------------------------------------------------------------------------------
// The model: what the test itself knows happened, independent of what the registry stores.

interface Model {
  /** The limit each account must have: changed only by an approved raise or an operator's setLimit. */
  readonly limits: Map<AccountId, number>
  /** Sender IDs a successful verification (as observed by the caller) proved, and how; forgotten
   * when the sender ID is seen outside ACTIVE/INACTIVE. */
  readonly proven: Map<string, "ARS" | "DOCUMENT">
  /** ARS challenges started and not necessarily completed, with the PIN the callee heard. */
  readonly challenges: Array<Target & { readonly transactionId: string; readonly pin: string }>
  readonly documents: Map<AccountId, { readonly approval: string; readonly limitation: string }>
}

interface Step {
  readonly outcome: "succeeded" | "refused" | "skipped"
  readonly error?: string
  /** A successful verification: the sender ID it targeted and its method. */
  readonly verified?: Target & { readonly method: "ARS" | "DOCUMENT" }
  /** A successful switch back on (INACTIVE → ACTIVE). */
  readonly switchedOn?: Target
}

const SUCCEEDED: Step = { outcome: "succeeded" }
const SKIPPED: Step = { outcome: "skipped" }

/** Runs a use case; a typed failure is a refusal, a defect escapes and fails the property. */
const attempt = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.result(effect).pipe(
    Effect.map(
      (result): Step =>
        Result.isSuccess(result) ? SUCCEEDED : { outcome: "refused", error: result.failure._tag }
    )
  )

type Books = ReadonlyMap<AccountId, AccountBook>

const readBooks = Effect.gen(function* () {
  const senderIds = yield* SenderIds
  const books = new Map<AccountId, AccountBook>()
  for (const account of ACCOUNTS) books.set(account, yield* senderIds.book(account))
  return books as Books
})

const allSenderIds = (books: Books) => [...books.values()].flatMap((b) => b.senderIds)

const senderIdIn = (books: Books, target: Target) =>
  books.get(target.account)?.senderIds.find((s) => s.phoneNumber === target.number)

const verifiable = (s: SenderId) =>
  s.status === "PENDING" || s.status === "EXPIRED" || s.status === "REJECTED"

/** Which sender IDs an operation aimed `inBook` prefers, so that rarer paths (unlock
 * reviews, take-overs) are reached; any sender ID of the account does when none fits. */
const PREFERS: Partial<Record<Command["kind"], (s: SenderId) => boolean>> = {
  verifyByArs: verifiable,
  startArs: verifiable,
  submitEvidence: verifiable,
  decideEvidence: (s) => s.approvalDocuments.some((a) => a.status === "PENDING"),
  setStatus: holds,
  requestUnlock: (s) => s.status === "DUPLICATED",
  decideUnlock: (s) => s.unlockDuplicate?.status === "PENDING"
}

/** Turns an `inBook` aim into a concrete sender ID of the current books: a preferred one of the
 * account's own, else a preferred one of another account, else any of its own, else any. */
const resolve = (command: Command, books: Books): Command => {
  if (!("inBook" in command) || !command.inBook) return command
  const own = books.get(command.account)?.senderIds ?? []
  const everyone = allSenderIds(books)
  if (command.kind === "register") {
    // A number another account holds, so that DUPLICATED registrations (and take-overs) happen.
    const held = everyone.filter((s) => holds(s) && !own.some((o) => o.phoneNumber === s.phoneNumber))
    const chosen = held[(NUMBERS as ReadonlyArray<string>).indexOf(command.number) % Math.max(held.length, 1)]
    return chosen ? { ...command, number: chosen.phoneNumber } : command
  }
  const prefers = PREFERS[command.kind] ?? (() => true)
  const candidates =
    [own.filter(prefers), everyone.filter(prefers), own, everyone].find((c) => c.length > 0) ?? []
  const chosen =
    candidates[(NUMBERS as ReadonlyArray<string>).indexOf(command.number) % Math.max(candidates.length, 1)]
  return chosen ? { ...command, account: chosen.accountId as AccountId, number: chosen.phoneNumber } : command
}

const wrongPin = (pin: string) => `${(Number(pin[0]) + 1) % 10}${pin.slice(1)}`

const execute = (command: Command, model: Model, before: Books) =>
  Effect.gen(function* () {
    const senderIds = yield* SenderIds
    const reviews = yield* Reviews
    const decision = (approve: boolean) => (approve ? { approve } : { approve, reason: REASON })
    switch (command.kind) {
      case "register": {
        const documents = command.withDocuments
          ? [model.documents.get(command.account)?.approval ?? ""]
          : undefined
        return yield* attempt(senderIds.register(command.account, { phoneNumber: command.number, documents }))
      }
      case "verifyByArs": {
        const step = yield* attempt(
          Effect.gen(function* () {
            const placed = yield* senderIds.startArs(command.account, command.number)
            const pin = Option.getOrThrow(
              yield* DevelopmentCalls.use((calls) => calls.lastPin(placed.phoneNumber))
            )
            return yield* senderIds.completeArs(command.account, command.number, {
              transactionId: placed.transactionId,
              token: pin
            })
          })
        )
        return step.outcome === "succeeded"
          ? { ...step, verified: { ...command, method: "ARS" as const } }
          : step
      }
      case "startArs": {
        const placed = yield* Effect.result(senderIds.startArs(command.account, command.number))
        if (Result.isFailure(placed)) return { outcome: "refused", error: placed.failure._tag } satisfies Step
        const pin = Option.getOrThrow(
          yield* DevelopmentCalls.use((calls) => calls.lastPin(placed.success.phoneNumber))
        )
        model.challenges.push({ ...command, transactionId: placed.success.transactionId, pin })
        return SUCCEEDED
      }
      case "completeArs": {
        const challenge = model.challenges[command.challenge % Math.max(model.challenges.length, 1)]
        if (challenge === undefined) return SKIPPED
        const token = command.rightPin ? challenge.pin : wrongPin(challenge.pin)
        const step = yield* attempt(
          senderIds.completeArs(challenge.account, challenge.number, {
            transactionId: challenge.transactionId,
            token
          })
        )
        // Only the PIN the callee heard proves anything; a wrong PIN that "succeeds" fails the checks.
        return step.outcome === "succeeded" && command.rightPin
          ? {
              ...step,
              verified: { account: challenge.account, number: challenge.number, method: "ARS" as const }
            }
          : step
      }
      case "submitEvidence": {
        const documents = [model.documents.get(command.account)?.approval ?? ""]
        return yield* attempt(senderIds.submitEvidence(command.account, command.number, documents))
      }
      case "decideEvidence": {
        const submissions = senderIdIn(before, command)?.approvalDocuments ?? []
        const pending = submissions.filter((s) => s.status === "PENDING")
        const candidates = pending.length > 0 ? pending : submissions
        const chosen = candidates[command.pick % Math.max(candidates.length, 1)]
        if (chosen === undefined) return SKIPPED
        const step = yield* attempt(
          reviews.decideEvidence(
            "op-1",
            { accountId: command.account, phoneNumber: command.number, approvalId: chosen.approvalId },
            decision(command.approve)
          )
        )
        return step.outcome === "succeeded" && command.approve
          ? {
              ...step,
              verified: { account: command.account, number: command.number, method: "DOCUMENT" as const }
            }
          : step
      }
      case "setStatus": {
        const step = yield* attempt(senderIds.setStatus(command.account, command.number, command.to))
        return step.outcome === "succeeded" && command.to === "ACTIVE"
          ? { ...step, switchedOn: command }
          : step
      }
      case "remove":
        return yield* attempt(senderIds.remove(command.account, command.number))
      case "requestUnlock":
        return yield* attempt(
          senderIds.requestUnlock(command.account, command.number, { reason: "번호를 이전받았습니다" })
        )
      case "decideUnlock":
        return yield* attempt(
          reviews.decideUnlock(
            "op-1",
            { accountId: command.account, phoneNumber: command.number },
            decision(command.approve)
          )
        )
      case "requestLimitation": {
        const current = before.get(command.account)?.account.limit ?? 0
        return yield* attempt(
          senderIds.requestLimitation(command.account, {
            documents: [model.documents.get(command.account)?.limitation ?? ""],
            limit: current + command.raiseBy
          })
        )
      }
      case "decideLimitation": {
        const requests = before.get(command.account)?.account.limitationRequests ?? []
        const pending = requests.filter((r) => r.status === "PENDING")
        const candidates = pending.length > 0 ? pending : requests
        const chosen = candidates[command.pick % Math.max(candidates.length, 1)]
        if (chosen === undefined) return SKIPPED
        const step = yield* attempt(
          reviews.decideLimitation(
            "op-1",
            { accountId: command.account, limitationId: chosen.limitationId },
            decision(command.approve)
          )
        )
        if (step.outcome === "succeeded" && command.approve)
          model.limits.set(command.account, chosen.limitRequested)
        return step
      }
      case "setLimit": {
        const step = yield* attempt(Accounts.use((a) => a.setLimit("op-1", command.account, command.limit)))
        if (step.outcome === "succeeded") model.limits.set(command.account, command.limit)
        return step
      }
      case "advance": {
        yield* TestClock.adjust(command.millis)
        yield* Expiry.use((e) => e.sweep())
        return SUCCEEDED
      }
      case "setAutoExtension":
        return yield* attempt(senderIds.setAutoExtension(command.account, command.number, command.enabled))
    }
  })

const sameTarget = (a: Target | undefined, s: SenderId) =>
  a?.account === s.accountId && a.number === s.phoneNumber

/** Everything a sender ID carries apart from its log and bookkeeping. */
const content = (s: SenderId) => JSON.stringify({ ...s, log: null, version: null, dateUpdated: null })

const checkStep = (where: string, command: Command, step: Step, before: Books, after: Books, model: Model) =>
  Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const previous = new Map(allSenderIds(before).map((s) => [s.handleKey, s]))
    const current = allSenderIds(after)

    // A refused (or skipped) operation changes nothing in any book.
    if (step.outcome !== "succeeded") {
      assert.strictEqual(
        JSON.stringify([...after.entries()]),
        JSON.stringify([...before.entries()]),
        `${where}: refused with ${step.error} yet changed a book`
      )
    }

    // 1. ACTIVE only through a completed ARS challenge or an approved evidence submission.
    if (step.verified) {
      const target = senderIdIn(after, step.verified)
      assert.strictEqual(
        target?.status,
        "ACTIVE",
        `${where}: a successful verification left the number ${target?.status}`
      )
      assert.strictEqual(
        target?.method,
        step.verified.method,
        `${where}: verified by ${step.verified.method}`
      )
      if (target !== undefined) model.proven.set(target.handleKey, step.verified.method)
    }
    for (const s of current) {
      const label = `${where}: ${s.accountId}/${s.phoneNumber} (${s.handleKey})`
      const before = previous.get(s.handleKey)
      if (holds(s) && !(before && holds(before))) {
        assert.isTrue(
          sameTarget(step.verified, s),
          `${label} became ${s.status} without a successful verification`
        )
      }
      if (s.status === "ACTIVE" && before?.status === "INACTIVE") {
        assert.isTrue(sameTarget(step.switchedOn, s), `${label} was switched on without the owner asking`)
      }
      // A holder loses its number only to the sweep (EXPIRED) or to another account that proved
      // ownership after an approved duplicate-unlock review (DUPLICATED).
      if (before && holds(before) && !holds(s)) {
        if (s.status === "EXPIRED") {
          assert.strictEqual(command.kind, "advance", `${label} expired outside the sweep`)
        } else {
          assert.strictEqual(s.status, "DUPLICATED", `${label} went from ${before.status} to ${s.status}`)
          const claimant = step.verified && senderIdIn(after, step.verified)
          assert.isTrue(
            claimant?.phoneNumber === s.phoneNumber &&
              claimant.accountId !== s.accountId &&
              claimant.unlockDuplicate?.status === "APPROVED",
            `${label} was displaced without an approved duplicate-unlock (claimant: ${JSON.stringify(step.verified)})`
          )
        }
      }
      if (!holds(s)) {
        model.proven.delete(s.handleKey)
        continue
      }
      assert.isNotNull(s.method, `${label} is ${s.status} without a verification method`)
      assert.strictEqual(
        model.proven.get(s.handleKey),
        s.method,
        `${label} is ${s.status} but the model saw no such proof`
      )
      const lastUnheld = s.log.findLastIndex(
        (e) => e.statusAfter !== "ACTIVE" && e.statusAfter !== "INACTIVE"
      )
      const activation = s.log[lastUnheld + 1]?.message
      if (s.method === "ARS") {
        assert.strictEqual(activation, "verified by ARS call", `${label}: its activation entry`)
      } else {
        const approved = s.approvalDocuments.filter((a) => a.status === "APPROVED").map((a) => a.approvalId)
        assert.isTrue(
          approved.some((id) => activation === `evidence ${id} approved; verified by documents`),
          `${label}: activated by "${activation}" with approved submissions ${approved.join(", ")}`
        )
      }
    }

    // 2. At most one account holds a number.
    for (const number of NUMBERS) {
      const holders = current.filter((s) => s.phoneNumber === number && holds(s))
      assert.isAtMost(
        holders.length,
        1,
        `${where}: ${number} is held by ${holders.map((s) => s.accountId).join(", ")}`
      )
      assert.isAtMost((yield* repository.findHolders(number)).length, 1, `${where}: findHolders(${number})`)
    }

    for (const [accountId, book] of after) {
      // 3. An account never holds more sender IDs than its limit.
      assert.isAtMost(
        book.senderIds.length,
        book.account.limit,
        `${where}: ${accountId}'s book exceeds its limit`
      )
      // 4. A limit changes only by an approved raise or an operator's setLimit.
      assert.strictEqual(book.account.limit, model.limits.get(accountId), `${where}: ${accountId}'s limit`)
    }

    // 5. Audit logs only grow, every change appends an entry, and the trail outlives a deletion.
    for (const s of current) {
      const label = `${where}: ${s.accountId}/${s.phoneNumber} (${s.handleKey})`
      assert.strictEqual(s.log.at(-1)?.statusAfter, s.status, `${label}: the last entry's statusAfter`)
      assert.deepStrictEqual(yield* repository.auditTrail(s.handleKey), s.log, `${label}: the stored trail`)
      const before = previous.get(s.handleKey)
      if (!before) continue
      assert.deepStrictEqual(
        s.log.slice(0, before.log.length),
        before.log,
        `${label}: an entry was rewritten or removed`
      )
      assert.isAtLeast(
        s.log.length - before.log.length,
        s.version - before.version,
        `${label}: ${s.version - before.version} writes but ${s.log.length - before.log.length} new entries`
      )
      if (content(s) !== content(before)) {
        assert.isAbove(s.log.length, before.log.length, `${label} changed without an audit entry`)
      }
    }
    const remaining = new Set(current.map((s) => s.handleKey))
    for (const [handleKey, gone] of previous) {
      if (remaining.has(handleKey)) continue
      const trail = yield* repository.auditTrail(handleKey)
      const label = `${where}: deleted ${gone.accountId}/${gone.phoneNumber} (${handleKey})`
      assert.deepStrictEqual(trail.slice(0, gone.log.length), gone.log, `${label}: its trail was rewritten`)
      assert.isAbove(trail.length, gone.log.length, `${label}: the deletion left no audit entry`)
      // Only the owner deletes (never an ACTIVE number), or the sweep a registration never verified.
      if (command.kind === "remove") {
        assert.isTrue(
          sameTarget(command, gone) && gone.status !== "ACTIVE",
          `${label}: removed while ${gone.status}`
        )
        assert.strictEqual(trail.at(-1)?.message, "sender ID deleted", `${label}: the final entry`)
      } else {
        assert.strictEqual(command.kind, "advance", `${label}: vanished`)
        assert.include(
          ["PENDING", "DUPLICATED", "REJECTED"],
          gone.status,
          `${label}: swept away while ${gone.status}`
        )
        assert.strictEqual(
          trail.at(-1)?.message,
          "registration lapsed unverified",
          `${label}: the final entry`
        )
      }
    }
  })

const quietly = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.provideService(References.MinimumLogLevel, "None"),
    Effect.provideService(References.TracerEnabled, false)
  )

const runScenario = (scenario: Scenario) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(NOW)
    const model: Model = { limits: new Map(), proven: new Map(), challenges: [], documents: new Map() }
    for (const [i, account] of ACCOUNTS.entries()) {
      const limit = scenario.limits[i] ?? 1
      yield* openAccount(account, limit)
      model.limits.set(account, limit)
      const approval = yield* upload(account)
      const limitation = yield* upload(account, "SENDERID_LIMITATION")
      model.documents.set(account, { approval: approval.documentId, limitation: limitation.documentId })
    }
    let books = yield* readBooks
    for (const [i, generated] of scenario.commands.entries()) {
      const command = resolve(generated, books)
      const step = yield* execute(command, model, books)
      const where = `step ${i} ${JSON.stringify(command)} → ${step.outcome}${step.error ? ` ${step.error}` : ""}`
      // Sequential commands never race, and the repository never loses its integrity.
      assert.notInclude(["ConcurrentModification", "RepositoryError"], step.error, where)
      const after = yield* readBooks
      yield* checkStep(where, command, step, books, after, model)
      if (command.kind === "advance") {
        const now = yield* Clock.currentTimeMillis
        const lapsed = yield* SenderIdRepository.use((r) => r.listLapsed(now, 100))
        assert.deepStrictEqual(
          lapsed.map((s) => s.handleKey),
          [],
          `${where}: the sweep left lapsed sender IDs`
        )
      }
      books = after
    }
  }).pipe(Effect.provide(Layer.merge(layerMemoryRegistry, TestClock.layer())), quietly)

// ---------------------------------------------------------------------------------------------
// Concurrency: a repository that yields to other fibers a generated number of times before every
// call, so racing use cases interleave between their read and their commit.

const interleavedRegistry = (yields: ReadonlyArray<number>) => {
  const repository = Layer.effect(
    SenderIdRepository,
    Effect.gen(function* () {
      const inner = yield* SenderIdRepository
      let call = 0
      const pause = Effect.suspend(() => {
        const times = yields[call++ % yields.length] ?? 0
        return Effect.forEach(Array.from({ length: times }), () => Effect.yieldNow, { discard: true })
      })
      const paused =
        <Args extends ReadonlyArray<unknown>, A, E>(f: (...args: Args) => Effect.Effect<A, E>) =>
        (...args: Args) =>
          Effect.andThen(
            pause,
            Effect.suspend(() => f(...args))
          )
      return SenderIdRepository.of({
        findAccount: paused(inner.findAccount),
        findBook: paused(inner.findBook),
        findSenderId: paused(inner.findSenderId),
        listSenderIds: paused(inner.listSenderIds),
        listSenderIdPage: paused(inner.listSenderIdPage),
        listUsableNumbers: paused(inner.listUsableNumbers),
        isUsable: paused(inner.isUsable),
        sendingState: paused(inner.sendingState),
        callsPlaced: paused(inner.callsPlaced),
        findHolders: paused(inner.findHolders),
        registrationContext: paused(inner.registrationContext),
        listLapsed: paused(inner.listLapsed),
        listExpiring: paused(inner.listExpiring),
        listPendingReviews: paused(inner.listPendingReviews),
        listAccounts: paused(inner.listAccounts),
        countHeld: paused(inner.countHeld),
        registryStats: paused(inner.registryStats),
        auditTrail: paused(inner.auditTrail),
        findDocument: paused(inner.findDocument),
        listDocuments: paused(inner.listDocuments),
        findChallenge: paused(inner.findChallenge),
        unpublishedEvents: paused(inner.unpublishedEvents),
        commit: paused(inner.commit)
      })
    })
  ).pipe(Layer.provide(SenderIdRepository.layerMemory))
  const ports = Layer.mergeAll(
    repository,
    DocumentBlobStore.layerMemory,
    VoiceCallProvider.layerDevelopment,
    EventPublisher.layerMemory,
    layerMemorySecrets
  )
  return Registry.layer.pipe(Layer.provideMerge(ports))
}

const someYields = fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 32 })

// Property runs are long by design; on a loaded 2-core machine they may take minutes, not seconds.
const PROPERTY_TIMEOUT = { timeout: 600_000 }

describe("registry invariants under random operation sequences", PROPERTY_TIMEOUT, () => {
  it("keep holding across accounts, limits, limit raises, proofs of ownership and audit logs after every step", async () => {
    await fc.assert(
      fc.asyncProperty(aScenario, (scenario) => Effect.runPromise(runScenario(scenario))),
      { numRuns: RUNS }
    )
  })
})

describe("registry invariants under concurrency", PROPERTY_TIMEOUT, () => {
  it("admits exactly min(limit, n) of n concurrent registrations and refuses the rest with SenderIdLimitReached", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 30 }),
        someYields,
        (limit, n, yields) =>
          Effect.runPromise(
            Effect.gen(function* () {
              yield* openAccount("A", limit)
              const numbers = Array.from({ length: n }, (_, i) => `0102345${1000 + i}`)
              const outcomes = yield* Effect.all(
                numbers.map((number) => tagOf(register("A", number))),
                { concurrency: "unbounded" }
              )
              const admitted = Math.min(limit, n)
              assert.strictEqual(outcomes.filter((o) => o === "success").length, admitted)
              assert.deepStrictEqual(
                outcomes.filter((o) => o !== "success"),
                Array.from({ length: n - admitted }, () => "SenderIdLimitReached")
              )
              const book = yield* SenderIds.use((s) => s.book("A"))
              assert.strictEqual(book.senderIds.length, admitted)
            }).pipe(Effect.provide(interleavedRegistry(yields)), quietly)
          )
      ),
      { numRuns: CONCURRENT_REGISTRATION_RUNS }
    )
  })

  it("completes one ARS challenge once when several requests race with the right PIN", async () => {
    const number = "01023456781"
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), someYields, (fibers, yields) =>
        Effect.runPromise(
          Effect.gen(function* () {
            yield* openAccount("A")
            yield* register("A", number)
            const { transactionId, pin } = yield* callNumber("A", number)
            const outcomes = yield* Effect.all(
              Array.from({ length: fibers }, () =>
                tagOf(SenderIds.use((s) => s.completeArs("A", number, { transactionId, token: pin })))
              ),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(
              outcomes.filter((o) => o === "success").length,
              1,
              `outcomes: ${outcomes.join(", ")}`
            )
            for (const outcome of outcomes.filter((o) => o !== "success")) {
              assert.strictEqual(outcome, "ChallengeAlreadyUsed")
            }
            const challenge = yield* SenderIdRepository.use((r) => r.findChallenge(transactionId))
            assert.strictEqual(Option.getOrThrow(challenge).status, "COMPLETED")
            const senderId = yield* SenderIds.use((s) => s.get("A", number))
            assert.strictEqual(senderId.status, "ACTIVE")
            assert.strictEqual(senderId.log.filter((e) => e.message === "verified by ARS call").length, 1)
          }).pipe(Effect.provide(interleavedRegistry(yields)), quietly)
        )
      ),
      { numRuns: CONCURRENT_ARS_RUNS }
    )
  })
})
