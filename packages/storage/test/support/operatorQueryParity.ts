/**
 * The operator reads (`listAccounts`, `listExpiring`, `listPendingReviews`) checked against the
 * memory adapter, the port's reference: the same commits applied to both, the same queries asked
 * of both, page by page. The data is built so that code-unit order differs from a locale's (case,
 * `-` and `_`, ties broken by id), and searches carry LIKE's wildcards and non-ASCII letters.
 * Every row is tagged with the run and dated in a window of its own, so a shared database does
 * not disturb it. No Node imports: the D1 suite runs it in workerd too.
 */
import { assert, layer } from "@effect/vitest"
import {
  type Account,
  type Change,
  type Page,
  type Review,
  type SenderId,
  SenderIdRepository,
  type SenderIdRepositoryShape
} from "@senderid/domain"
import { Fixture } from "@senderid/domain/testing"
import { Effect, type Layer, Option } from "effect"

/** Ids whose code-unit order is no locale's: `-` < digits < upper case < `_` < lower case. */
const SUFFIXES = ["b", "B", "a_b", "a-c", "ab", "Z", "_", "-", "0"] as const

const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const runTag = () => `q${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

/** A window of dates no other test uses (fixtures date things around 1.8e12 or near zero). */
const windowStart = () => 4_000_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000
const WINDOW = 100

interface Both {
  readonly adapter: SenderIdRepositoryShape
  readonly memory: SenderIdRepositoryShape
}

const repositories = Effect.gen(function* () {
  const adapter = yield* SenderIdRepository
  const memory = yield* SenderIdRepository.use(Effect.succeed).pipe(
    Effect.provide(SenderIdRepository.layerMemory)
  )
  return { adapter, memory } satisfies Both
})

const outcome = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
  effect.pipe(Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "applied" }))

/** Commits to both and checks they agree on whether it applied. */
const commitBoth = (both: Both, ...changes: ReadonlyArray<Change>) =>
  Effect.gen(function* () {
    const applied = yield* outcome(both.adapter.commit(changes))
    assert.strictEqual(
      applied,
      yield* outcome(both.memory.commit(changes)),
      "the adapters disagree on a commit"
    )
    return applied
  })

/** Every page of a query, following `nextKey`. */
const pagesOf = <A, E>(read: (startKey: string | undefined) => Effect.Effect<Page<A>, E>) =>
  Effect.gen(function* () {
    const pages: Array<Page<A>> = []
    let startKey: string | undefined
    do {
      const page = yield* read(startKey)
      pages.push(page)
      startKey = page.nextKey ?? undefined
    } while (startKey !== undefined && pages.length < 100)
    return pages
  })

const samePages = <A, E>(
  both: Both,
  read: (repository: SenderIdRepositoryShape, startKey: string | undefined) => Effect.Effect<Page<A>, E>,
  message: string
) =>
  Effect.gen(function* () {
    const expected = yield* pagesOf((key) => read(both.memory, key))
    assert.deepStrictEqual(yield* pagesOf((key) => read(both.adapter, key)), expected, message)
    return expected
  })

const pending = (dateCreated: number) => ({
  status: "PENDING" as const,
  reason: null,
  dateCreated,
  dateUpdated: dateCreated
})

export const operatorQueryParity = (
  name: string,
  repositoryLayer: Layer.Layer<SenderIdRepository, unknown>
) =>
  // Live services: adapters retry transient engine errors on the real clock.
  layer(repositoryLayer, { timeout: "120 seconds", excludeTestServices: true })(
    `operator queries match the memory adapter: ${name}`,
    (it) => {
      it.effect(
        "lists accounts in code-unit order, ignoring ASCII case only, wildcards taken literally",
        () =>
          Effect.gen(function* () {
            const both = yield* repositories
            const tag = runTag()
            const ids = [...SUFFIXES, "%", "50%", "\\", "x_y", "ÄBC", "äbc"].map((s) => `${tag}-${s}`)
            for (const accountId of ids) {
              yield* commitBoth(both, { _tag: "InsertAccount", account: Fixture.account({ accountId }) })
            }
            const searches = [
              tag,
              tag.toUpperCase(),
              `${tag}-A`,
              `${tag}-_`,
              `${tag}-%`,
              `${tag}-\\`,
              `${tag}-x_`,
              `${tag}-5`,
              `${tag}-ä`,
              `${tag}-Ä`,
              `${tag}-äBC`
            ]
            for (const search of searches) {
              for (const limit of [1, 3, 100]) {
                yield* samePages(
                  both,
                  (r, startKey) =>
                    r.listAccounts({ search, limit, ...(startKey === undefined ? {} : { startKey }) }),
                  `search ${search}, limit ${limit}`
                )
              }
            }
            const all = yield* samePages(both, (r) => r.listAccounts({ search: tag, limit: 100 }), "all")
            assert.deepStrictEqual(
              all[0]?.items.map((a: Account.Account) => a.accountId),
              [...ids].sort(codeUnitOrder)
            )
            const literal = yield* samePages(
              both,
              (r) => r.listAccounts({ search: `${tag}-%`, limit: 100 }),
              "%"
            )
            assert.deepStrictEqual(
              literal[0]?.items.map((a: Account.Account) => a.accountId),
              [`${tag}-%`]
            )
            yield* samePages(
              both,
              (r) => r.listAccounts({ search: tag, startKey: `${tag}-C`, limit: 3 }),
              "from a start key that is no account's"
            )
          })
      )

      it.effect("lists expiring holders soonest first, ties in code-unit order of handle key", () =>
        Effect.gen(function* () {
          const both = yield* repositories
          const tag = runTag()
          const start = windowStart()
          const account = Fixture.account({ limit: 30 })
          yield* commitBoth(both, { _tag: "InsertAccount", account })
          const holders = SUFFIXES.map(
            (suffix, i): SenderId.SenderId => ({
              ...Fixture.senderId(account.accountId, {
                status: i % 2 === 0 ? "ACTIVE" : "INACTIVE",
                expireAt: start + (i % 3)
              }),
              handleKey: `SED${tag}${suffix}`
            })
          )
          const others = [
            Fixture.senderId(account.accountId, { status: "PENDING", expireAt: start }),
            Fixture.senderId(account.accountId, { status: "EXPIRED", expireAt: start }),
            Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: start + 10 }),
            Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: start - 1 })
          ]
          yield* commitBoth(
            both,
            ...[...holders, ...others].map((senderId) => ({ _tag: "InsertSenderId" as const, senderId }))
          )
          const queries = [
            { from: start, to: start + 10, accountId: account.accountId, limit: 100 },
            { from: start, to: start + 10, accountId: account.accountId, limit: 4 },
            { from: start + 1, to: start + 3, accountId: account.accountId, limit: 100 },
            { from: start, to: start + 10, limit: 100 },
            { from: start, to: start + 11, limit: 5 }
          ]
          for (const query of queries) {
            const expected = yield* both.memory.listExpiring(query)
            assert.deepStrictEqual(yield* both.adapter.listExpiring(query), expected, JSON.stringify(query))
          }
          const found = yield* both.adapter.listExpiring(queries[0] as (typeof queries)[0])
          assert.strictEqual(found.length, holders.length)
        })
      )

      it.effect("queues reviews oldest first, ties in code-unit order, and follows every commit", () =>
        Effect.gen(function* () {
          const both = yield* repositories
          const tag = runTag()
          const start = windowStart()
          const at = (i: number) => start + (i % 3)
          const main = Fixture.account({ limit: 30 })
          const other = Fixture.account({ limit: 30 })
          const withRequests = (account: Account.Account, prefix: string): Account.Account => ({
            ...account,
            limitationRequests: SUFFIXES.map((suffix, i) => ({
              limitationId: `${prefix}${tag}${suffix}`,
              documents: [],
              limitRequested: 40,
              limitBeforeRequest: 30,
              ...pending(at(i)),
              ...(i === 4 ? { status: "REJECTED" as const, reason: "no" } : {})
            }))
          })
          yield* commitBoth(
            both,
            { _tag: "InsertAccount", account: withRequests(main, "LID") },
            { _tag: "InsertAccount", account: withRequests(other, "LIX") }
          )
          const withEvidence = (accountId: string, prefix: string) =>
            SUFFIXES.map((suffix, i) =>
              Fixture.changed(Fixture.senderId(accountId), {
                approvalDocuments: [
                  { approvalId: `${prefix}${tag}${suffix}`, documents: ["DOC1"], ...pending(at(i + 1)) },
                  {
                    approvalId: `${prefix}${tag}${suffix}-old`,
                    documents: [],
                    ...pending(start),
                    status: "APPROVED"
                  }
                ]
              })
            )
          const evidence = withEvidence(main.accountId, "APD")
          const unlocks = SUFFIXES.slice(0, 4).map((suffix, i) =>
            Fixture.changed(Fixture.senderId(main.accountId, { status: "DUPLICATED" }), {
              unlockDuplicate: {
                duplicateId: `DUP${tag}${suffix}`,
                reasonForRequested: "번호 이전",
                name: null,
                ...pending(at(i + 2)),
                consumedAt: null
              }
            })
          )
          yield* commitBoth(
            both,
            ...[...evidence, ...unlocks, ...withEvidence(other.accountId, "APX")].map((senderId) => ({
              _tag: "InsertSenderId" as const,
              senderId
            }))
          )

          const inWindow = (review: Review.QueuedReview) =>
            review.dateCreated >= start && review.dateCreated < start + WINDOW
          const compareQueue = (label: string) =>
            Effect.gen(function* () {
              for (const limit of [1, 2, 100]) {
                for (const filter of [
                  { accountId: main.accountId },
                  { accountId: other.accountId },
                  { accountId: main.accountId, kind: "EVIDENCE" as const },
                  { accountId: main.accountId, kind: "LIMITATION" as const },
                  { accountId: main.accountId, kind: "DUPLICATE_UNLOCK" as const }
                ]) {
                  yield* samePages(
                    both,
                    (r, startKey) =>
                      r.listPendingReviews({
                        ...filter,
                        limit,
                        ...(startKey === undefined ? {} : { startKey })
                      }),
                    `${label}: ${JSON.stringify(filter)}, limit ${limit}`
                  )
                }
              }
              // Across accounts, from the window's start: a shared database may hold later rows.
              for (const kind of [undefined, "EVIDENCE" as const]) {
                const query = { startKey: `${start}.-`, limit: 200, ...(kind === undefined ? {} : { kind }) }
                const expected = yield* both.memory.listPendingReviews(query)
                const actual = yield* both.adapter.listPendingReviews(query)
                assert.deepStrictEqual(
                  actual.items.filter(inWindow),
                  expected.items.filter(inWindow),
                  `${label}: across accounts, ${kind ?? "every kind"}`
                )
              }
              for (const startKey of [
                "not a cursor!",
                `${start + 1}.APD${tag}_`,
                `${start}.${"z".repeat(64)}`
              ]) {
                const query = { accountId: main.accountId, startKey, limit: 100 }
                assert.deepStrictEqual(
                  yield* both.adapter.listPendingReviews(query),
                  yield* both.memory.listPendingReviews(query),
                  `${label}: from ${startKey}`
                )
              }
            })

          yield* compareQueue("as inserted")
          const queued = yield* both.adapter.listPendingReviews({ accountId: main.accountId, limit: 100 })
          assert.strictEqual(queued.items.length, SUFFIXES.length * 2 - 1 + unlocks.length)

          // A decision, a deletion, and refused changes that would have decided more.
          const stored = (senderId: SenderId.SenderId) =>
            both.adapter
              .findSenderId(senderId.accountId, senderId.phoneNumber)
              .pipe(Effect.map(Option.getOrThrow))
          const decided = yield* stored(evidence[0] as SenderId.SenderId)
          const rejectAll = (s: SenderId.SenderId) =>
            Fixture.changed(s, {
              approvalDocuments: s.approvalDocuments.map((a) => ({
                ...a,
                status: "REJECTED" as const,
                reason: "no"
              }))
            })
          assert.strictEqual(
            yield* commitBoth(both, { _tag: "UpdateSenderId", senderId: rejectAll(decided) }),
            "applied"
          )
          const staleAccount = Option.getOrThrow(yield* both.adapter.findAccount(main.accountId))
          const decidedAccount = {
            ...staleAccount,
            limitationRequests: staleAccount.limitationRequests.map((r, i) =>
              i < 2 ? { ...r, status: "APPROVED" as const } : r
            )
          }
          assert.strictEqual(
            yield* commitBoth(both, { _tag: "UpdateAccount", account: decidedAccount }),
            "applied"
          )
          const deleted = yield* stored(unlocks[1] as SenderId.SenderId)
          assert.strictEqual(
            yield* commitBoth(both, {
              _tag: "DeleteSenderId",
              senderId: { ...deleted, log: [...deleted.log] }
            }),
            "applied"
          )
          yield* compareQueue("after a decision and a deletion")

          const fresh = yield* stored(evidence[2] as SenderId.SenderId)
          const moreEvidence = Fixture.changed(fresh, {
            approvalDocuments: [
              ...fresh.approvalDocuments,
              { approvalId: `APD${tag}-new`, documents: [], ...pending(start) }
            ]
          })
          // Stale changes that still carry pending reviews: on D1 their queue statements would hide
          // the stale write from the guard (`changes()`) if they ran before it.
          const staleWithReviews = Fixture.changed(decided, {
            approvalDocuments: [
              ...decided.approvalDocuments,
              { approvalId: `APD${tag}-stale`, documents: [], ...pending(start) }
            ]
          })
          const refused = [
            [{ _tag: "UpdateSenderId", senderId: staleWithReviews }],
            [{ _tag: "UpdateAccount", account: { ...staleAccount, limit: 31 } }],
            [
              { _tag: "UpdateSenderId", senderId: moreEvidence },
              { _tag: "UpdateSenderId", senderId: rejectAll(decided) }
            ],
            [
              { _tag: "UpdateSenderId", senderId: moreEvidence },
              { _tag: "DeleteSenderId", senderId: { ...deleted, log: [...deleted.log] } }
            ]
          ] satisfies ReadonlyArray<ReadonlyArray<Change>>
          for (const changes of refused) {
            assert.strictEqual(yield* commitBoth(both, ...changes), "ConcurrentModification")
          }
          yield* compareQueue("after refused changes")
        })
      )
    }
  )
