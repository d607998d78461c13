/**
 * An account book a page at a time (`listSenderIdPage`) is one ordered range of an index on SQLite
 * and PostgreSQL — with or without a status, from the start or from a `nextKey` — never a scan of
 * the account's numbers or a sort of them, so a page of 20 costs the same in a book of 100,000 as in
 * a book of 20. D1 runs SQLite's plan. Measured: `node bench/bookPages.ts`. And the whole book reads
 * however large it is.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import { assert, describe, it } from "@effect/vitest"
import { type BookQuery, SenderId, SenderIdRepository, type SenderIdRepositoryShape } from "@senderid/domain"
import { Fixture } from "@senderid/domain/testing"
import { Effect, Redacted } from "effect"
import { migrate } from "../src/Migrations.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as Sqlite from "../src/sqlite.ts"
import * as SqliteClient from "../src/sqliteClient.ts"
import { freshDatabase } from "./support/postgres.ts"
import { plansOf, servedBy } from "./support/queryPlans.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-book-pages-"))

describe.each([
  ["SQLite", SqliteClient.layer({ filename: join(directory, "plans.db") })],
  ["PostgreSQL", PgClient.layer({ url: Redacted.make(freshDatabase("book_pages")) })]
] as const)("an account book on %s", (_, client) => {
  const withRepository = <A, E>(f: (repository: SenderIdRepositoryShape) => Effect.Effect<A, E>) =>
    SqlRepository.make.pipe(Effect.flatMap(f))
  const plan = (read: (repository: SenderIdRepositoryShape) => Effect.Effect<unknown, unknown>) =>
    plansOf("sender_ids", withRepository(read)).pipe(
      Effect.map((plans) => {
        // The sender IDs' own statement; their audit entries are read by subject afterwards.
        assert.isAtLeast(plans.length, 1)
        return plans[0] as ReadonlyArray<string>
      })
    )
  const start = { dateCreated: Fixture.NOW, handleKey: "SED20270115080000AAAAAAAAAAAAAAA" }
  const page = (query: BookQuery) => plan((r) => r.listSenderIdPage("acct-1", query))

  it.live("pages along `sender_ids_book` from the start and from a nextKey", () =>
    Effect.gen(function* () {
      yield* migrate
      servedBy(yield* page({ limit: 20 }), "sender_ids_book")
      servedBy(yield* page({ start, limit: 20 }), "sender_ids_book")
      // The whole book (SOLAPI's answer) reads along the same index, in the same order.
      servedBy(yield* plan((r) => r.listSenderIds("acct-1")), "sender_ids_book")
    }).pipe(Effect.provide(client))
  )

  it.live("pages one status along `sender_ids_book_by_status`", () =>
    Effect.gen(function* () {
      yield* migrate
      servedBy(yield* page({ status: "ACTIVE", limit: 20 }), "sender_ids_book_by_status")
      servedBy(yield* page({ status: "PENDING", start, limit: 20 }), "sender_ids_book_by_status")
    }).pipe(Effect.provide(client))
  )

  it.live("hands out the next page's position as an opaque key", () =>
    Effect.gen(function* () {
      yield* migrate
      const account = Fixture.account({ limit: 5 })
      const book = Array.from({ length: 3 }, () => Fixture.senderId(account.accountId)).sort(
        SenderId.bookOrder
      )
      yield* withRepository((r) =>
        r.commit([
          { _tag: "InsertAccount", account },
          ...book.map((senderId) => ({ _tag: "InsertSenderId" as const, senderId }))
        ])
      )
      const first = yield* withRepository((r) => r.listSenderIdPage(account.accountId, { limit: 2 }))
      assert.strictEqual(first.nextKey, SenderId.bookCursor(book[2] as SenderId.SenderId))
    }).pipe(Effect.provide(client))
  )
})

describe("a whole account book on SQLite", () => {
  it.live(
    "reads past the 32,766 variables one statement may bind, audit entries included",
    () =>
      Effect.gen(function* () {
        const size = 33_000
        const account = Fixture.account({ limit: size })
        yield* SenderIdRepository.use((repository) =>
          Effect.gen(function* () {
            yield* repository.commit([{ _tag: "InsertAccount", account }])
            for (let from = 0; from < size; from += 1_000) {
              yield* repository.commit(
                Array.from({ length: 1_000 }, (_, i) => ({
                  _tag: "InsertSenderId" as const,
                  senderId: Fixture.senderId(account.accountId, {
                    phoneNumber: `010${String(from + i).padStart(8, "0")}`
                  })
                }))
              )
            }
            const book = yield* repository.listSenderIds(account.accountId)
            assert.lengthOf(book, size)
            assert.isTrue(book.every((s) => s.log.length === 1))
          })
        ).pipe(Effect.provide(Sqlite.layer({ filename: join(directory, "large-book.db") })))
      }),
    { timeout: 120_000 }
  )
})
