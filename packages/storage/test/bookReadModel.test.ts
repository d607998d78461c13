/**
 * The single writer's books in memory (`internal/bookReadModel.ts`) against the file itself: after
 * concurrent registrations, switches, deletions and refused commits, each interleaved with reads of
 * the same books, every book the read model answers equals the one a repository without it reads
 * from the file. Also with room for fewer books than there are accounts, so books are dropped and
 * read again mid-run.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { type Change, SenderIdRepository, type SenderIdRepositoryShape } from "@senderid/domain"
import { Fixture } from "@senderid/domain/testing"
import { Context, Deferred, Effect, Fiber, Layer, Option } from "effect"
import { makeBookReadModel } from "../src/internal/bookReadModel.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as Sqlite from "../src/sqlite.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-books-"))

/** Two repositories on one file: the single writer with its books, and a plain reader. */
const repositories = (file: string, maxBooks: number) =>
  Effect.gen(function* () {
    const client = Sqlite.layerClient({ filename: join(directory, file) })
    const context = yield* Layer.build(
      Layer.merge(
        Layer.effect(SenderIdRepository, SqlRepository.makeWith({ readModel: { maxBooks } })),
        Layer.effect(PlainReader, SqlRepository.make)
      ).pipe(Layer.provide(client))
    )
    return { writer: Context.get(context, SenderIdRepository), reader: Context.get(context, PlainReader) }
  })

class PlainReader extends Context.Service<PlainReader, SenderIdRepositoryShape>()("test/PlainReader") {}

/** Reads the writer's current state of a sender ID, then commits `change` built from it. */
const commitOn = (
  writer: SenderIdRepositoryShape,
  accountId: string,
  phoneNumber: string,
  change: (current: ReturnType<typeof Fixture.senderId>) => Change
) =>
  writer.findSenderId(accountId, phoneNumber).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.void,
        onSome: (current) => writer.commit([change(current)]).pipe(Effect.ignore)
      })
    )
  )

const scenario = (file: string, maxBooks: number) =>
  Effect.gen(function* () {
    const { writer, reader } = yield* repositories(file, maxBooks)
    const accounts = Array.from({ length: 12 }, () => Fixture.account({ limit: 6 }))
    yield* Effect.forEach(accounts, (account) => writer.commit([{ _tag: "InsertAccount", account }]))
    const registrations = accounts.flatMap((account) =>
      // Eight tries at a limit of six: two of each account's registrations are refused.
      Array.from({ length: 8 }, () =>
        Fixture.senderId(account.accountId, { status: "ACTIVE", expireAt: null })
      )
    )
    const reads = () =>
      Effect.forEach(
        accounts,
        (a) =>
          Effect.all([writer.listSenderIds(a.accountId), writer.listUsableNumbers(a.accountId, Fixture.NOW)]),
        {
          concurrency: "unbounded",
          discard: true
        }
      )
    yield* Effect.all(
      [
        reads(),
        Effect.forEach(
          registrations,
          (senderId) => writer.commit([{ _tag: "InsertSenderId", senderId }]).pipe(Effect.ignore),
          { concurrency: "unbounded", discard: true }
        ),
        reads()
      ],
      { concurrency: "unbounded" }
    )
    yield* Effect.all(
      [
        reads(),
        Effect.forEach(
          registrations,
          (senderId, i) =>
            i % 3 === 0
              ? commitOn(writer, senderId.accountId, senderId.phoneNumber, (current) => ({
                  _tag: "DeleteSenderId",
                  senderId: current
                }))
              : commitOn(writer, senderId.accountId, senderId.phoneNumber, (current) => ({
                  _tag: "UpdateSenderId",
                  senderId: Fixture.changed(current, { status: "INACTIVE" }, "status changed to INACTIVE")
                })),
          { concurrency: "unbounded", discard: true }
        ),
        reads()
      ],
      { concurrency: "unbounded" }
    )
    for (const account of accounts) {
      const fromBooks = yield* writer.listSenderIds(account.accountId)
      const fromFile = yield* reader.listSenderIds(account.accountId)
      assert.deepStrictEqual(fromBooks, fromFile, account.accountId)
      assert.isAtMost(fromFile.length, 6)
      assert.deepStrictEqual(
        yield* writer.findAccount(account.accountId),
        yield* reader.findAccount(account.accountId)
      )
      assert.deepStrictEqual(
        yield* writer.findBook(account.accountId),
        yield* reader.findBook(account.accountId)
      )
      assert.deepStrictEqual(
        yield* writer.listUsableNumbers(account.accountId, Fixture.NOW),
        yield* reader.listUsableNumbers(account.accountId, Fixture.NOW)
      )
      const numbers = registrations.filter((s) => s.accountId === account.accountId).map((s) => s.phoneNumber)
      const byNumber = (state: { readonly numbers: ReadonlyArray<{ readonly phoneNumber: string }> }) =>
        [...state.numbers].sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber))
      const fromBooksState = yield* writer.sendingState(account.accountId, numbers)
      const fromFileState = yield* reader.sendingState(account.accountId, numbers)
      assert.strictEqual(fromBooksState.accountSuspended, fromFileState.accountSuspended)
      assert.deepStrictEqual(byNumber(fromBooksState), byNumber(fromFileState))
      for (const phoneNumber of numbers.slice(0, 3)) {
        assert.deepStrictEqual(
          yield* writer.registrationContext(account.accountId, phoneNumber),
          yield* reader.registrationContext(account.accountId, phoneNumber)
        )
      }
    }
  })

describe("account books kept in memory by the single writer", () => {
  it.live("agree with the file after concurrent writes, refusals and reads", () =>
    Effect.scoped(scenario("all-books.db", 10_000))
  )
  it.live("agree with the file when books are dropped for room and read again", () =>
    Effect.scoped(scenario("few-books.db", 3))
  )
})

describe("a book read while a commit touches it", () => {
  it.live("is answered but not kept, so the next read sees the commit", () =>
    Effect.gen(function* () {
      const store = yield* SenderIdRepository
      const gate = yield* Deferred.make<void>()
      const read = yield* Deferred.make<void>()
      // The store's book read returns what it read before the commit, once the commit is through.
      const books = makeBookReadModel({
        ...store,
        findBook: (accountId) =>
          store.findBook(accountId).pipe(
            Effect.tap(() => Deferred.succeed(read, undefined)),
            Effect.tap(() => Deferred.await(gate))
          )
      })
      const account = Fixture.account()
      yield* store.commit([{ _tag: "InsertAccount", account }])
      const loading = yield* Effect.forkChild(books.reads.listSenderIds(account.accountId))
      yield* Deferred.await(read)
      const change: Change = { _tag: "InsertSenderId", senderId: Fixture.senderId(account.accountId) }
      yield* store.commit([change])
      books.apply([change])
      yield* Deferred.succeed(gate, undefined)
      assert.strictEqual((yield* Fiber.join(loading)).length, 0, "the read that began before the commit")
      assert.strictEqual((yield* books.reads.listSenderIds(account.accountId)).length, 1)
    }).pipe(Effect.provide(SenderIdRepository.layerMemory))
  )
})
