/**
 * The conformance suite every `SenderIdRepository` adapter must pass: round-trip fidelity, the
 * invariants `commit` enforces (limit, one registration per account, one holder per number,
 * optimistic versions, append-only audit), all-or-nothing batches, document paging, the outbox,
 * the operator's reads and registry counts, and the same invariants under 200 concurrent writers.
 * Run it against an empty database.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { SecureRandom } from "effect/crypto"
import * as Eligibility from "../Eligibility.ts"
import { PinHasher } from "../PinHasher.ts"
import * as Review from "../Review.ts"
import { ReviewKind } from "../Review.ts"
import { Reviews } from "../Reviews.ts"
import {
  type BookPosition,
  bookOrder,
  isUsable,
  parseBookCursor,
  type SenderId,
  SenderIdStatus
} from "../SenderId.ts"
import { RepositoryError } from "../SenderIdError.ts"
import type {
  BookQuery,
  Change,
  RegistryCounts,
  ReviewQuery,
  SenderIdRepositoryShape,
  StatsQuery
} from "../SenderIdRepository.ts"
import { SenderIdRepository } from "../SenderIdRepository.ts"
import { SenderIds } from "../SenderIds.ts"
import * as VoiceCallProvider from "../VoiceCallProvider.ts"
import * as Fixture from "./fixtures.ts"

export interface ConformanceOptions {
  /** Concurrent writers in the race tests (default 200). */
  readonly concurrency?: number
}

const commit = (...changes: ReadonlyArray<Change>) =>
  SenderIdRepository.use((repository) => repository.commit(changes))

const withRepository = <A, E>(f: (repository: SenderIdRepositoryShape) => Effect.Effect<A, E>) =>
  SenderIdRepository.use(f)

const openAccount = (limit = 5) =>
  Effect.gen(function* () {
    const account = Fixture.account({ limit })
    yield* commit({ _tag: "InsertAccount", account })
    return account
  })

/** How the counts moved from `before` to `after`, key by key. */
const difference = (after: RegistryCounts, before: RegistryCounts) => {
  const each = <K extends string>(a: Readonly<Record<K, number>>, b: Readonly<Record<K, number>>) =>
    Object.fromEntries(Object.entries<number>(a).map(([key, n]) => [key, n - (b[key as K] ?? 0)]))
  return {
    accounts: after.accounts - before.accounts,
    suspendedAccounts: after.suspendedAccounts - before.suspendedAccounts,
    senderIds: each(after.senderIds, before.senderIds),
    reviews: each(after.reviews, before.reviews),
    expiringByWeek: after.expiringByWeek.map((n, week) => n - (before.expiringByWeek[week] ?? 0))
  }
}

/** The adapter, except that its `failing`-th commit (counting from 1) fails as a dropped connection
 * would, before reaching the engine. */
const failingCommit = (repository: SenderIdRepositoryShape, failing: number): SenderIdRepositoryShape => {
  let commits = 0
  return {
    ...repository,
    commit: (changes) =>
      ++commits === failing
        ? Effect.fail(new RepositoryError({ operation: "commit", cause: new Error("connection lost") }))
        : repository.commit(changes)
  }
}

/** The customer's and the operator's use cases over the given repository. */
const useCasesOn = (repository: SenderIdRepositoryShape) =>
  Layer.mergeAll(SenderIds.layer, Reviews.layer).pipe(
    Layer.provide(
      Layer.mergeAll(
        Layer.succeed(SenderIdRepository, repository),
        VoiceCallProvider.layerDevelopment,
        PinHasher.layerMemory.pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))
      )
    )
  )

const failureTag = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "success" as const }))

export const repositoryConformance = (
  name: string,
  repositoryLayer: Layer.Layer<SenderIdRepository, unknown>,
  options: ConformanceOptions = {}
): void => {
  const concurrency = options.concurrency ?? 200

  // Live services: adapters retry transient engine errors on the real clock.
  layer(repositoryLayer, { timeout: "120 seconds", excludeTestServices: true })(
    `SenderIdRepository conformance: ${name}`,
    (it) => {
      describe("accounts", () => {
        it.effect("stores an account and reads it back unchanged", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(7)
            const found = yield* withRepository((r) => r.findAccount(account.accountId))
            assert.deepStrictEqual(Option.getOrThrow(found), account)
          })
        )

        it.effect("stores an account's suspension and reads it back unchanged", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(7)
            const suspended = {
              ...account,
              suspension: { reason: "미납", operatorId: "alice", since: Fixture.NOW }
            }
            yield* commit({ _tag: "UpdateAccount", account: suspended })
            const found = Option.getOrThrow(yield* withRepository((r) => r.findAccount(account.accountId)))
            assert.deepStrictEqual(found, { ...suspended, version: account.version + 1 })
          })
        )

        it.effect("reports a missing account as none", () =>
          Effect.gen(function* () {
            const found = yield* withRepository((r) => r.findAccount(Fixture.accountId()))
            assert.isTrue(Option.isNone(found))
          })
        )

        it.effect("refuses to open the same account twice", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            assert.strictEqual(
              yield* failureTag(commit({ _tag: "InsertAccount", account })),
              "AccountAlreadyExists"
            )
          })
        )

        it.effect("bumps the version on update and refuses a stale one", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(2)
            yield* commit({ _tag: "UpdateAccount", account: { ...account, limit: 3 } })
            const stored = Option.getOrThrow(yield* withRepository((r) => r.findAccount(account.accountId)))
            assert.strictEqual(stored.limit, 3)
            assert.strictEqual(stored.version, account.version + 1)
            const stale = yield* failureTag(
              commit({ _tag: "UpdateAccount", account: { ...account, limit: 9 } })
            )
            assert.strictEqual(stale, "ConcurrentModification")
          })
        )

        it.effect("refuses to lower a limit below the sender IDs the account holds", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(3)
            yield* commit(
              { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) },
              { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) }
            )
            const lowered = yield* failureTag(
              commit({ _tag: "UpdateAccount", account: { ...account, limit: 1 } })
            )
            assert.strictEqual(lowered, "LimitBelowHeld")
          })
        )
      })

      describe("sender IDs", () => {
        it.effect("stores a sender ID with its whole history and reads it back unchanged", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const base = Fixture.senderId(account.accountId)
            const rich = {
              ...base,
              autoExtension: true,
              approvalDocuments: [
                {
                  approvalId: "APD20270115080000AAAAAAAAAAAAAAA",
                  documents: ["DOC20270115080000AAAAAAAAAAAAAAA"],
                  status: "REJECTED" as const,
                  reason: "사업자등록증이 흐립니다",
                  dateCreated: Fixture.NOW,
                  dateUpdated: Fixture.NOW + 5
                }
              ],
              unlockDuplicate: {
                duplicateId: "DUP20270115080000AAAAAAAAAAAAAAA",
                reasonForRequested: "번호 이전",
                name: null,
                status: "PENDING" as const,
                reason: null,
                dateCreated: Fixture.NOW,
                dateUpdated: Fixture.NOW,
                consumedAt: null
              },
              arsCall: {
                transactionId: "ARS20270115080000AAAAAAAAAAAAAAA",
                placedAt: Fixture.NOW,
                callsInWindow: 2,
                windowStartedAt: Fixture.NOW - 60_000
              },
              suspension: { reason: "스팸 신고", operatorId: "alice", since: Fixture.NOW + 3 },
              // Entries made through the API carry the key and the request; the sweep's carry neither.
              log: [
                {
                  ...(base.log[0] as SenderId["log"][number]),
                  actor: { type: "ACCOUNT" as const, id: account.accountId, apiKey: "NCSAYU7YDBXYORXC" },
                  requestId: "0f6c1c1e-7a3e-4c8e-9d1b-2a8f3c4d5e6f"
                },
                {
                  createAt: Fixture.NOW + 1,
                  message: "reviewed",
                  actor: { type: "OPERATOR" as const, id: "alice", apiKey: "NCSOPERATOR0001" },
                  statusBefore: "PENDING",
                  statusAfter: "PENDING",
                  requestId: "req-2"
                },
                {
                  createAt: Fixture.NOW + 2,
                  message: "swept",
                  actor: { type: "SYSTEM" as const, id: "senderid" },
                  statusBefore: "PENDING",
                  statusAfter: "PENDING"
                }
              ]
            }
            yield* commit({ _tag: "InsertSenderId", senderId: rich })
            const found = yield* withRepository((r) => r.findSenderId(account.accountId, rich.phoneNumber))
            assert.deepStrictEqual(Option.getOrThrow(found), rich)
          })
        )

        it.effect("lists an account's book oldest first and only its own", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const other = yield* openAccount()
            const first = { ...Fixture.senderId(account.accountId), dateCreated: Fixture.NOW }
            const second = { ...Fixture.senderId(account.accountId), dateCreated: Fixture.NOW + 10 }
            yield* commit(
              { _tag: "InsertSenderId", senderId: second },
              { _tag: "InsertSenderId", senderId: first }
            )
            yield* commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(other.accountId) })
            const book = yield* withRepository((r) => r.listSenderIds(account.accountId))
            assert.deepStrictEqual(
              book.map((s) => s.handleKey),
              [first.handleKey, second.handleKey]
            )
          })
        )

        it.effect("reads an account with its whole book as findAccount and listSenderIds do", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const other = yield* openAccount()
            const first = { ...Fixture.senderId(account.accountId), dateCreated: Fixture.NOW }
            const second = { ...Fixture.senderId(account.accountId), dateCreated: Fixture.NOW + 10 }
            yield* commit(
              { _tag: "InsertSenderId", senderId: second },
              { _tag: "InsertSenderId", senderId: first }
            )
            yield* commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(other.accountId) })
            const book = yield* withRepository((r) => r.findBook(account.accountId))
            assert.deepStrictEqual(
              book,
              Option.some({
                account: Option.getOrThrow(yield* withRepository((r) => r.findAccount(account.accountId))),
                senderIds: yield* withRepository((r) => r.listSenderIds(account.accountId))
              })
            )
            assert.deepStrictEqual(
              Option.map(book, (b) => b.senderIds.map((s) => s.handleKey)),
              Option.some([first.handleKey, second.handleKey])
            )
            const empty = yield* openAccount()
            assert.deepStrictEqual(
              yield* withRepository((r) => r.findBook(empty.accountId)),
              Option.some({ account: empty, senderIds: [] })
            )
            assert.isTrue(Option.isNone(yield* withRepository((r) => r.findBook(Fixture.accountId()))))
          })
        )

        it.effect("tells a new registration whether the account has the number and who holds it", () =>
          Effect.gen(function* () {
            const a = yield* openAccount()
            const b = yield* openAccount()
            const number = Fixture.phoneNumber()
            const context = (accountId: string) =>
              withRepository((r) => r.registrationContext(accountId, number))
            assert.deepStrictEqual(yield* context(a.accountId), { registered: false, holderAccounts: [] })
            yield* commit({
              _tag: "InsertSenderId",
              senderId: Fixture.senderId(a.accountId, { phoneNumber: number, status: "PENDING" })
            })
            assert.deepStrictEqual(yield* context(a.accountId), { registered: true, holderAccounts: [] })
            yield* commit({
              _tag: "InsertSenderId",
              senderId: Fixture.senderId(b.accountId, { phoneNumber: number, status: "ACTIVE" })
            })
            assert.deepStrictEqual(yield* context(a.accountId), {
              registered: true,
              holderAccounts: [b.accountId]
            })
            assert.deepStrictEqual(yield* context(b.accountId), {
              registered: true,
              holderAccounts: [b.accountId]
            })
            assert.deepStrictEqual(yield* context(Fixture.accountId()), {
              registered: false,
              holderAccounts: [b.accountId]
            })
          })
        )

        it.effect("refuses a sender ID for an account that does not exist", () =>
          Effect.gen(function* () {
            const result = yield* failureTag(
              commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(Fixture.accountId()) })
            )
            assert.strictEqual(result, "AccountNotFound")
          })
        )

        it.effect("refuses the same number twice in one account", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const first = Fixture.senderId(account.accountId)
            yield* commit({ _tag: "InsertSenderId", senderId: first })
            const again = Fixture.senderId(account.accountId, { phoneNumber: first.phoneNumber })
            assert.strictEqual(
              yield* failureTag(commit({ _tag: "InsertSenderId", senderId: again })),
              "SenderIdAlreadyRegistered"
            )
          })
        )

        it.effect("refuses a sender ID beyond the account's limit, counting every status", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(2)
            yield* commit(
              {
                _tag: "InsertSenderId",
                senderId: Fixture.senderId(account.accountId, { status: "EXPIRED" })
              },
              {
                _tag: "InsertSenderId",
                senderId: Fixture.senderId(account.accountId, { status: "REJECTED" })
              }
            )
            const third = yield* failureTag(
              commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) })
            )
            assert.strictEqual(third, "SenderIdLimitReached")
          })
        )

        it.effect("frees a slot when a sender ID is deleted", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(1)
            const first = Fixture.senderId(account.accountId)
            yield* commit({ _tag: "InsertSenderId", senderId: first })
            yield* commit({ _tag: "DeleteSenderId", senderId: Fixture.changed(first, {}, "deleted") })
            yield* commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) })
            const book = yield* withRepository((r) => r.listSenderIds(account.accountId))
            assert.strictEqual(book.length, 1)
          })
        )

        it.effect("bumps the version on update and refuses a stale update or delete", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const original = Fixture.senderId(account.accountId)
            yield* commit({ _tag: "InsertSenderId", senderId: original })
            yield* commit({
              _tag: "UpdateSenderId",
              senderId: Fixture.changed(original, { autoExtension: true })
            })
            const stored = Option.getOrThrow(
              yield* withRepository((r) => r.findSenderId(account.accountId, original.phoneNumber))
            )
            assert.strictEqual(stored.version, original.version + 1)
            assert.isTrue(stored.autoExtension)
            const staleUpdate = Fixture.changed(original, { status: "REJECTED" })
            assert.strictEqual(
              yield* failureTag(commit({ _tag: "UpdateSenderId", senderId: staleUpdate })),
              "ConcurrentModification"
            )
            assert.strictEqual(
              yield* failureTag(commit({ _tag: "DeleteSenderId", senderId: staleUpdate })),
              "ConcurrentModification"
            )
          })
        )
      })

      describe("book pages", () => {
        /** Every page from `start` on, `limit` at a time; `between` runs after each page. */
        const walk = (
          accountId: string,
          query: Omit<BookQuery, "start">,
          between: (pageNumber: number) => Effect.Effect<void, unknown, SenderIdRepository> = () =>
            Effect.void
        ) =>
          Effect.gen(function* () {
            const seen: Array<SenderId> = []
            let start: BookPosition | undefined
            for (let pageNumber = 1; pageNumber < 1_000; pageNumber++) {
              const page = yield* withRepository((r) =>
                r.listSenderIdPage(accountId, start === undefined ? query : { ...query, start })
              )
              assert.isAtMost(page.items.length, query.limit)
              seen.push(...page.items)
              if (page.nextKey === null) return seen
              assert.lengthOf(page.items, query.limit, "only the last page is short")
              start = parseBookCursor(page.nextKey)
              assert.isDefined(start, `an opaque key made by bookCursor: ${page.nextKey}`)
              yield* between(pageNumber)
            }
            return assert.fail("the walk never ended")
          })
        const keys = (senderIds: ReadonlyArray<SenderId>) => senderIds.map((s) => s.handleKey)
        const inBookOrder = (senderIds: ReadonlyArray<SenderId>) => keys([...senderIds].sort(bookOrder))

        it.effect("pages a book in its order, numbers registered in the same millisecond by handle key", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(20)
            const other = yield* openAccount()
            // Seven registered in one millisecond, one before and one after; inserted out of order.
            const tied = Array.from({ length: 7 }, () => Fixture.senderId(account.accountId))
            const earlier = { ...Fixture.senderId(account.accountId), dateCreated: Fixture.NOW - 1 }
            const later = { ...Fixture.senderId(account.accountId), dateCreated: Fixture.NOW + 1 }
            const book = [later, ...tied.toReversed(), earlier]
            yield* commit(...book.map((senderId) => ({ _tag: "InsertSenderId" as const, senderId })))
            yield* commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(other.accountId) })
            const whole = keys(yield* withRepository((r) => r.listSenderIds(account.accountId)))
            assert.deepStrictEqual(whole, inBookOrder(book))
            for (const limit of [1, 2, 3, 9, 10]) {
              assert.deepStrictEqual(keys(yield* walk(account.accountId, { limit })), whole, `limit ${limit}`)
            }
            // Read again, the same pages: the order does not change from read to read.
            assert.deepStrictEqual(keys(yield* walk(account.accountId, { limit: 2 })), whole)
            const empty = yield* withRepository((r) => r.listSenderIdPage(Fixture.accountId(), { limit: 5 }))
            assert.deepStrictEqual(empty, { items: [], nextKey: null })
          })
        )

        it.effect("pages the numbers of one status, in the book's order", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(20)
            const statuses = [
              "ACTIVE",
              "PENDING",
              "ACTIVE",
              "INACTIVE",
              "ACTIVE",
              "ACTIVE",
              "PENDING"
            ] as const
            const book = statuses.map((status) => Fixture.senderId(account.accountId, { status }))
            yield* commit(...book.map((senderId) => ({ _tag: "InsertSenderId" as const, senderId })))
            for (const status of ["ACTIVE", "PENDING", "EXPIRED"] as const) {
              const expected = inBookOrder(book.filter((s) => s.status === status))
              const found = yield* walk(account.accountId, { status, limit: 2 })
              assert.deepStrictEqual(keys(found), expected, status)
              // Read back whole, as stored.
              for (const senderId of found) {
                assert.deepStrictEqual(
                  senderId,
                  book.find((s) => s.handleKey === senderId.handleKey)
                )
              }
            }
          })
        )

        it.effect("walks to the end once while numbers are registered and deleted between pages", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(20)
            const owner = account.accountId
            const book = Array.from({ length: 8 }, () => Fixture.senderId(owner)).sort(bookOrder)
            yield* commit(...book.map((senderId) => ({ _tag: "InsertSenderId" as const, senderId })))
            const nth = (n: number) => book[n - 1] as SenderId
            // In the same millisecond as the next page's first number (the 4th), but sorting before it.
            const behind = { ...Fixture.senderId(owner), handleKey: `SEA${nth(4).handleKey.slice(3)}` }
            const registeredLater = { ...Fixture.senderId(owner), dateCreated: Fixture.NOW + 1_000 }
            const seen = yield* walk(owner, { limit: 3 }, (pageNumber) =>
              pageNumber === 1
                ? commit(
                    // The number the next page starts at, one further on, and one already read.
                    { _tag: "DeleteSenderId", senderId: nth(4) },
                    { _tag: "DeleteSenderId", senderId: nth(6) },
                    { _tag: "DeleteSenderId", senderId: nth(2) },
                    { _tag: "InsertSenderId", senderId: behind },
                    { _tag: "InsertSenderId", senderId: registeredLater }
                  )
                : Effect.void
            )
            assert.deepStrictEqual(keys(seen), keys([1, 2, 3, 5, 7, 8].map(nth).concat(registeredLater)))
          })
        )
      })

      describe("one holder per number", () => {
        it.effect("refuses to activate a number another account holds ACTIVE or INACTIVE", () =>
          Effect.gen(function* () {
            const holder = yield* openAccount()
            const claimant = yield* openAccount()
            const number = Fixture.phoneNumber()
            yield* commit({
              _tag: "InsertSenderId",
              senderId: Fixture.senderId(holder.accountId, { phoneNumber: number, status: "INACTIVE" })
            })
            const pending = Fixture.senderId(claimant.accountId, {
              phoneNumber: number,
              status: "DUPLICATED"
            })
            yield* commit({ _tag: "InsertSenderId", senderId: pending })
            const activation = Fixture.changed(pending, { status: "ACTIVE", method: "ARS" })
            assert.strictEqual(
              yield* failureTag(commit({ _tag: "UpdateSenderId", senderId: activation })),
              "NumberHeldByAnotherAccount"
            )
            const holders = yield* withRepository((r) => r.findHolders(number))
            assert.deepStrictEqual(
              holders.map((s) => s.accountId),
              [holder.accountId]
            )
          })
        )

        it.effect("lets one commit move the number from its holder to another account", () =>
          Effect.gen(function* () {
            const holder = yield* openAccount()
            const claimant = yield* openAccount()
            const number = Fixture.phoneNumber()
            const held = Fixture.senderId(holder.accountId, { phoneNumber: number, status: "ACTIVE" })
            const claim = Fixture.senderId(claimant.accountId, { phoneNumber: number, status: "PENDING" })
            yield* commit(
              { _tag: "InsertSenderId", senderId: held },
              { _tag: "InsertSenderId", senderId: claim }
            )
            yield* commit(
              {
                _tag: "UpdateSenderId",
                senderId: Fixture.changed(held, { status: "DUPLICATED", method: null })
              },
              {
                _tag: "UpdateSenderId",
                senderId: Fixture.changed(claim, { status: "ACTIVE", method: "DOCUMENT" })
              }
            )
            const holders = yield* withRepository((r) => r.findHolders(number))
            assert.deepStrictEqual(
              holders.map((s) => s.accountId),
              [claimant.accountId]
            )
          })
        )

        it.effect("refuses to insert a held number as ACTIVE for a second account", () =>
          Effect.gen(function* () {
            const a = yield* openAccount()
            const b = yield* openAccount()
            const number = Fixture.phoneNumber()
            yield* commit({
              _tag: "InsertSenderId",
              senderId: Fixture.senderId(a.accountId, { phoneNumber: number, status: "ACTIVE" })
            })
            const second = Fixture.senderId(b.accountId, { phoneNumber: number, status: "ACTIVE" })
            assert.strictEqual(
              yield* failureTag(commit({ _tag: "InsertSenderId", senderId: second })),
              "NumberHeldByAnotherAccount"
            )
          })
        )
      })

      describe("audit trail", () => {
        it.effect("keeps every entry, in order, after the sender ID is deleted", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const created = Fixture.senderId(account.accountId)
            yield* commit({ _tag: "InsertSenderId", senderId: created })
            const switched = Fixture.changed(created, { status: "REJECTED" }, "evidence rejected: 흐림")
            yield* commit({ _tag: "UpdateSenderId", senderId: switched })
            const deleted = Fixture.changed({ ...switched, version: switched.version + 1 }, {}, "deleted")
            yield* commit({ _tag: "DeleteSenderId", senderId: deleted })
            const trail = yield* withRepository((r) => r.auditTrail(created.handleKey))
            assert.deepStrictEqual(trail, deleted.log)
            const gone = yield* withRepository((r) => r.findSenderId(account.accountId, created.phoneNumber))
            assert.isTrue(Option.isNone(gone))
          })
        )

        it.effect("refuses an update that drops audit entries", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const created = Fixture.senderId(account.accountId)
            yield* commit({ _tag: "InsertSenderId", senderId: created })
            const rewritten = { ...created, log: [] }
            const result = yield* failureTag(commit({ _tag: "UpdateSenderId", senderId: rewritten }))
            assert.notStrictEqual(result, "success")
            const trail = yield* withRepository((r) => r.auditTrail(created.handleKey))
            assert.deepStrictEqual(trail, created.log)
          })
        )
      })

      describe("all or nothing", () => {
        it.effect("applies nothing from a batch when one change is refused", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(1)
            const first = Fixture.senderId(account.accountId)
            const event = Fixture.event(account.accountId)
            const document = Fixture.document(account.accountId)
            const result = yield* failureTag(
              commit(
                { _tag: "InsertDocument", document },
                { _tag: "InsertSenderId", senderId: first },
                { _tag: "AppendEvent", event },
                { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) }
              )
            )
            assert.strictEqual(result, "SenderIdLimitReached")
            assert.strictEqual((yield* withRepository((r) => r.listSenderIds(account.accountId))).length, 0)
            assert.isTrue(Option.isNone(yield* withRepository((r) => r.findDocument(document.documentId))))
            assert.deepStrictEqual(yield* withRepository((r) => r.auditTrail(first.handleKey)), [])
            const outbox = yield* withRepository((r) => r.unpublishedEvents(10_000))
            assert.isFalse(outbox.some((e) => e.eventId === event.eventId))
          })
        )
        // The shape of every registration's commit (adapters may compile it into one statement).
        it.effect("applies nothing from a registration with its events when the number is held", () =>
          Effect.gen(function* () {
            const holder = yield* openAccount()
            const account = yield* openAccount(1)
            const number = Fixture.phoneNumber()
            yield* commit({
              _tag: "InsertSenderId",
              senderId: Fixture.senderId(holder.accountId, { phoneNumber: number, status: "ACTIVE" })
            })
            const refused = Fixture.senderId(account.accountId, { phoneNumber: number, status: "ACTIVE" })
            const event = Fixture.event(account.accountId)
            assert.strictEqual(
              yield* failureTag(
                commit({ _tag: "InsertSenderId", senderId: refused }, { _tag: "AppendEvent", event })
              ),
              "NumberHeldByAnotherAccount"
            )
            assert.deepStrictEqual(yield* withRepository((r) => r.auditTrail(refused.handleKey)), [])
            const outbox = yield* withRepository((r) => r.unpublishedEvents(10_000))
            assert.isFalse(outbox.some((e) => e.eventId === event.eventId))
            // The slot it took went back with it: the account's one slot is still free.
            assert.deepStrictEqual(
              yield* withRepository((r) => r.countHeld([account.accountId])),
              new Map([[account.accountId, 0]])
            )
            yield* commit(
              { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) },
              { _tag: "AppendEvent", event: Fixture.event(account.accountId) }
            )
            assert.strictEqual(
              yield* failureTag(
                commit(
                  { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) },
                  { _tag: "AppendEvent", event: Fixture.event(account.accountId) }
                )
              ),
              "SenderIdLimitReached"
            )
          })
        )
      })

      describe("documents", () => {
        it.effect("stores, updates and deletes document metadata", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const document = Fixture.document(account.accountId, {
              category: "SENDERID_LIMITATION",
              fileType: "png"
            })
            yield* commit({ _tag: "InsertDocument", document })
            assert.deepStrictEqual(
              Option.getOrThrow(yield* withRepository((r) => r.findDocument(document.documentId))),
              document
            )
            yield* commit({ _tag: "UpdateDocument", document: { ...document, use: true } })
            assert.isTrue(
              Option.getOrThrow(yield* withRepository((r) => r.findDocument(document.documentId))).use
            )
            yield* commit({ _tag: "DeleteDocument", documentId: document.documentId })
            assert.isTrue(Option.isNone(yield* withRepository((r) => r.findDocument(document.documentId))))
          })
        )

        it.effect("pages an account's documents by startKey and filters them", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const other = yield* openAccount()
            const documents = Array.from({ length: 5 }, (_, i) =>
              Fixture.document(account.accountId, {
                dateCreated: Fixture.NOW + i,
                category: i % 2 === 0 ? "SENDERID_APPROVAL" : "SENDERID_LIMITATION",
                use: i === 4
              })
            )
            yield* commit(...documents.map((document) => ({ _tag: "InsertDocument" as const, document })), {
              _tag: "InsertDocument",
              document: Fixture.document(other.accountId)
            })
            const ids = documents.map((d) => d.documentId).sort()
            const first = yield* withRepository((r) => r.listDocuments(account.accountId, { limit: 2 }))
            assert.deepStrictEqual(
              first.items.map((d) => d.documentId),
              ids.slice(0, 2)
            )
            assert.strictEqual(first.nextKey, ids[2])
            const last = yield* withRepository((r) =>
              r.listDocuments(account.accountId, { limit: 2, startKey: ids[4] as string })
            )
            assert.deepStrictEqual(
              last.items.map((d) => d.documentId),
              ids.slice(4)
            )
            assert.isNull(last.nextKey)
            const limitation = yield* withRepository((r) =>
              r.listDocuments(account.accountId, { limit: 10, category: "SENDERID_LIMITATION" })
            )
            assert.strictEqual(limitation.items.length, 2)
            const used = yield* withRepository((r) =>
              r.listDocuments(account.accountId, { limit: 10, use: true })
            )
            assert.deepStrictEqual(
              used.items.map((d) => d.documentId),
              [documents[4]?.documentId]
            )
            const window = yield* withRepository((r) =>
              r.listDocuments(account.accountId, { limit: 10, from: Fixture.NOW + 1, to: Fixture.NOW + 2 })
            )
            assert.strictEqual(window.items.length, 2)
            const one = yield* withRepository((r) =>
              r.listDocuments(account.accountId, {
                limit: 10,
                documentId: documents[3]?.documentId as string
              })
            )
            assert.strictEqual(one.items.length, 1)
          })
        )
      })

      describe("ARS challenges", () => {
        it.effect("stores a challenge and lets exactly one stale writer lose", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const target = Fixture.senderId(account.accountId)
            const challenge = Fixture.challenge(account.accountId, target)
            yield* commit({ _tag: "InsertChallenge", challenge })
            assert.deepStrictEqual(
              Option.getOrThrow(yield* withRepository((r) => r.findChallenge(challenge.transactionId))),
              challenge
            )
            yield* commit({ _tag: "UpdateChallenge", challenge: { ...challenge, status: "COMPLETED" } })
            const stale = yield* failureTag(
              commit({ _tag: "UpdateChallenge", challenge: { ...challenge, attempts: 1 } })
            )
            assert.strictEqual(stale, "ConcurrentModification")
            const stored = Option.getOrThrow(
              yield* withRepository((r) => r.findChallenge(challenge.transactionId))
            )
            assert.strictEqual(stored.status, "COMPLETED")
            assert.strictEqual(stored.version, 1)
          })
        )

        it.effect("finds the calls placed to a number since a time, from any account, newest first", () =>
          Effect.gen(function* () {
            const a = yield* openAccount()
            const b = yield* openAccount()
            const target = Fixture.senderId(a.accountId)
            const other = Fixture.senderId(b.accountId, { phoneNumber: target.phoneNumber })
            const elsewhere = Fixture.senderId(a.accountId)
            const at = (owner: string, on: typeof target, dateCreated: number) => ({
              ...Fixture.challenge(owner, on),
              dateCreated,
              dateUpdated: dateCreated
            })
            for (const challenge of [
              at(a.accountId, target, Fixture.NOW - 90_000_000),
              at(a.accountId, target, Fixture.NOW - 3_600_000),
              at(b.accountId, other, Fixture.NOW - 60_000),
              at(a.accountId, elsewhere, Fixture.NOW - 30_000)
            ]) {
              yield* commit({ _tag: "InsertChallenge", challenge })
            }
            const since = Fixture.NOW - 86_400_000
            assert.deepStrictEqual(yield* withRepository((r) => r.callsPlaced(target.phoneNumber, since)), [
              Fixture.NOW - 60_000,
              Fixture.NOW - 3_600_000
            ])
            assert.deepStrictEqual(yield* withRepository((r) => r.callsPlaced("0299999999", since)), [])
          })
        )
      })

      describe("outbox and expiry queries", () => {
        it.effect("keeps events unpublished in commit order until marked", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const first = Fixture.event(account.accountId)
            const second = Fixture.event(account.accountId)
            yield* commit({ _tag: "AppendEvent", event: first })
            yield* commit({ _tag: "AppendEvent", event: second })
            const pending = yield* withRepository((r) => r.unpublishedEvents(100_000))
            const mine = pending.filter((e) => e.accountId === account.accountId)
            assert.deepStrictEqual(mine, [first, second])
            yield* commit({ _tag: "MarkEventsPublished", eventIds: [first.eventId] })
            const after = yield* withRepository((r) => r.unpublishedEvents(100_000))
            assert.deepStrictEqual(
              after.filter((e) => e.accountId === account.accountId),
              [second]
            )
          })
        )

        it.effect("lists lapsed sender IDs, not EXPIRED ones or those still valid", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const lapsed = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: 10 })
            const expired = Fixture.senderId(account.accountId, { status: "EXPIRED", expireAt: 10 })
            const valid = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: 30 })
            const never = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: null })
            yield* commit(
              ...[lapsed, expired, valid, never].map((senderId) => ({
                _tag: "InsertSenderId" as const,
                senderId
              }))
            )
            const found = yield* withRepository((r) => r.listLapsed(20, 100_000))
            const mine = found.filter((s) => s.accountId === account.accountId).map((s) => s.handleKey)
            assert.deepStrictEqual(mine, [lapsed.handleKey])
          })
        )
      })

      describe("operator queries", () => {
        it.effect("lists holders whose verification lapses in a window, soonest first", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(9)
            const soon = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: 200 })
            const later = Fixture.senderId(account.accountId, { status: "INACTIVE", expireAt: 250 })
            const atEnd = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: 300 })
            const before = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: 99 })
            const pending = Fixture.senderId(account.accountId, { status: "PENDING", expireAt: 150 })
            const expired = Fixture.senderId(account.accountId, { status: "EXPIRED", expireAt: 150 })
            yield* commit(
              ...[later, soon, atEnd, before, pending, expired].map((senderId) => ({
                _tag: "InsertSenderId" as const,
                senderId
              }))
            )
            const found = yield* withRepository((r) =>
              r.listExpiring({ from: 100, to: 300, accountId: account.accountId, limit: 10 })
            )
            assert.deepStrictEqual(
              found.map((s) => s.handleKey),
              [soon.handleKey, later.handleKey]
            )
            assert.deepStrictEqual(found[0], soon)
            const first = yield* withRepository((r) =>
              r.listExpiring({ from: 100, to: 301, accountId: account.accountId, limit: 1 })
            )
            assert.deepStrictEqual(
              first.map((s) => s.handleKey),
              [soon.handleKey]
            )
          })
        )

        it.effect("queues pending reviews of every kind, oldest first, and drops decided ones", () =>
          Effect.gen(function* () {
            const opened = yield* openAccount(9)
            const accountId = opened.accountId
            const review = (dateCreated: number) => ({
              status: "PENDING" as const,
              reason: null,
              dateCreated,
              dateUpdated: dateCreated
            })
            const evidence = Fixture.changed(Fixture.senderId(accountId), {
              approvalDocuments: [
                { approvalId: `APD-${accountId}-1`, documents: [], ...review(30), status: "REJECTED" },
                { approvalId: `APD-${accountId}-2`, documents: ["DOC1"], ...review(40) }
              ]
            })
            const unlock = Fixture.changed(Fixture.senderId(accountId, { status: "DUPLICATED" }), {
              unlockDuplicate: {
                duplicateId: `DUP-${accountId}`,
                reasonForRequested: "번호 이전",
                name: null,
                ...review(10),
                consumedAt: null
              }
            })
            yield* commit(
              { _tag: "InsertSenderId", senderId: evidence },
              { _tag: "InsertSenderId", senderId: unlock }
            )
            const account = {
              ...opened,
              limitationRequests: [
                {
                  limitationId: `LIM-${accountId}`,
                  documents: [],
                  limitRequested: 20,
                  limitBeforeRequest: 9,
                  ...review(20)
                }
              ]
            }
            yield* commit({ _tag: "UpdateAccount", account })

            const queue = (query: Partial<ReviewQuery> = {}) =>
              withRepository((r) => r.listPendingReviews({ accountId, limit: 10, ...query }))
            const all = yield* queue()
            assert.deepStrictEqual(all.items, [
              {
                kind: "DUPLICATE_UNLOCK",
                reviewId: `DUP-${accountId}`,
                accountId,
                handleKey: unlock.handleKey,
                phoneNumber: unlock.phoneNumber,
                dateCreated: 10
              },
              {
                kind: "LIMITATION",
                reviewId: `LIM-${accountId}`,
                accountId,
                handleKey: null,
                phoneNumber: null,
                dateCreated: 20
              },
              {
                kind: "EVIDENCE",
                reviewId: `APD-${accountId}-2`,
                accountId,
                handleKey: evidence.handleKey,
                phoneNumber: evidence.phoneNumber,
                dateCreated: 40
              }
            ])
            assert.isNull(all.nextKey)

            const evidenceOnly = yield* queue({ kind: "EVIDENCE" })
            assert.deepStrictEqual(
              evidenceOnly.items.map((r) => r.reviewId),
              [`APD-${accountId}-2`]
            )
            const firstPage = yield* queue({ limit: 2 })
            assert.deepStrictEqual(
              firstPage.items.map((r) => r.kind),
              ["DUPLICATE_UNLOCK", "LIMITATION"]
            )
            assert.isNotNull(firstPage.nextKey)
            const secondPage = yield* queue({ limit: 2, startKey: firstPage.nextKey as string })
            assert.deepStrictEqual(
              secondPage.items.map((r) => r.kind),
              ["EVIDENCE"]
            )

            // Decided or deleted, a review leaves the queue with the commit that did it.
            const stored = Option.getOrThrow(
              yield* withRepository((r) => r.findSenderId(accountId, evidence.phoneNumber))
            )
            const decided = Fixture.changed(stored, {
              approvalDocuments: stored.approvalDocuments.map((a) => ({ ...a, status: "REJECTED" as const }))
            })
            yield* commit({ _tag: "UpdateSenderId", senderId: decided })
            yield* commit({ _tag: "DeleteSenderId", senderId: { ...unlock, log: [...unlock.log] } })
            const left = yield* queue()
            assert.deepStrictEqual(
              left.items.map((r) => r.kind),
              ["LIMITATION"]
            )
            const elsewhere = yield* withRepository((r) =>
              r.listPendingReviews({ accountId: Fixture.accountId(), limit: 10 })
            )
            assert.deepStrictEqual(elsewhere.items, [])
          })
        )

        it.effect("lists accounts in id order, searched by part of the id in any ASCII case", () =>
          Effect.gen(function* () {
            const tag = Fixture.accountId().replace(/^acct-/u, "")
            const ids = [`ops-${tag}-b`, `OPS-${tag}-a`, `ops-${tag}-c`, `other-${tag}`]
            for (const accountId of ids)
              yield* commit({ _tag: "InsertAccount", account: Fixture.account({ accountId }) })
            const found = yield* withRepository((r) =>
              r.listAccounts({ search: `ops-${tag.toLowerCase()}`, limit: 10 })
            )
            assert.deepStrictEqual(
              found.items.map((a) => a.accountId),
              [`OPS-${tag}-a`, `ops-${tag}-b`, `ops-${tag}-c`]
            )
            assert.deepStrictEqual(found.items[0], Fixture.account({ accountId: `OPS-${tag}-a` }))
            const page = yield* withRepository((r) => r.listAccounts({ search: `OPS-${tag}`, limit: 2 }))
            assert.strictEqual(page.nextKey, `ops-${tag}-c`)
            const rest = yield* withRepository((r) =>
              r.listAccounts({ search: `OPS-${tag}`, limit: 2, startKey: page.nextKey as string })
            )
            assert.deepStrictEqual(
              rest.items.map((a) => a.accountId),
              [`ops-${tag}-c`]
            )
            assert.isNull(rest.nextKey)
          })
        )
        it.effect(
          "counts accounts, numbers by status, pending reviews by kind and expiries week by week",
          () =>
            Effect.gen(function* () {
              // The counts are the whole registry's, which the other tests share: compare before and after.
              const now = 5_000_000_000_000
              const week = 7 * 86_400_000
              const stats = (query: Partial<StatsQuery> = {}) =>
                withRepository((r) => r.registryStats({ now, weekMillis: week, weeks: 3, ...query }))
              const before = yield* stats()
              const review = (dateCreated: number) => ({
                status: "PENDING" as const,
                reason: null,
                dateCreated,
                dateUpdated: dateCreated
              })
              const opened = Fixture.account({ limit: 20 })
              const owner = opened.accountId
              const account = {
                ...opened,
                limitationRequests: [
                  {
                    limitationId: `LIM-${owner}`,
                    documents: [],
                    limitRequested: 30,
                    limitBeforeRequest: 20,
                    ...review(10)
                  }
                ]
              }
              const suspended = {
                ...Fixture.account(),
                suspension: { reason: "미납", operatorId: "alice", since: Fixture.NOW }
              }
              yield* commit({ _tag: "InsertAccount", account }, { _tag: "InsertAccount", account: suspended })

              const numbered = (status: SenderIdStatus, expireAt: number | null) =>
                Fixture.senderId(owner, { status, expireAt })
              const expiring = [
                numbered("ACTIVE", now), // the first window's start
                numbered("INACTIVE", now + week - 1), // its last millisecond
                numbered("ACTIVE", now + week), // a window's end is the next one's start
                numbered("INACTIVE", now + 3 * week - 1) // the last window's last millisecond
              ]
              const others = [
                numbered("ACTIVE", now - 1),
                numbered("ACTIVE", now + 3 * week),
                numbered("ACTIVE", null),
                // Not holders: their expiry is a deadline to verify by, or already past.
                numbered("PENDING", now + 1),
                numbered("EXPIRED", now + 1),
                numbered("REJECTED", now + 1)
              ]
              const evidence = Fixture.changed(Fixture.senderId(owner), {
                approvalDocuments: [
                  { approvalId: `APD-${owner}-1`, documents: [], ...review(30), status: "REJECTED" },
                  { approvalId: `APD-${owner}-2`, documents: ["DOC1"], ...review(40) }
                ]
              })
              const unlock = Fixture.changed(Fixture.senderId(owner, { status: "DUPLICATED" }), {
                unlockDuplicate: {
                  duplicateId: `DUP-${owner}`,
                  reasonForRequested: "번호 이전",
                  name: null,
                  ...review(20),
                  consumedAt: null
                }
              })
              yield* commit(
                ...[...expiring, ...others, evidence, unlock].map((senderId) => ({
                  _tag: "InsertSenderId" as const,
                  senderId
                }))
              )

              const added = yield* stats()
              assert.sameMembers(Object.keys(added.senderIds), [...SenderIdStatus.literals])
              assert.sameMembers(Object.keys(added.reviews), [...ReviewKind.literals])
              assert.deepStrictEqual(difference(added, before), {
                accounts: 2,
                suspendedAccounts: 1,
                senderIds: { PENDING: 2, ACTIVE: 5, INACTIVE: 2, DUPLICATED: 1, EXPIRED: 1, REJECTED: 1 },
                reviews: { EVIDENCE: 1, DUPLICATE_UNLOCK: 1, LIMITATION: 1 },
                expiringByWeek: [2, 1, 1]
              })

              // Every commit keeps the counts current: an expiry, a decision, a deletion, a reinstatement.
              const { suspension: _lifted, ...reinstated } = suspended
              yield* commit(
                {
                  _tag: "UpdateSenderId",
                  senderId: Fixture.changed(expiring[0] as SenderId, { status: "EXPIRED" })
                },
                {
                  _tag: "UpdateSenderId",
                  senderId: Fixture.changed(evidence, {
                    approvalDocuments: evidence.approvalDocuments.map((a) => ({
                      ...a,
                      status: "REJECTED" as const
                    }))
                  })
                },
                { _tag: "DeleteSenderId", senderId: { ...unlock, log: [...unlock.log] } },
                { _tag: "UpdateAccount", account: reinstated }
              )
              const changed = yield* stats()
              assert.deepStrictEqual(difference(changed, before), {
                accounts: 2,
                suspendedAccounts: 0,
                senderIds: { PENDING: 2, ACTIVE: 4, INACTIVE: 2, DUPLICATED: 0, EXPIRED: 2, REJECTED: 1 },
                reviews: { EVIDENCE: 0, DUPLICATE_UNLOCK: 0, LIMITATION: 1 },
                expiringByWeek: [1, 1, 1]
              })

              // Other windows over the same instant: fewer of them, or wider.
              const first = yield* stats({ weeks: 1 })
              assert.deepStrictEqual(first.expiringByWeek, changed.expiringByWeek.slice(0, 1))
              const wide = yield* stats({ weekMillis: 3 * week, weeks: 1 })
              assert.deepStrictEqual(wide.expiringByWeek, [changed.expiringByWeek.reduce((a, b) => a + b, 0)])
              assert.deepStrictEqual((yield* stats({ weeks: 0 })).expiringByWeek, [])
            })
        )
      })

      describe("held counts", () => {
        it.effect("counts each account's registrations in any status, and leaves unknown accounts out", () =>
          Effect.gen(function* () {
            const full = yield* openAccount(5)
            const empty = yield* openAccount(5)
            for (const status of ["PENDING", "ACTIVE", "EXPIRED"] as const)
              yield* commit({
                _tag: "InsertSenderId",
                senderId: Fixture.senderId(full.accountId, { status })
              })
            const gone = Fixture.senderId(full.accountId)
            yield* commit({ _tag: "InsertSenderId", senderId: gone })
            yield* commit({ _tag: "DeleteSenderId", senderId: gone })
            const counts = yield* withRepository((r) =>
              r.countHeld([full.accountId, empty.accountId, Fixture.accountId()])
            )
            assert.deepStrictEqual(Object.fromEntries(counts), { [full.accountId]: 3, [empty.accountId]: 0 })
            assert.strictEqual((yield* withRepository((r) => r.countHeld([]))).size, 0)
          })
        )

        it.effect("counts more accounts than one statement binds", () =>
          Effect.gen(function* () {
            const accounts = yield* Effect.forEach(Array.from({ length: 150 }), () => openAccount(1))
            const last = accounts[149]?.accountId ?? ""
            yield* commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(last) })
            const counts = yield* withRepository((r) => r.countHeld(accounts.map((a) => a.accountId)))
            assert.strictEqual(counts.size, 150)
            assert.strictEqual(counts.get(last), 1)
            assert.strictEqual(counts.get(accounts[0]?.accountId ?? ""), 0)
          })
        )
      })

      describe("usable numbers", () => {
        const insert = (...senderIds: ReadonlyArray<SenderId>) =>
          commit(...senderIds.map((senderId) => ({ _tag: "InsertSenderId" as const, senderId })))

        it.effect("lists ACTIVE numbers unexpired at `now`, not other statuses or lapsed ones", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(20)
            const owner = account.accountId
            const now = Fixture.NOW + 1_000
            const forever = Fixture.senderId(owner, { status: "ACTIVE", expireAt: null })
            const later = Fixture.senderId(owner, { status: "ACTIVE", expireAt: now + 1 })
            const unusable = [
              ...(["PENDING", "INACTIVE", "DUPLICATED", "EXPIRED", "REJECTED"] as const).map((status) =>
                Fixture.senderId(owner, { status, expireAt: null })
              ),
              Fixture.senderId(owner, { status: "INACTIVE", expireAt: now + 1 }),
              Fixture.senderId(owner, { status: "ACTIVE", expireAt: now }),
              Fixture.senderId(owner, { status: "ACTIVE", expireAt: now - 1 })
            ]
            yield* insert(forever, ...unusable, later)
            const numbers = yield* withRepository((r) => r.listUsableNumbers(owner, now))
            assert.deepStrictEqual([...numbers].sort(), [forever.phoneNumber, later.phoneNumber].sort())
            // The same meaning as `SenderId.isUsable`, number by number.
            for (const senderId of [forever, later, ...unusable]) {
              assert.strictEqual(
                yield* withRepository((r) => r.isUsable(owner, senderId.phoneNumber, now)),
                isUsable(senderId, now),
                `${senderId.status} expiring at ${senderId.expireAt}`
              )
            }
          })
        )

        it.effect("lists only the account's own numbers, in the book's order", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const other = yield* openAccount()
            const active = (owner: string, dateCreated: number) => ({
              ...Fixture.senderId(owner, { status: "ACTIVE", expireAt: null }),
              dateCreated
            })
            const last = active(account.accountId, Fixture.NOW + 20)
            const first = active(account.accountId, Fixture.NOW)
            // Registered in the same millisecond: the handle key decides.
            const tied = [
              active(account.accountId, Fixture.NOW + 10),
              active(account.accountId, Fixture.NOW + 10)
            ].sort((a, b) => (a.handleKey < b.handleKey ? -1 : 1))
            const theirs = active(other.accountId, Fixture.NOW + 5)
            yield* insert(last, ...tied.toReversed(), first)
            yield* insert(theirs)
            const numbers = yield* withRepository((r) => r.listUsableNumbers(account.accountId, Fixture.NOW))
            assert.deepStrictEqual(
              numbers,
              [first, ...tied, last].map((s) => s.phoneNumber)
            )
            const book = yield* withRepository((r) => r.listSenderIds(account.accountId))
            assert.deepStrictEqual(
              numbers,
              book.map((s) => s.phoneNumber)
            )
            assert.isFalse(
              yield* withRepository((r) => r.isUsable(account.accountId, theirs.phoneNumber, Fixture.NOW))
            )
            assert.isTrue(
              yield* withRepository((r) => r.isUsable(other.accountId, theirs.phoneNumber, Fixture.NOW))
            )
          })
        )

        it.effect("gives nothing for an unknown account", () =>
          Effect.gen(function* () {
            const unknown = Fixture.accountId()
            assert.deepStrictEqual(
              yield* withRepository((r) => r.listUsableNumbers(unknown, Fixture.NOW)),
              []
            )
            assert.isFalse(
              yield* withRepository((r) => r.isUsable(unknown, Fixture.phoneNumber(), Fixture.NOW))
            )
          })
        )
      })

      describe("sending state", () => {
        const insert = (...senderIds: ReadonlyArray<SenderId>) =>
          commit(...senderIds.map((senderId) => ({ _tag: "InsertSenderId" as const, senderId })))
        const stateOf = (senderId: SenderId) => ({
          phoneNumber: senderId.phoneNumber,
          status: senderId.status,
          expireAt: senderId.expireAt
        })
        const byNumber = (a: { phoneNumber: string }, b: { phoneNumber: string }) =>
          a.phoneNumber < b.phoneNumber ? -1 : a.phoneNumber > b.phoneNumber ? 1 : 0

        it.effect(
          "reads the status and expiry of the account's registrations of the numbers asked, and no others",
          () =>
            Effect.gen(function* () {
              const account = yield* openAccount(20)
              const other = yield* openAccount()
              const owner = account.accountId
              const asked = [
                ...SenderIdStatus.literals.map((status) =>
                  Fixture.senderId(owner, { status, expireAt: null })
                ),
                Fixture.senderId(owner, { status: "ACTIVE", expireAt: Fixture.NOW + 1 }),
                Fixture.senderId(owner, { status: "ACTIVE", expireAt: Fixture.NOW })
              ]
              const notAsked = Fixture.senderId(owner, { status: "ACTIVE", expireAt: null })
              const theirs = Fixture.senderId(other.accountId, { status: "ACTIVE", expireAt: null })
              yield* insert(...asked, notAsked)
              yield* insert(theirs)
              const state = yield* withRepository((r) =>
                r.sendingState(owner, [
                  ...asked.map((s) => s.phoneNumber),
                  theirs.phoneNumber,
                  Fixture.phoneNumber()
                ])
              )
              assert.isFalse(state.accountSuspended)
              assert.deepStrictEqual([...state.numbers].sort(byNumber), asked.map(stateOf).sort(byNumber))
              // Eligibility read this way means what `SenderId.isUsable` means, number by number.
              for (const senderId of asked) {
                const [answer] = Eligibility.decide([senderId.phoneNumber], state, Fixture.NOW)
                assert.strictEqual(answer?.eligible, isUsable(senderId, Fixture.NOW), senderId.status)
              }
            })
        )

        it.effect("reads the account's suspension, with or without numbers", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const active = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: null })
            yield* insert(active)
            yield* commit({
              _tag: "UpdateAccount",
              account: { ...account, suspension: { reason: "미납", operatorId: "alice", since: Fixture.NOW } }
            })
            const state = yield* withRepository((r) =>
              r.sendingState(account.accountId, [active.phoneNumber])
            )
            assert.deepStrictEqual(state, { accountSuspended: true, numbers: [stateOf(active)] })
            const none = yield* withRepository((r) => r.sendingState(account.accountId, []))
            assert.deepStrictEqual(none, { accountSuspended: true, numbers: [] })
          })
        )

        it.effect("gives an unknown account as not suspended, with no registrations", () =>
          Effect.gen(function* () {
            const state = yield* withRepository((r) =>
              r.sendingState(Fixture.accountId(), [Fixture.phoneNumber()])
            )
            assert.deepStrictEqual(state, { accountSuspended: false, numbers: [] })
          })
        )

        it.effect("reads more numbers than one statement binds, each registration once", () =>
          Effect.gen(function* () {
            const account = yield* openAccount()
            const registered = [0, 1, 2].map(() =>
              Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: null })
            )
            yield* insert(...registered)
            const asked = Array.from({ length: 250 }, () => Fixture.phoneNumber())
            asked[0] = registered[0]?.phoneNumber ?? ""
            asked[120] = registered[1]?.phoneNumber ?? ""
            asked[249] = registered[2]?.phoneNumber ?? ""
            const state = yield* withRepository((r) => r.sendingState(account.accountId, asked))
            assert.deepStrictEqual([...state.numbers].sort(byNumber), registered.map(stateOf).sort(byNumber))
          })
        )
      })

      describe("use cases: one change, one commit", () => {
        it.effect("switch status and auto-extension together or not at all, whichever commit fails", () =>
          Effect.gen(function* () {
            const repository = yield* SenderIdRepository
            const account = yield* openAccount()
            // The first commit of the change fails, then the second (if there is one).
            for (const failing of [1, 2]) {
              const number = Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: null })
              yield* commit({ _tag: "InsertSenderId", senderId: number })
              const before = Option.getOrThrow(
                yield* repository.findSenderId(account.accountId, number.phoneNumber)
              )
              const outcome = yield* failureTag(
                SenderIds.use((s) =>
                  s.update(account.accountId, number.phoneNumber, { status: "INACTIVE", autoExtension: true })
                ).pipe(Effect.provide(useCasesOn(failingCommit(repository, failing))))
              )
              const after = Option.getOrThrow(
                yield* repository.findSenderId(account.accountId, number.phoneNumber)
              )
              if (outcome === "success") {
                assert.strictEqual(after.status, "INACTIVE", `commit ${failing} failing`)
                assert.isTrue(after.autoExtension, `commit ${failing} failing`)
              } else {
                assert.strictEqual(outcome, "RepositoryError")
                assert.deepStrictEqual(after, before, `commit ${failing} failing left a half change`)
                assert.deepStrictEqual(yield* repository.auditTrail(number.handleKey), before.log)
              }
            }
          })
        )
      })

      describe("use cases: an approval's note", () => {
        const NOTE = "사업자등록증 원본 대조 완료 (checked against the original)"

        it.effect(
          "keeps it on the submission and in the audit entry, and the customer's reason stays null",
          () =>
            Effect.gen(function* () {
              const repository = yield* SenderIdRepository
              const account = yield* openAccount()
              const registered = Fixture.senderId(account.accountId)
              const approvalId = `APD${registered.handleKey.slice(3)}`
              const submitted = {
                ...registered,
                approvalDocuments: [{ approvalId, documents: [], ...Review.pending(Fixture.NOW) }]
              }
              yield* commit({ _tag: "InsertSenderId", senderId: submitted })
              yield* Reviews.use((r) =>
                r.decideEvidence(
                  "alice",
                  { accountId: account.accountId, phoneNumber: submitted.phoneNumber, approvalId },
                  { approve: true, note: NOTE }
                )
              ).pipe(Effect.provide(useCasesOn(repository)))
              const stored = Option.getOrThrow(
                yield* repository.findSenderId(account.accountId, submitted.phoneNumber)
              )
              const [submission] = stored.approvalDocuments
              assert.strictEqual(submission?.status, "APPROVED")
              assert.strictEqual(submission?.note, NOTE)
              assert.isNull(submission?.reason)
              const decided = stored.log.at(-1)
              assert.strictEqual(decided?.note, NOTE)
              assert.deepStrictEqual((yield* repository.auditTrail(submitted.handleKey)).at(-1), decided)
              // Entries without a note read back without one.
              assert.isFalse(stored.log.slice(0, -1).some((entry) => "note" in entry))
            })
        )

        it.effect("keeps it on an approved limit request and in the account's audit entry", () =>
          Effect.gen(function* () {
            const repository = yield* SenderIdRepository
            const account = yield* openAccount(2)
            const limitationId = `LID${Fixture.senderId(account.accountId).handleKey.slice(3)}`
            yield* commit({
              _tag: "UpdateAccount",
              account: {
                ...account,
                limitationRequests: [
                  {
                    limitationId,
                    documents: [],
                    limitRequested: 9,
                    limitBeforeRequest: 2,
                    ...Review.pending(Fixture.NOW)
                  }
                ]
              }
            })
            yield* Reviews.use((r) =>
              r.decideLimitation(
                "alice",
                { accountId: account.accountId, limitationId },
                { approve: true, note: NOTE }
              )
            ).pipe(Effect.provide(useCasesOn(repository)))
            const stored = Option.getOrThrow(yield* repository.findAccount(account.accountId))
            assert.strictEqual(stored.limit, 9)
            assert.strictEqual(stored.limitationRequests[0]?.note, NOTE)
            assert.strictEqual(stored.log.at(-1)?.note, NOTE)
          })
        )
      })

      describe(`${concurrency} concurrent writers`, () => {
        it.effect("create exactly `limit` sender IDs in an account with limit 2", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(2)
            const outcomes = yield* Effect.forEach(
              Array.from({ length: concurrency }, () => Fixture.senderId(account.accountId)),
              (senderId) => failureTag(commit({ _tag: "InsertSenderId", senderId })),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(outcomes.filter((o) => o === "success").length, 2)
            assert.strictEqual(outcomes.filter((o) => o === "SenderIdLimitReached").length, concurrency - 2)
            assert.strictEqual((yield* withRepository((r) => r.listSenderIds(account.accountId))).length, 2)
          })
        )

        it.effect("register one number in one account exactly once", () =>
          Effect.gen(function* () {
            const account = yield* openAccount(concurrency)
            const number = Fixture.phoneNumber()
            const outcomes = yield* Effect.forEach(
              Array.from({ length: concurrency }, () =>
                Fixture.senderId(account.accountId, { phoneNumber: number })
              ),
              (senderId) => failureTag(commit({ _tag: "InsertSenderId", senderId })),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(outcomes.filter((o) => o === "success").length, 1)
            assert.strictEqual(
              outcomes.filter((o) => o === "SenderIdAlreadyRegistered").length,
              concurrency - 1
            )
          })
        )

        it.effect("activate one number from 50 accounts with at most one holder", () =>
          Effect.gen(function* () {
            const number = Fixture.phoneNumber()
            const claims = yield* Effect.forEach(Array.from({ length: 50 }), () =>
              Effect.gen(function* () {
                const account = yield* openAccount()
                const claim = Fixture.senderId(account.accountId, { phoneNumber: number })
                yield* commit({ _tag: "InsertSenderId", senderId: claim })
                return claim
              })
            )
            const outcomes = yield* Effect.forEach(
              claims,
              (claim) =>
                failureTag(
                  commit({
                    _tag: "UpdateSenderId",
                    senderId: Fixture.changed(claim, { status: "ACTIVE", method: "ARS" })
                  })
                ),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(outcomes.filter((o) => o === "success").length, 1)
            assert.strictEqual(outcomes.filter((o) => o === "NumberHeldByAnotherAccount").length, 49)
            assert.strictEqual((yield* withRepository((r) => r.findHolders(number))).length, 1)
          })
        )
      })
    }
  )
}
