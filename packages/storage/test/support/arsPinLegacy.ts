/**
 * Challenges as they were stored before `10_ars_pin_hash` — the PIN in plain text in the body — and
 * what that migration must leave of them, shared by the SQLite/PostgreSQL and D1 tests.
 */
import { assert } from "@effect/vitest"
import { ArsChallenge, SenderIdRepository } from "@senderid/domain"
import { Effect, Option } from "effect"
import * as SqlClient from "effect/sql/SqlClient"

const CREATED = Date.UTC(2027, 0, 15, 8, 0, 0)

/** An open challenge still answerable at the upgrade, and one already completed. */
export const legacyChallenges = () => {
  const suffix = Math.random().toString(36).slice(2, 8).toUpperCase().padEnd(6, "0")
  const base = {
    accountId: "LEGACY",
    phoneNumber: "01023456789",
    handleKey: `SED20270115170000LEGACY${suffix}0`,
    maxAttempts: 5,
    expireAt: CREATED + 300_000,
    dateCreated: CREATED,
    dateUpdated: CREATED
  }
  return [
    {
      ...base,
      transactionId: `ARS20270115170000OPEN${suffix}00`,
      pin: "482913",
      status: "OPEN",
      attempts: 1
    },
    {
      ...base,
      transactionId: `ARS20270115170000DONE${suffix}00`,
      pin: "705128",
      status: "COMPLETED",
      attempts: 0
    }
  ] as const
}

export const insertLegacyChallenges = (challenges: ReturnType<typeof legacyChallenges>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    for (const { transactionId, ...body } of challenges) {
      yield* sql`INSERT INTO challenges (transaction_id, version, body, phone_number, placed_at)
        VALUES (${transactionId}, 0, ${JSON.stringify({ transactionId, ...body })}, ${body.phoneNumber},
          ${body.dateCreated})`
    }
  })

/** No PIN left in any body; the open challenge expired at its creation, so answering it — even with
 * its old PIN, before its old expiry — reports ChallengeExpired; the completed one stays used. */
export const expectPinsGone = (challenges: ReturnType<typeof legacyChallenges>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const repository = yield* SenderIdRepository
    const [open, done] = challenges
    for (const legacy of challenges) {
      const rows = yield* sql<{ body: string }>`SELECT body FROM challenges
        WHERE transaction_id = ${legacy.transactionId}`
      assert.notInclude(rows[0]?.body ?? "", legacy.pin)
      assert.notProperty(JSON.parse(rows[0]?.body ?? "{}"), "pin")
    }
    const opened = Option.getOrThrow(yield* repository.findChallenge(open.transactionId))
    assert.strictEqual(opened.pinHash, "")
    assert.strictEqual(opened.expireAt, open.dateCreated)
    assert.strictEqual(opened.attempts, 1)
    const answered = yield* Effect.flip(ArsChallenge.attempt(opened, open.pin, open.dateCreated + 1000))
    assert.strictEqual(answered._tag, "ChallengeExpired")
    const completed = Option.getOrThrow(yield* repository.findChallenge(done.transactionId))
    assert.strictEqual(completed.status, "COMPLETED")
    const reused = yield* Effect.flip(ArsChallenge.attempt(completed, done.pin, done.dateCreated + 1000))
    assert.strictEqual(reused._tag, "ChallengeAlreadyUsed")
  })
