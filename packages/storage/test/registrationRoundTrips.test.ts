/**
 * How many round trips a registration (`SenderIds.register`: the number's context, the commit, the
 * book) makes on PostgreSQL. Every statement the SQL client sends opens a span carrying its text
 * (`db.query.text`), so a tracer of the test's own counts them. BEGIN and COMMIT carry no text but
 * are round trips too: a transaction's span records them as events, so none may appear.
 */
import { assert, layer } from "@effect/vitest"
import { SenderIdRepository, SenderIds } from "@senderid/domain"
import { Fixture, registryOn } from "@senderid/domain/testing"
import { Effect } from "effect"
import * as Postgres from "../src/postgres.ts"
import { freshDatabase } from "./support/postgres.ts"
import { spansDuring } from "./support/spans.ts"

/** The SQL statements run inside `effect`, in order, and how many transactions it opened. */
const statementsDuring = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const { result, spans } = yield* spansDuring(effect)
    const statements = spans.flatMap((span) => {
      const text = span.attributes.get("db.query.text")
      return typeof text === "string" ? [text.replace(/\s+/gu, " ").trim()] : []
    })
    const transactions = spans.filter((span) =>
      span.events.some(([name]) => name.startsWith("effect.sql.transaction"))
    ).length
    return { result, statements, transactions }
  })

const registry = registryOn(Postgres.layer({ url: freshDatabase("round_trips") }))

const openAccount = (limit: number) =>
  Effect.gen(function* () {
    const account = Fixture.account({ limit })
    yield* SenderIdRepository.use((r) => r.commit([{ _tag: "InsertAccount", account }]))
    return account
  })

layer(registry, { excludeTestServices: true })("a registration on PostgreSQL", (it) => {
  it.effect("takes three round trips: its context, one statement to commit, the book", () =>
    Effect.gen(function* () {
      const senderIds = yield* SenderIds
      const account = yield* openAccount(5)
      yield* senderIds.register(account.accountId, { phoneNumber: "0223456789" })
      const { result, statements, transactions } = yield* statementsDuring(
        senderIds.register(account.accountId, { phoneNumber: "0322345679" })
      )
      assert.strictEqual(transactions, 0)
      assert.strictEqual(result.senderIds.length, 2)
      assert.deepStrictEqual(
        statements.map((text) => text.split(" ").slice(0, 2).join(" ")),
        ["SELECT account_id,", "WITH slot", "SELECT a.account_id,"],
        statements.join("\n")
      )
    })
  )

  it.effect("takes three round trips for a number another account holds (DUPLICATED)", () =>
    Effect.gen(function* () {
      const senderIds = yield* SenderIds
      const holder = yield* openAccount(5)
      const number = "0512345678"
      const held = yield* senderIds.add(holder.accountId, { phoneNumber: number })
      yield* SenderIdRepository.use((r) =>
        r.commit([{ _tag: "UpdateSenderId", senderId: { ...held, status: "ACTIVE" } }])
      )
      const account = yield* openAccount(5)
      const { result, statements, transactions } = yield* statementsDuring(
        senderIds.register(account.accountId, { phoneNumber: number })
      )
      assert.strictEqual(transactions, 0)
      assert.deepStrictEqual(
        result.senderIds.map((s) => s.status),
        ["DUPLICATED"]
      )
      assert.isAtMost(statements.length, 3, statements.join("\n"))
    })
  )
})
