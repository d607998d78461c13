/**
 * Group commit on SQLite (`internal/groupCommit.ts`): the commits of one turn share a transaction,
 * yet each keeps its own answer — a refused one (limit reached, a duplicate) fails alone and leaves
 * nothing behind, and the account limit stays exact under a crowd of concurrent registrations.
 * Transactions are counted through a tracer: each one that commits records a commit event on its span.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { SenderIdRepository, SenderIds } from "@senderid/domain"
import { Fixture, registryOn } from "@senderid/domain/testing"
import { Effect } from "effect"
import * as Sqlite from "../src/sqlite.ts"
import { spansDuring } from "./support/spans.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-group-"))

/** How many transactions committed while `effect` ran. */
const transactionsDuring = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const { result, spans } = yield* spansDuring(effect)
    const committed = spans.filter((span) =>
      span.events.some(([name]) => name === "effect.sql.transaction.commit")
    ).length
    return { result, committed }
  })

const outcome = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "committed" }))

const TRIALS = 20
const CROWD = 200

layer(registryOn(Sqlite.layer({ filename: join(directory, "group.db") })), { excludeTestServices: true })(
  "group commit on SQLite",
  (it) => {
    it.effect("commits one turn's commits in a few transactions; the refused ones fail alone", () =>
      Effect.gen(function* () {
        const repository = yield* SenderIdRepository
        const account = Fixture.account({ limit: 10 })
        yield* repository.commit([{ _tag: "InsertAccount", account }])
        const taken = Fixture.senderId(account.accountId)
        const attempts = [
          taken,
          // The same number again: refused as a second registration, whatever lands around it.
          { ...Fixture.senderId(account.accountId), phoneNumber: taken.phoneNumber },
          ...Array.from({ length: 48 }, () => Fixture.senderId(account.accountId))
        ]
        const { result, committed } = yield* transactionsDuring(
          Effect.all(
            attempts.map((senderId) => outcome(repository.commit([{ _tag: "InsertSenderId", senderId }]))),
            { concurrency: "unbounded" }
          )
        )
        assert.strictEqual(result[0], "committed")
        assert.strictEqual(result[1], "SenderIdAlreadyRegistered")
        assert.strictEqual(result.filter((r) => r === "committed").length, 10)
        assert.strictEqual(result.filter((r) => r === "SenderIdLimitReached").length, 39)
        assert.isAtLeast(committed, 1)
        assert.isAtMost(committed, 5, `transactions: ${committed} for ${attempts.length} commits`)
        const book = yield* repository.listSenderIds(account.accountId)
        assert.strictEqual(book.length, 10)
        assert.includeMembers(
          book.map((s) => s.handleKey),
          attempts.filter((_, i) => result[i] === "committed").map((s) => s.handleKey)
        )
      })
    )

    it.effect(
      `registers exactly 2 of ${CROWD} concurrent registrations at a limit of 2, in ${TRIALS} of ${TRIALS} trials`,
      () =>
        Effect.gen(function* () {
          const repository = yield* SenderIdRepository
          const senderIds = yield* SenderIds
          for (let trial = 0; trial < TRIALS; trial++) {
            const account = Fixture.account({ limit: 2 })
            yield* repository.commit([{ _tag: "InsertAccount", account }])
            const results = yield* Effect.all(
              Array.from({ length: CROWD }, () =>
                outcome(senderIds.add(account.accountId, { phoneNumber: Fixture.phoneNumber() }))
              ),
              { concurrency: "unbounded" }
            )
            assert.strictEqual(results.filter((r) => r === "committed").length, 2, `trial ${trial}`)
            assert.strictEqual(results.filter((r) => r === "SenderIdLimitReached").length, CROWD - 2)
            assert.strictEqual((yield* repository.listSenderIds(account.accountId)).length, 2)
          }
        }),
      120_000
    )
  }
)
