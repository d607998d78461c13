/**
 * A database from before migration `5_review_queue`, for the backfill tests on every engine:
 * aggregates holding each kind of pending review, written as the adapters wrote them then (their
 * rows and audit logs, no queue), and what the queue must show once the migration ran. No Node
 * imports: the D1 suite in workerd uses it too.
 */
import { assert } from "@effect/vitest"
import { Account, Review, SenderId, SenderIdRepository } from "@senderid/domain"
import { Fixture } from "@senderid/domain/testing"
import { Array as Arr, Effect, Option } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { accountInsertRow, accountSubject, auditRowsOf, senderIdInsertRow } from "../../src/internal/rows.ts"

const pending = (dateCreated: number) => ({
  status: "PENDING" as const,
  reason: null,
  dateCreated,
  dateUpdated: dateCreated
})

/** An account with a pending limit request (and a decided one), a sender ID with pending evidence
 * (and approved evidence), and a DUPLICATED one with a pending unlock request. */
export const legacyAggregates = () => {
  const opened = Fixture.account({ limit: 5 })
  const accountId = opened.accountId
  const account: Account.Account = {
    ...opened,
    limitationRequests: [
      {
        limitationId: `LID-${accountId}-1`,
        documents: [],
        limitRequested: 9,
        limitBeforeRequest: 5,
        ...pending(20)
      },
      {
        limitationId: `LID-${accountId}-0`,
        documents: [],
        limitRequested: 7,
        limitBeforeRequest: 5,
        ...pending(5),
        status: "REJECTED",
        reason: "no"
      }
    ]
  }
  const evidence = Fixture.changed(Fixture.senderId(accountId), {
    approvalDocuments: [
      { approvalId: `APD-${accountId}-0`, documents: [], ...pending(5), status: "APPROVED" },
      { approvalId: `APD-${accountId}-1`, documents: ["DOC1"], ...pending(30) }
    ]
  })
  const unlock = Fixture.changed(Fixture.senderId(accountId, { status: "DUPLICATED" }), {
    unlockDuplicate: {
      duplicateId: `DUP-${accountId}`,
      reasonForRequested: "번호 이전",
      name: null,
      ...pending(10),
      consumedAt: null
    }
  })
  return { account, senderIds: [evidence, unlock] as const }
}
export type LegacyAggregates = ReturnType<typeof legacyAggregates>

/** Writes the aggregates as the adapters did before the queue existed: their rows and audit logs. */
export const insertLegacyRows = ({ account, senderIds }: LegacyAggregates) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`INSERT INTO accounts ${sql.insert({ ...accountInsertRow(account), held: senderIds.length })}`
    for (const senderId of senderIds)
      yield* sql`INSERT INTO sender_ids ${sql.insert(senderIdInsertRow(senderId))}`
    // The audit table of that time had no request_id or api_key (`7_audit_request`), nor note
    // (`9_review_notes`).
    const legacy = (rows: ReadonlyArray<Record<string, unknown>>) =>
      rows.map(({ request_id: _request, api_key: _key, note: _note, ...row }) => row)
    const logs = [
      legacy(auditRowsOf(accountSubject(account.accountId), account.accountId, account.log)),
      ...senderIds.map((s) => legacy(auditRowsOf(s.handleKey, s.accountId, s.log)))
    ]
    for (const rows of logs) {
      if (Arr.isReadonlyArrayNonEmpty(rows)) yield* sql`INSERT INTO audit_entries ${sql.insert(rows)}`
    }
  })

/** After the migration: the queue holds exactly what the domain says is pending, filed under the
 * right aggregates (deciding a review takes it out), and the aggregates read back unchanged. */
export const expectBackfilled = ({ account, senderIds }: LegacyAggregates) =>
  Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const [evidence] = senderIds
    const expected = [...Account.pendingReviews(account), ...senderIds.flatMap(SenderId.pendingReviews)].sort(
      Review.queueOrder
    )
    assert.deepStrictEqual(
      expected.map((r) => r.kind),
      ["DUPLICATE_UNLOCK", "LIMITATION", "EVIDENCE"]
    )
    assert.deepStrictEqual(
      yield* repository.listPendingReviews({ accountId: account.accountId, limit: 10 }),
      {
        items: expected,
        nextKey: null
      }
    )
    const everywhere = yield* repository.listPendingReviews({ limit: 1000 })
    assert.deepStrictEqual(
      everywhere.items.filter((r) => r.accountId === account.accountId),
      expected
    )
    assert.deepStrictEqual(Option.getOrThrow(yield* repository.findAccount(account.accountId)), account)

    const decidedAccount = {
      ...account,
      limitationRequests: account.limitationRequests.map((r) => ({ ...r, status: "APPROVED" as const }))
    }
    const decidedEvidence = Fixture.changed(evidence, {
      approvalDocuments: evidence.approvalDocuments.map((a) => ({ ...a, status: "APPROVED" as const }))
    })
    yield* repository.commit([
      { _tag: "UpdateAccount", account: decidedAccount },
      { _tag: "UpdateSenderId", senderId: decidedEvidence }
    ])
    const left = yield* repository.listPendingReviews({ accountId: account.accountId, limit: 10 })
    assert.deepStrictEqual(
      left.items.map((r) => r.kind),
      ["DUPLICATE_UNLOCK"]
    )
  })
