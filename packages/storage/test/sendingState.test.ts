/**
 * Send eligibility's read (`sendingState`) is the message sender's hottest: on SQLite and
 * PostgreSQL it is one primary-key lookup of the account and one lookup per number in the index of
 * `one_registration_per_account` (account_id, phone_number), never a scan of the account's book,
 * and it reads no audit entry. D1 runs SQLite's plan.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { migrate } from "../src/Migrations.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as SqliteClient from "../src/sqliteClient.ts"
import { freshDatabase } from "./support/postgres.ts"
import { planOf, statementsOf } from "./support/queryPlans.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-sending-state-"))

describe.each([
  ["SQLite", SqliteClient.layer({ filename: join(directory, "plans.db") }), "sqlite_autoindex_sender_ids_2"],
  [
    "PostgreSQL",
    PgClient.layer({ url: Redacted.make(freshDatabase("sending_state")) }),
    "one_registration_per_account"
  ]
] as const)("the sending state on %s", (_, client, registrationIndex) => {
  it.live("looks each number up in the registration index, and reads no audit entry", () =>
    Effect.gen(function* () {
      yield* migrate
      const statements = yield* statementsOf(
        SqlRepository.make.pipe(
          Effect.flatMap((r) => r.sendingState("acct-1", ["01023456789", "0212345678", "15881234"]))
        )
      )
      assert.strictEqual(statements.length, 1)
      const [text, params] = statements[0] as readonly [string, ReadonlyArray<unknown>]
      assert.notInclude(text, "audit_entries")
      const plan = (yield* planOf(text, params)).join("\n")
      assert.include(plan, registrationIndex, plan)
      assert.notMatch(plan, /^SCAN \w+$|Seq Scan/mu, plan)
    }).pipe(Effect.provide(client))
  )

  it.live("binds at most 100 parameters per statement (D1's cap), however many numbers are asked", () =>
    Effect.gen(function* () {
      yield* migrate
      const numbers = Array.from({ length: 250 }, (_, i) => `0102${String(i).padStart(7, "0")}`)
      const statements = yield* statementsOf(
        SqlRepository.make.pipe(Effect.flatMap((r) => r.sendingState("acct-1", numbers)))
      )
      assert.strictEqual(statements.length, 3)
      for (const [, params] of statements) assert.isAtMost(params.length, 100)
      assert.deepStrictEqual(
        statements.flatMap(([, params]) => params.filter((p) => p !== "acct-1")),
        numbers
      )
    }).pipe(Effect.provide(client))
  )
})
