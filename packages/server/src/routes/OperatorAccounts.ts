/**
 * The operator's account routes: list and search accounts, open one, read its book, set its limit,
 * suspend and reinstate it or one of its numbers, issue and revoke its API keys, register a number
 * for it ACTIVE at once, read one of its numbers and a number's audit trail, and watch and run
 * expiries. Every change is recorded with the operator as its actor.
 */
import { OperatorWire, Wire } from "@senderid/contract"
import {
  Accounts,
  type ApiKeyScope,
  ApiKeys,
  Expiry,
  SenderIdNotFound,
  SenderIdRepository,
  SenderIds,
  toApiKeySummary
} from "@senderid/domain"
import { Effect, Option } from "effect"
import { generateCredentials } from "../Credentials.ts"
import { pageLimit } from "../QueryParameters.ts"
import { reject } from "../RequestError.ts"
import type { Handlers } from "../Route.ts"

const ACCOUNT_PAGE_DEFAULT = 20
const ACCOUNT_PAGE_MAX = 100
const EXPIRING_DEFAULT = 100
const EXPIRING_MAX = 1000
const EXPIRING_DAYS_DEFAULT = 30
const EXPIRING_DAYS_MAX = 366

/** The account named in the path, which must exist. */
const existingAccount = (accountId: string) => SenderIds.use((s) => s.book(accountId))

export const operatorAccountHandlers: Handlers<
  | "listAccounts"
  | "openAccount"
  | "getAccount"
  | "setLimit"
  | "suspendAccount"
  | "reinstateAccount"
  | "suspendNumber"
  | "liftNumberSuspension"
  | "listKeys"
  | "issueKey"
  | "revokeKey"
  | "registerSpecialNumber"
  | "getAccountNumber"
  | "getAuditTrail"
  | "getAuditTrailByHandle"
  | "listExpiring"
  | "sweepExpiries"
> = {
  listAccounts: ({ query }) =>
    Effect.gen(function* () {
      const limit = yield* pageLimit(query.limit, "limit", ACCOUNT_PAGE_DEFAULT, ACCOUNT_PAGE_MAX)
      const search = query.search?.[0]
      const startKey = query.startKey?.[0]
      const page = yield* Accounts.use((a) =>
        a.list({
          limit,
          ...(search === undefined || search === "" ? {} : { search }),
          ...(startKey === undefined ? {} : { startKey })
        })
      )
      const held = yield* Accounts.use((a) => a.countHeld(page.items.map((account) => account.accountId)))
      return {
        accounts: page.items.map((account) => ({
          ...OperatorWire.accountSummary(account),
          senderIdCount: held.get(account.accountId) ?? 0
        })),
        nextKey: page.nextKey
      }
    }),

  openAccount: ({ operatorId, body }) =>
    Effect.gen(function* () {
      const account = yield* Accounts.use((a) =>
        a.open({ type: "OPERATOR", id: operatorId }, body.accountId, { limit: body.limit })
      )
      return Wire.accountBook({ account, senderIds: [] })
    }),

  getAccount: ({ param }) =>
    existingAccount(param("accountId")).pipe(Effect.map((book) => Wire.accountBook(book))),

  setLimit: ({ operatorId, param, body }) =>
    Effect.gen(function* () {
      const accountId = param("accountId")
      yield* Accounts.use((a) => a.setLimit(operatorId, accountId, body.limit))
      return Wire.accountBook(yield* existingAccount(accountId))
    }),

  suspendAccount: ({ operatorId, param, body }) =>
    Accounts.use((a) => a.suspend(operatorId, param("accountId"), body.reason)).pipe(
      Effect.map(OperatorWire.accountSummary)
    ),

  reinstateAccount: ({ operatorId, param }) =>
    Accounts.use((a) => a.reinstate(operatorId, param("accountId"))).pipe(
      Effect.map(OperatorWire.accountSummary)
    ),

  suspendNumber: ({ operatorId, param, body }) =>
    Accounts.use((a) =>
      a.suspendNumber(operatorId, param("accountId"), param("phoneNumber"), body.reason)
    ).pipe(Effect.map(Wire.senderIdView)),

  liftNumberSuspension: ({ operatorId, param }) =>
    Accounts.use((a) => a.liftNumberSuspension(operatorId, param("accountId"), param("phoneNumber"))).pipe(
      Effect.map(Wire.senderIdView)
    ),

  listKeys: ({ param }) =>
    Effect.gen(function* () {
      const accountId = param("accountId")
      yield* existingAccount(accountId)
      const keys = yield* ApiKeys.use((k) => k.list({ accountId }))
      return keys.map(OperatorWire.apiKeyView)
    }),

  issueKey: ({ param, body }) =>
    Effect.gen(function* () {
      const accountId = param("accountId")
      yield* existingAccount(accountId)
      const credentials = yield* generateCredentials()
      const record = yield* ApiKeys.use((k) =>
        k.issue({
          ...credentials,
          accountId,
          scopes: [...new Set<ApiKeyScope>(body.scopes ?? ["senderid:read", "senderid:write"])]
        })
      )
      const { secret, ...summary } = record
      return { ...OperatorWire.apiKeyView(summary), apiSecret: secret }
    }),

  revokeKey: ({ param }) =>
    Effect.gen(function* () {
      const apiKey = param("apiKey")
      const keys = yield* ApiKeys
      yield* keys.revoke(apiKey)
      // `revoke` dropped this instance's cached copy, so this reads the store.
      const revoked = yield* keys.find(apiKey)
      if (Option.isNone(revoked)) return yield* reject("NotFound")
      return OperatorWire.apiKeyView(toApiKeySummary(revoked.value))
    }),

  registerSpecialNumber: ({ operatorId, param, body }) =>
    Accounts.use((a) => a.registerSpecialNumber(operatorId, param("accountId"), body.phoneNumber)).pipe(
      Effect.map(Wire.senderIdView)
    ),

  getAccountNumber: ({ param }) =>
    SenderIds.use((s) => s.get(param("accountId"), param("phoneNumber"))).pipe(
      Effect.map(OperatorWire.senderIdView)
    ),

  getAuditTrail: ({ param }) =>
    Effect.gen(function* () {
      const senderId = yield* SenderIds.use((s) => s.get(param("accountId"), param("phoneNumber")))
      const entries = yield* SenderIdRepository.use((r) => r.auditTrail(senderId.handleKey))
      return { handleKey: senderId.handleKey, entries: entries.map(OperatorWire.auditEntryView) }
    }),

  getAuditTrailByHandle: ({ param }) =>
    Effect.gen(function* () {
      const handleKey = param("handleKey")
      const entries = yield* SenderIdRepository.use((r) => r.auditTrail(handleKey))
      // Entries are never deleted: none means the handle key was never issued.
      if (entries.length === 0) return yield* new SenderIdNotFound({ accountId: "", phoneNumber: handleKey })
      return { handleKey, entries: entries.map(OperatorWire.auditEntryView) }
    }),

  listExpiring: ({ query }) =>
    Effect.gen(function* () {
      const days = yield* pageLimit(query.withinDays, "withinDays", EXPIRING_DAYS_DEFAULT, EXPIRING_DAYS_MAX)
      const limit = yield* pageLimit(query.limit, "limit", EXPIRING_DEFAULT, EXPIRING_MAX)
      const accountId = query.accountId?.[0]
      const found = yield* Expiry.use((e) => e.expiring({ days, limit, accountId }))
      return {
        from: Wire.isoDate(found.from),
        to: Wire.isoDate(found.to),
        senderIds: found.senderIds.map((s) => ({ accountId: s.accountId, ...Wire.senderIdView(s) }))
      }
    }),

  sweepExpiries: () => Expiry.use((e) => e.sweep())
}
