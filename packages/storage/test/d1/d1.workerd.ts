/**
 * What the conformance suite does not reach on D1: migrations that several starts race to apply
 * (and the review queue's backfill on a database from before it),
 * the whole registry (use cases over this repository) under 200 concurrent registrations, and a
 * refused batch of several changes reported on the change that broke it.
 */

import { env } from "cloudflare:workers"
import * as D1Client from "@effect/sql-d1/D1Client"
import { assert, describe, it, layer } from "@effect/vitest"
import {
  AccountNotFound,
  Accounts,
  AuditEntry,
  type Change,
  ConcurrentModification,
  DocumentBlobStore,
  LimitBelowHeld,
  layerDevelopment,
  layerMemory,
  Registry,
  SenderIdLimitReached,
  SenderIdRepository,
  SenderIds
} from "@senderid/domain"
import { Fixture, layerMemorySecrets } from "@senderid/domain/testing"
import { Effect, Layer, Option } from "effect"
import * as D1 from "../../src/d1.ts"
import { expectPinsGone, insertLegacyChallenges, legacyChallenges } from "../support/arsPinLegacy.ts"
import { expectBackfilled, insertLegacyRows, legacyAggregates } from "../support/reviewQueueBackfill.ts"

const tagOf = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "success" as const }))

const failureOf = <A, E, R>(effect: Effect.Effect<A, E, R>) => effect.pipe(Effect.flip)

describe("D1 migrations", () => {
  it.live("apply once when several starts race on an empty database, then never again", () =>
    Effect.gen(function* () {
      const starts = yield* Effect.all(
        Array.from({ length: 5 }, () => D1.migrate(env.FRESH_DB)),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(
        // By migration number: a string sort would put 10_ before 1_.
        [...starts.flat()].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10)),
        [
          "1_registry",
          "2_server_stores",
          "3_usable_numbers",
          "4_challenge_lookup",
          "5_review_queue",
          "6_webhooks",
          "7_audit_request",
          "8_book_order",
          "9_review_notes",
          "10_ars_pin_hash",
          "11_service_keys"
        ],
        "exactly one start applies each migration"
      )
      assert.deepStrictEqual(yield* D1.migrate(env.FRESH_DB), [])
      const recorded = yield* Effect.promise(() =>
        env.FRESH_DB.prepare("SELECT migration_id, name FROM senderid_migrations ORDER BY migration_id").all()
      )
      assert.deepStrictEqual(recorded.results, [
        { migration_id: 1, name: "1_registry" },
        { migration_id: 2, name: "2_server_stores" },
        { migration_id: 3, name: "3_usable_numbers" },
        { migration_id: 4, name: "4_challenge_lookup" },
        { migration_id: 5, name: "5_review_queue" },
        { migration_id: 6, name: "6_webhooks" },
        { migration_id: 7, name: "7_audit_request" },
        { migration_id: 8, name: "8_book_order" },
        { migration_id: 9, name: "9_review_notes" },
        { migration_id: 10, name: "10_ars_pin_hash" },
        { migration_id: 11, name: "11_service_keys" }
      ])
    })
  )

  it.live("queue the reviews a database from before 5_review_queue already held", () =>
    Effect.gen(function* () {
      const db = env.FRESH_DB
      yield* D1.migrate(db)
      // Back to the schema before the queue: the table (its indexes go with it) and its record.
      yield* Effect.promise(() =>
        db.batch([
          db.prepare("DROP TABLE review_queue"),
          db.prepare("DELETE FROM senderid_migrations WHERE migration_id = 5")
        ])
      )
      const seeded = legacyAggregates()
      yield* insertLegacyRows(seeded).pipe(Effect.provide(D1Client.layer({ db })))
      assert.deepStrictEqual(yield* D1.migrate(db), ["5_review_queue"])
      yield* expectBackfilled(seeded).pipe(Effect.provide(D1.layer(db)))
    })
  )

  it.live("remove the PINs challenges held before 10_ars_pin_hash and expire the open ones", () =>
    Effect.gen(function* () {
      const db = env.FRESH_DB
      yield* D1.migrate(db)
      yield* Effect.promise(() =>
        db.batch([
          db.prepare("DROP TABLE deployment_secrets"),
          db.prepare("DELETE FROM senderid_migrations WHERE migration_id = 10")
        ])
      )
      const seeded = legacyChallenges()
      yield* insertLegacyChallenges(seeded).pipe(Effect.provide(D1Client.layer({ db })))
      assert.deepStrictEqual(yield* D1.migrate(db), ["10_ars_pin_hash"])
      yield* expectPinsGone(seeded).pipe(Effect.provide(Layer.merge(D1.layer(db), D1Client.layer({ db }))))
    })
  )
})

const registryOnD1 = Registry.layer.pipe(
  Layer.provideMerge(
    Layer.mergeAll(
      D1.layer(env.DB),
      DocumentBlobStore.layerMemory,
      layerDevelopment,
      layerMemory,
      layerMemorySecrets
    )
  )
)

// Live services: the use cases' retry schedules must sleep on a real clock.
layer(registryOnD1, { timeout: "120 seconds", excludeTestServices: true })("the registry on D1", (it) => {
  it.effect("admits exactly 2 of 200 concurrent registrations into an account with limit 2", () =>
    Effect.gen(function* () {
      const accountId = Fixture.accountId()
      yield* Accounts.use((accounts) => accounts.open(AuditEntry.systemActor, accountId, { limit: 2 }))
      const outcomes = yield* Effect.forEach(
        Array.from({ length: 200 }, () => Fixture.phoneNumber()),
        (phoneNumber) => tagOf(SenderIds.use((s) => s.register(accountId, { phoneNumber }))),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(outcomes.filter((o) => o === "success").length, 2)
      assert.strictEqual(outcomes.filter((o) => o === "SenderIdLimitReached").length, 198)
      const book = yield* SenderIds.use((s) => s.book(accountId))
      assert.strictEqual(book.senderIds.length, 2)
    })
  )
})

const commit = (...changes: ReadonlyArray<Change>) =>
  SenderIdRepository.use((repository) => repository.commit(changes))

const openAccount = (limit: number) =>
  Effect.gen(function* () {
    const account = Fixture.account({ limit })
    yield* commit({ _tag: "InsertAccount", account })
    return account
  })

layer(D1.layer(env.DB), { timeout: "120 seconds" })("a refused D1 batch", (it) => {
  it.effect("names the stale sender ID among several, and applies none of them", () =>
    Effect.gen(function* () {
      const account = yield* openAccount(5)
      const fresh = Fixture.senderId(account.accountId)
      const stale = Fixture.senderId(account.accountId)
      yield* commit({ _tag: "InsertSenderId", senderId: fresh }, { _tag: "InsertSenderId", senderId: stale })
      yield* commit({ _tag: "UpdateSenderId", senderId: Fixture.changed(stale, { autoExtension: true }) })
      const error = yield* failureOf(
        commit(
          { _tag: "UpdateSenderId", senderId: Fixture.changed(fresh, { autoExtension: true }) },
          { _tag: "UpdateSenderId", senderId: Fixture.changed(stale, { status: "REJECTED" }) }
        )
      )
      assert.deepStrictEqual(error, new ConcurrentModification({ entity: "senderId", id: stale.handleKey }))
      const stored = yield* SenderIdRepository.use((r) =>
        r.findSenderId(account.accountId, fresh.phoneNumber)
      )
      assert.strictEqual(Option.getOrThrow(stored).version, fresh.version)
    })
  )

  it.effect("reports the limit of the account that is full, with the limit in force in the batch", () =>
    Effect.gen(function* () {
      const roomy = yield* openAccount(5)
      const full = yield* openAccount(1)
      yield* commit({ _tag: "InsertSenderId", senderId: Fixture.senderId(full.accountId) })
      const error = yield* failureOf(
        commit(
          { _tag: "InsertSenderId", senderId: Fixture.senderId(roomy.accountId) },
          { _tag: "UpdateAccount", account: { ...full, limit: 2 } },
          { _tag: "InsertSenderId", senderId: Fixture.senderId(full.accountId) },
          { _tag: "InsertSenderId", senderId: Fixture.senderId(full.accountId) }
        )
      )
      assert.deepStrictEqual(error, new SenderIdLimitReached({ accountId: full.accountId, limit: 2 }))
      assert.strictEqual((yield* SenderIdRepository.use((r) => r.listSenderIds(roomy.accountId))).length, 0)
    })
  )

  it.effect("reports a lowered limit with what the account holds", () =>
    Effect.gen(function* () {
      const account = yield* openAccount(3)
      yield* commit(
        { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) },
        { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) }
      )
      const error = yield* failureOf(commit({ _tag: "UpdateAccount", account: { ...account, limit: 1 } }))
      assert.deepStrictEqual(error, new LimitBelowHeld({ accountId: account.accountId, limit: 1, held: 2 }))
    })
  )

  it.effect("names the missing account among several", () =>
    Effect.gen(function* () {
      const account = yield* openAccount(5)
      const missing = Fixture.accountId()
      const error = yield* failureOf(
        commit(
          { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) },
          { _tag: "InsertSenderId", senderId: Fixture.senderId(missing) }
        )
      )
      assert.deepStrictEqual(error, new AccountNotFound({ accountId: missing }))
    })
  )

  it.effect("reports an engine refusal no invariant explains as a RepositoryError", () =>
    Effect.gen(function* () {
      const account = yield* openAccount(5)
      const event = Fixture.event(account.accountId)
      yield* commit({ _tag: "AppendEvent", event })
      const error = yield* failureOf(commit({ _tag: "AppendEvent", event }))
      assert.strictEqual(error._tag, "RepositoryError")
    })
  )

  it.effect("stores and reads more rows than D1's 100 bound parameters per statement", () =>
    Effect.gen(function* () {
      const account = yield* openAccount(150)
      const senderIds = Array.from({ length: 150 }, () => Fixture.senderId(account.accountId))
      const events = Array.from({ length: 150 }, () => Fixture.event(account.accountId))
      yield* commit(
        ...senderIds.map((senderId) => ({ _tag: "InsertSenderId" as const, senderId })),
        ...events.map((event) => ({ _tag: "AppendEvent" as const, event }))
      )
      const book = yield* SenderIdRepository.use((r) => r.listSenderIds(account.accountId))
      assert.strictEqual(book.length, 150)
      assert.isTrue(book.every((s) => s.log.length > 0))
      yield* commit({ _tag: "MarkEventsPublished", eventIds: events.map((e) => e.eventId) })
      const pending = yield* SenderIdRepository.use((r) => r.unpublishedEvents(100_000))
      assert.isFalse(pending.some((e) => e.accountId === account.accountId))
    })
  )
})
