/**
 * What an import would do, worked out before anything is registered: rows whose number is not a
 * number (the rules the server applies to an operator's registration, `PhoneNumber.validate` with
 * the permissive policy), rows for accounts that do not exist, rows with a value missing, rows
 * repeating an earlier one. Those are skipped (they are in the report, never sent); the rest, with
 * the accounts they would take past their limit, is what the operator is asked to approve.
 */
import { PhoneNumber } from "@senderid/domain"
import { Result } from "effect"
import type { ImportRow, RowResult } from "./BulkImport.ts"

/** What the registry says about an account the file names: what it holds and may hold. */
export interface AccountRoom {
  readonly held: number
  readonly limit: number
}

export interface ImportPlan {
  /** Rows that pass every check, in file order: what would be sent. */
  readonly send: ReadonlyArray<ImportRow>
  /** Rows that fail one, in file order, each with why: skipped, and in the report. */
  readonly skipped: ReadonlyArray<RowResult>
  /** How many accounts the rows to send are for. */
  readonly accounts: number
  /** Accounts the rows would take past their limit, and by how many rows (the server refuses those). */
  readonly overLimit: ReadonlyArray<{ readonly accountId: string; readonly over: number }>
  /** How many skipped rows each check caught. */
  readonly counts: Readonly<Record<SkipCode, number>>
}

export type SkipCode = "MissingValue" | "InvalidPhoneNumber" | "UnknownAccount" | "RepeatedRow"

/** An account id as the API takes it: others cannot exist, and are not asked about. */
const ACCOUNT_ID = /^[A-Za-z0-9_.-]{1,64}$/u

/**
 * Checks `rows`; `lookup` answers for the account ids that might exist (one call each, at most a
 * few at a time, is the caller's business) with those that do.
 */
export const checkImport = async (
  rows: ReadonlyArray<ImportRow>,
  lookup: (accountIds: ReadonlyArray<string>) => Promise<ReadonlyMap<string, AccountRoom>>
): Promise<ImportPlan> => {
  const named = [...new Set(rows.map((r) => r.accountId))].filter((id) => ACCOUNT_ID.test(id))
  const known = await lookup(named)
  const counts: Record<SkipCode, number> = {
    MissingValue: 0,
    InvalidPhoneNumber: 0,
    UnknownAccount: 0,
    RepeatedRow: 0
  }
  const send: Array<ImportRow> = []
  const skipped: Array<RowResult> = []
  const skip = (row: ImportRow, errorCode: SkipCode, errorMessage: string) => {
    counts[errorCode]++
    skipped.push({ ...row, ok: false, skipped: true, errorCode, errorMessage })
  }
  const seen = new Map<string, number>()
  for (const row of rows) {
    if (row.accountId === "" || row.phoneNumber === "") {
      skip(row, "MissingValue", "accountId and phoneNumber are both needed")
      continue
    }
    const verdict = PhoneNumber.validate(row.phoneNumber, PhoneNumber.permissivePolicy)
    if (Result.isFailure(verdict)) {
      skip(row, "InvalidPhoneNumber", verdict.failure.reason)
      continue
    }
    if (!known.has(row.accountId)) {
      skip(row, "UnknownAccount", `no account ${row.accountId}`)
      continue
    }
    const key = `${row.accountId}\u0000${verdict.success.phoneNumber}`
    const first = seen.get(key)
    if (first !== undefined) {
      skip(row, "RepeatedRow", `the same number for the same account as line ${first}`)
      continue
    }
    seen.set(key, row.line)
    send.push(row)
  }
  const adding = new Map<string, number>()
  for (const row of send) adding.set(row.accountId, (adding.get(row.accountId) ?? 0) + 1)
  const overLimit = [...adding].flatMap(([accountId, n]) => {
    const room = known.get(accountId)
    const over = room === undefined ? 0 : room.held + n - room.limit
    return over > 0 ? [{ accountId, over: Math.min(over, n) }] : []
  })
  return { send, skipped, accounts: adding.size, overLimit, counts }
}

/** The plan in a line: "8 rows: 4 to register for 1 account · 1 invalid number · …". */
export const planSummary = (plan: ImportPlan): string => {
  const { counts } = plan
  const total = plan.send.length + plan.skipped.length
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
  return [
    `${plural(total, "row", "rows")}: ${plan.send.length} to register for ${plural(plan.accounts, "account", "accounts")}`,
    counts.InvalidPhoneNumber > 0
      ? plural(counts.InvalidPhoneNumber, "invalid number", "invalid numbers")
      : "",
    counts.UnknownAccount > 0
      ? `${counts.UnknownAccount} for ${counts.UnknownAccount === 1 ? "an unknown account" : "unknown accounts"}`
      : "",
    counts.MissingValue > 0 ? `${counts.MissingValue} missing a value` : "",
    counts.RepeatedRow > 0 ? `${counts.RepeatedRow} repeated` : "",
    ...plan.overLimit.map((a) => `${a.accountId} over its limit by ${a.over}`)
  ]
    .filter((part) => part !== "")
    .join(" · ")
}
