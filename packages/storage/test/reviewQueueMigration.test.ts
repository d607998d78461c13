/**
 * Migration `5_review_queue` on a database that predates it: the reviews already pending there
 * show in `listPendingReviews` once it runs, exactly as the domain derives them, filed under the
 * right aggregate (a later decision takes them out) — on SQLite and PostgreSQL; D1 in
 * `d1/d1.workerd.ts`. And the operator reads and the queue's upkeep are served by indexes in the
 * order they page, never a full scan of a table or a sort of the whole result (SQLite's
 * `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import { assert, describe, it } from "@effect/vitest"
import { type Change, Review, type SenderIdRepository, type SenderIdRepositoryShape } from "@senderid/domain"
import { Fixture } from "@senderid/domain/testing"
import { Effect, type Layer, Redacted } from "effect"
import * as Migrator from "effect/sql/Migrator"
import type * as SqlClient from "effect/sql/SqlClient"
import { migrate, migrations } from "../src/Migrations.ts"
import * as Postgres from "../src/postgres.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as Sqlite from "../src/sqlite.ts"
import * as SqliteClient from "../src/sqliteClient.ts"
import { freshDatabase } from "./support/postgres.ts"
import { plansOf, servedBy } from "./support/queryPlans.ts"
import { expectBackfilled, insertLegacyRows, legacyAggregates } from "./support/reviewQueueBackfill.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-review-queue-"))

/** The schema as it was before the queue: every migration up to `4_challenge_lookup`. */
const migrateBeforeQueue = Migrator.make({})({
  loader: migrations.pipe(Effect.map((all) => all.filter(([id]) => id < 5))),
  table: "senderid_migrations"
})

/** Seeds a database through `before` (migrated up to 4), then opens it through `after` (every
 * migration) and checks its queue. */
const backfillShowsPendingReviews = <E1, E2>(
  before: Layer.Layer<SqlClient.SqlClient, E1>,
  after: Layer.Layer<SenderIdRepository, E2>
) =>
  Effect.gen(function* () {
    const seeded = legacyAggregates()
    yield* migrateBeforeQueue.pipe(Effect.andThen(insertLegacyRows(seeded)), Effect.provide(before))
    yield* expectBackfilled(seeded).pipe(Effect.provide(after))
  })

describe("migration 5_review_queue", () => {
  it.live("queues the reviews a SQLite file already held", () => {
    const filename = join(directory, "before-queue.db")
    return backfillShowsPendingReviews(SqliteClient.layer({ filename }), Sqlite.layer({ filename }))
  })

  it.live("queues the reviews a PostgreSQL database already held", () => {
    const url = freshDatabase("review_queue_backfill")
    return backfillShowsPendingReviews(PgClient.layer({ url: Redacted.make(url) }), Postgres.layer({ url }))
  })
})

describe.each([
  ["SQLite", SqliteClient.layer({ filename: join(directory, "plans.db") }), "sqlite_autoindex_accounts_1"],
  [
    "PostgreSQL",
    PgClient.layer({ url: Redacted.make(freshDatabase("review_queue_plans")) }),
    "accounts_by_id"
  ]
] as const)("the operator reads on %s", (_, client, accountsIndex) => {
  const withRepository = <A, E>(f: (repository: SenderIdRepositoryShape) => Effect.Effect<A, E>) =>
    SqlRepository.make.pipe(Effect.flatMap(f))
  const onePlan = <A, E, R>(table: string, effect: Effect.Effect<A, E, R>) =>
    plansOf(table, effect).pipe(
      Effect.map((plans) => {
        assert.lengthOf(plans, 1)
        return plans[0] as ReadonlyArray<string>
      })
    )
  const queuePlan = (query: Parameters<SenderIdRepositoryShape["listPendingReviews"]>[0]) =>
    onePlan(
      "review_queue",
      withRepository((r) => r.listPendingReviews(query))
    )
  const cursor = Review.queueCursor({ dateCreated: Fixture.NOW, reviewId: "APD1" })

  it.live("page the queue along an index in its order, for every filter", () =>
    Effect.gen(function* () {
      yield* migrate
      servedBy(yield* queuePlan({ limit: 10 }), "review_queue_by_age")
      servedBy(yield* queuePlan({ startKey: cursor, limit: 10 }), "review_queue_by_age")
      servedBy(yield* queuePlan({ kind: "EVIDENCE", startKey: cursor, limit: 10 }), "review_queue_by_kind")
      servedBy(
        yield* queuePlan({ accountId: "acct-1", startKey: cursor, limit: 10 }),
        "review_queue_by_account"
      )
      servedBy(yield* queuePlan({ accountId: "acct-1", kind: "LIMITATION", limit: 10 }), "review_queue_by_")
    }).pipe(Effect.provide(client))
  )

  it.live("replace an aggregate's queue entries by its subject", () =>
    Effect.gen(function* () {
      yield* migrate
      const account = Fixture.account()
      const senderId = Fixture.senderId(account.accountId)
      const doomed = Fixture.senderId(account.accountId)
      yield* withRepository((r) =>
        r.commit([
          { _tag: "InsertAccount", account },
          { _tag: "InsertSenderId", senderId },
          { _tag: "InsertSenderId", senderId: doomed }
        ])
      )
      const changes: ReadonlyArray<Change> = [
        { _tag: "UpdateAccount", account: { ...account, limit: 6 } },
        { _tag: "UpdateSenderId", senderId: Fixture.changed(senderId, { autoExtension: true }) },
        { _tag: "DeleteSenderId", senderId: doomed }
      ]
      const plans = yield* plansOf(
        "review_queue",
        withRepository((r) => r.commit(changes))
      )
      assert.lengthOf(plans, 3)
      for (const plan of plans) servedBy(plan, "review_queue_by_subject")
    }).pipe(Effect.provide(client))
  )

  it.live("find expiring holders through the lapsing index, and accounts along their id", () =>
    Effect.gen(function* () {
      yield* migrate
      servedBy(
        yield* onePlan(
          "sender_ids",
          withRepository((r) => r.listExpiring({ from: 1, to: 2, limit: 10 }))
        ),
        "sender_ids_lapsing"
      )
      // A search matches anywhere in the id, so no index finds it: the scan walks the id index in
      // order and stops one row past the page.
      servedBy(
        yield* onePlan(
          "accounts",
          withRepository((r) => r.listAccounts({ search: "ops", limit: 10 }))
        ),
        accountsIndex
      )
      servedBy(
        yield* onePlan(
          "accounts",
          withRepository((r) => r.listAccounts({ search: "ops", startKey: "ops-b", limit: 10 }))
        ),
        accountsIndex
      )
    }).pipe(Effect.provide(client))
  )
})
