/**
 * Exactness under concurrency against the real engines, through the real use cases: the limit,
 * one registration per account and one holder per number hold when hundreds of requests race, and
 * no raw engine error (busy, deadlock, serialization failure) ever reaches a caller.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, layer } from "@effect/vitest"
import {
  Accounts,
  AuditEntry,
  DevelopmentCalls,
  RegistryPolicy,
  SenderIdRepository,
  SenderIds
} from "@senderid/domain"
import { registryOn } from "@senderid/domain/testing"
import { Duration, Effect, Layer, References } from "effect"
import * as Postgres from "../src/postgres.ts"
import * as Sqlite from "../src/sqlite.ts"
import { freshDatabase } from "./support/postgres.ts"

const RACERS = 200
const ROUNDS = 20
const CLAIMANTS = 50

let sequence = 0
const uniqueAccount = () => `race-${Date.now().toString(36)}-${++sequence}`
const mobile = (n: number) => `0102${String(n).padStart(7, "0")}`

const outcomeOf = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "success" }))

const count = (outcomes: ReadonlyArray<string>) => {
  const counts: Record<string, number> = {}
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1
  return counts
}

const openAccount = (limit: number) =>
  Effect.gen(function* () {
    const accountId = uniqueAccount()
    yield* Accounts.use((accounts) => accounts.open(AuditEntry.systemActor, accountId, { limit }))
    return accountId
  })

const unrationedCalls = Layer.succeed(RegistryPolicy, {
  ...RegistryPolicy.defaultValue(),
  arsCallInterval: Duration.zero,
  arsCallsPerDay: 1_000_000
})

const races = (engine: string, repository: Layer.Layer<SenderIdRepository, unknown>) =>
  // Warnings only: the development ARS provider logs every PIN it "reads", 50 calls per round here.
  layer(
    Layer.merge(
      // Calls to one number are rationed (a minute apart); the 50-claimant race needs 50 calls at once.
      registryOn(repository).pipe(Layer.provide(unrationedCalls)),
      Layer.succeed(References.MinimumLogLevel, "Warn")
    ),
    {
      timeout: "300 seconds",
      excludeTestServices: true
    }
  )(`${engine} under concurrency`, (it) => {
    let numbers = 1_000_000 * (1 + Math.floor(Math.random() * 8))

    it.effect(
      `${RACERS} concurrent registrations against a limit of 2 create exactly 2, ${ROUNDS} times over`,
      () =>
        Effect.gen(function* () {
          for (let round = 0; round < ROUNDS; round++) {
            const accountId = yield* openAccount(2)
            const outcomes = yield* Effect.forEach(
              Array.from({ length: RACERS }, () => mobile(++numbers)),
              (phoneNumber) => outcomeOf(SenderIds.use((s) => s.register(accountId, { phoneNumber }))),
              { concurrency: "unbounded" }
            )
            assert.deepStrictEqual(
              count(outcomes),
              { success: 2, SenderIdLimitReached: RACERS - 2 },
              `round ${round}`
            )
            const book = yield* SenderIds.use((s) => s.book(accountId))
            assert.strictEqual(book.senderIds.length, 2)
          }
        }),
      300_000
    )

    it.effect(`one number registered ${RACERS} times at once in one account yields one sender ID`, () =>
      Effect.gen(function* () {
        const accountId = yield* openAccount(5)
        const phoneNumber = mobile(++numbers)
        const outcomes = yield* Effect.forEach(
          Array.from({ length: RACERS }),
          () => outcomeOf(SenderIds.use((s) => s.register(accountId, { phoneNumber }))),
          { concurrency: "unbounded" }
        )
        assert.deepStrictEqual(count(outcomes), { success: 1, SenderIdAlreadyRegistered: RACERS - 1 })
        assert.strictEqual((yield* SenderIds.use((s) => s.book(accountId))).senderIds.length, 1)
      })
    )

    it.effect(`one number verified by ${CLAIMANTS} accounts at once ends with one holder`, () =>
      Effect.gen(function* () {
        const phoneNumber = mobile(++numbers)
        const accounts = yield* Effect.forEach(Array.from({ length: CLAIMANTS }), () =>
          Effect.gen(function* () {
            const accountId = yield* openAccount(2)
            yield* SenderIds.use((s) => s.register(accountId, { phoneNumber }))
            const call = yield* SenderIds.use((s) => s.startArs(accountId, phoneNumber))
            const calls = yield* DevelopmentCalls.use((d) => d.calls)
            const pin = calls.find((c) => c.transactionId === call.transactionId)?.pin ?? ""
            return { accountId, transactionId: call.transactionId, pin }
          })
        )
        const outcomes = yield* Effect.forEach(
          accounts,
          ({ accountId, transactionId, pin }) =>
            outcomeOf(
              SenderIds.use((s) => s.completeArs(accountId, phoneNumber, { transactionId, token: pin }))
            ),
          { concurrency: "unbounded" }
        )
        assert.deepStrictEqual(count(outcomes), { success: 1, NumberHeldByAnotherAccount: CLAIMANTS - 1 })
        const holders = yield* SenderIdRepository.use((r) => r.findHolders(phoneNumber))
        assert.strictEqual(holders.length, 1)
        assert.strictEqual(holders[0]?.status, "ACTIVE")
      })
    )
  })

describe("registry races", () => {
  const directory = mkdtempSync(join(tmpdir(), "senderid-race-"))
  races("SQLite (NORMAL)", Sqlite.layer({ filename: join(directory, "race.db") }))
  races("PostgreSQL", Postgres.layer({ url: freshDatabase("race"), maxConnections: 10 }))
})
