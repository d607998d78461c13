/**
 * The in-memory `SenderIdRepository`: the whole registry in one immutable snapshot behind a `Ref`.
 * A commit applies its changes to a copy and swaps it in with one `Ref.modify`, so a batch is
 * atomic and isolated the way a serializable database transaction is.
 */
import { Effect, Option, Ref } from "effect"
import type { Account } from "../Account.ts"
import { pendingReviews as accountReviews } from "../Account.ts"
import type { ArsChallenge } from "../ArsChallenge.ts"
import type { AuditEntry } from "../AuditEntry.ts"
import type { Document } from "../Document.ts"
import type { RegistryEvent } from "../RegistryEvent.ts"
import { parseQueueCursor, type QueuedReview, queueCursor, queueOrder, ReviewKind } from "../Review.ts"
import {
  bookCursor,
  bookOrder,
  holds,
  isUsable,
  type SenderId,
  SenderIdStatus,
  pendingReviews as senderIdReviews
} from "../SenderId.ts"
import {
  AccountAlreadyExists,
  AccountNotFound,
  ConcurrentModification,
  LimitBelowHeld,
  NumberHeldByAnotherAccount,
  RepositoryError,
  SenderIdAlreadyRegistered,
  SenderIdLimitReached
} from "../SenderIdError.ts"
import type { Change, CommitError, SenderIdRepositoryShape } from "../SenderIdRepository.ts"

interface Snapshot {
  readonly accounts: ReadonlyMap<string, Account>
  /** Keyed by `accountId/phoneNumber`. */
  readonly senderIds: ReadonlyMap<string, SenderId>
  readonly documents: ReadonlyMap<string, Document>
  readonly challenges: ReadonlyMap<string, ArsChallenge>
  readonly audit: ReadonlyMap<string, ReadonlyArray<AuditEntry>>
  readonly outbox: ReadonlyArray<{ readonly event: RegistryEvent; readonly published: boolean }>
}

const empty: Snapshot = {
  accounts: new Map(),
  senderIds: new Map(),
  documents: new Map(),
  challenges: new Map(),
  audit: new Map(),
  outbox: []
}

/** Code-unit order, as the SQL adapters' binary collation sorts text. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Lower case for A–Z only, as SQLite's `lower()` does, so every adapter searches alike. */
const asciiLower = (text: string) => text.replace(/[A-Z]/gu, (c) => c.toLowerCase())

/** A count for every key, each 0. */
const zeroes = <K extends string>(keys: ReadonlyArray<K>): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>

const keyOf = (accountId: string, phoneNumber: string) => `${accountId}/${phoneNumber}`

type Draft = {
  -readonly [K in keyof Snapshot]: Snapshot[K] extends ReadonlyMap<infer K2, infer V>
    ? Map<K2, V>
    : Snapshot[K]
}

const conflict = (entity: string, id: string) => new ConcurrentModification({ entity, id })

/** The stored log must be a prefix of the new one: entries are appended, never rewritten. */
const appendAudit = (draft: Draft, stored: SenderId | undefined, next: SenderId) => {
  const before = stored?.log.length ?? 0
  if (next.log.length < before) {
    throw new RepositoryError({
      operation: "commit",
      cause: new Error("audit log entries cannot be removed")
    })
  }
  const trail = draft.audit.get(next.handleKey) ?? []
  draft.audit.set(next.handleKey, [...trail, ...next.log.slice(before)])
}

const otherHolder = (draft: Draft, self: SenderId) => {
  for (const other of draft.senderIds.values()) {
    if (other.phoneNumber === self.phoneNumber && other.accountId !== self.accountId && holds(other))
      return other
  }
  return undefined
}

const countBook = (draft: Pick<Snapshot, "senderIds">, accountId: string) => {
  let held = 0
  for (const s of draft.senderIds.values()) if (s.accountId === accountId) held++
  return held
}

/** Applies one change to the draft, or returns the error that refuses the whole commit. */
const apply = (draft: Draft, change: Change): CommitError | undefined => {
  switch (change._tag) {
    case "InsertAccount": {
      const { account } = change
      if (draft.accounts.has(account.accountId))
        return new AccountAlreadyExists({ accountId: account.accountId })
      draft.accounts.set(account.accountId, account)
      return
    }
    case "UpdateAccount": {
      const { account } = change
      const stored = draft.accounts.get(account.accountId)
      if (!stored || stored.version !== account.version) return conflict("account", account.accountId)
      const held = countBook(draft, account.accountId)
      if (account.limit < held)
        return new LimitBelowHeld({ accountId: account.accountId, limit: account.limit, held })
      draft.accounts.set(account.accountId, { ...account, version: account.version + 1 })
      return
    }
    case "InsertSenderId": {
      const { senderId } = change
      const account = draft.accounts.get(senderId.accountId)
      if (!account) return new AccountNotFound({ accountId: senderId.accountId })
      const key = keyOf(senderId.accountId, senderId.phoneNumber)
      if (draft.senderIds.has(key)) {
        return new SenderIdAlreadyRegistered({
          accountId: senderId.accountId,
          phoneNumber: senderId.phoneNumber
        })
      }
      if (countBook(draft, senderId.accountId) >= account.limit) {
        return new SenderIdLimitReached({ accountId: senderId.accountId, limit: account.limit })
      }
      if (holds(senderId) && otherHolder(draft, senderId)) {
        return new NumberHeldByAnotherAccount({ phoneNumber: senderId.phoneNumber })
      }
      appendAudit(draft, undefined, senderId)
      draft.senderIds.set(key, senderId)
      return
    }
    case "UpdateSenderId":
    case "DeleteSenderId": {
      const { senderId } = change
      const key = keyOf(senderId.accountId, senderId.phoneNumber)
      const stored = draft.senderIds.get(key)
      if (!stored || stored.version !== senderId.version || stored.handleKey !== senderId.handleKey) {
        return conflict("senderId", senderId.handleKey)
      }
      if (change._tag === "UpdateSenderId" && holds(senderId) && otherHolder(draft, senderId)) {
        return new NumberHeldByAnotherAccount({ phoneNumber: senderId.phoneNumber })
      }
      appendAudit(draft, stored, senderId)
      if (change._tag === "DeleteSenderId") draft.senderIds.delete(key)
      else draft.senderIds.set(key, { ...senderId, version: senderId.version + 1 })
      return
    }
    case "InsertDocument":
      if (draft.documents.has(change.document.documentId))
        return conflict("document", change.document.documentId)
      draft.documents.set(change.document.documentId, change.document)
      return
    case "UpdateDocument":
      if (!draft.documents.has(change.document.documentId))
        return conflict("document", change.document.documentId)
      draft.documents.set(change.document.documentId, change.document)
      return
    case "DeleteDocument":
      if (!draft.documents.delete(change.documentId)) return conflict("document", change.documentId)
      return
    case "InsertChallenge":
      if (draft.challenges.has(change.challenge.transactionId)) {
        return conflict("challenge", change.challenge.transactionId)
      }
      draft.challenges.set(change.challenge.transactionId, change.challenge)
      return
    case "UpdateChallenge": {
      const { challenge } = change
      const stored = draft.challenges.get(challenge.transactionId)
      if (!stored || stored.version !== challenge.version)
        return conflict("challenge", challenge.transactionId)
      draft.challenges.set(challenge.transactionId, { ...challenge, version: challenge.version + 1 })
      return
    }
    case "AppendEvent":
      draft.outbox = [...draft.outbox, { event: change.event, published: false }]
      return
    case "MarkEventsPublished": {
      const ids = new Set(change.eventIds)
      draft.outbox = draft.outbox.map((e) => (ids.has(e.event.eventId) ? { ...e, published: true } : e))
      return
    }
  }
}

const applyAll = (
  snapshot: Snapshot,
  changes: ReadonlyArray<Change>
): readonly [CommitError | undefined, Snapshot] => {
  const draft: Draft = {
    accounts: new Map(snapshot.accounts),
    senderIds: new Map(snapshot.senderIds),
    documents: new Map(snapshot.documents),
    challenges: new Map(snapshot.challenges),
    audit: new Map(snapshot.audit),
    outbox: snapshot.outbox
  }
  try {
    for (const change of changes) {
      const error = apply(draft, change)
      if (error) return [error, snapshot]
    }
  } catch (error) {
    return [
      error instanceof RepositoryError ? error : new RepositoryError({ operation: "commit", cause: error }),
      snapshot
    ]
  }
  return [undefined, draft]
}

export const make: Effect.Effect<SenderIdRepositoryShape> = Effect.gen(function* () {
  const state = yield* Ref.make(empty)
  const read = <A>(f: (s: Snapshot) => A) => Ref.get(state).pipe(Effect.map(f))

  return {
    findAccount: (accountId) => read((s) => Option.fromNullishOr(s.accounts.get(accountId))),
    findSenderId: (accountId, phoneNumber) =>
      read((s) => Option.fromNullishOr(s.senderIds.get(keyOf(accountId, phoneNumber)))),
    listSenderIds: (accountId) =>
      read((s) => [...s.senderIds.values()].filter((x) => x.accountId === accountId).sort(bookOrder)),
    findBook: (accountId) =>
      read((s) =>
        Option.map(Option.fromNullishOr(s.accounts.get(accountId)), (account) => ({
          account,
          senderIds: [...s.senderIds.values()].filter((x) => x.accountId === accountId).sort(bookOrder)
        }))
      ),
    listSenderIdPage: (accountId, query) =>
      read((s) => {
        const { start } = query
        const matching = [...s.senderIds.values()]
          .filter(
            (x) =>
              x.accountId === accountId &&
              (query.status === undefined || x.status === query.status) &&
              (start === undefined || bookOrder(x, { ...x, ...start }) >= 0)
          )
          .sort(bookOrder)
        const after = matching[query.limit]
        return { items: matching.slice(0, query.limit), nextKey: after ? bookCursor(after) : null }
      }),
    listUsableNumbers: (accountId, now) =>
      read((s) =>
        [...s.senderIds.values()]
          .filter((x) => x.accountId === accountId && isUsable(x, now))
          .sort(bookOrder)
          .map((x) => x.phoneNumber)
      ),
    isUsable: (accountId, phoneNumber, now) =>
      read((s) => {
        const found = s.senderIds.get(keyOf(accountId, phoneNumber))
        return found !== undefined && isUsable(found, now)
      }),
    sendingState: (accountId, phoneNumbers) =>
      read((s) => ({
        accountSuspended: s.accounts.get(accountId)?.suspension !== undefined,
        numbers: [...new Set(phoneNumbers)].flatMap((phoneNumber) => {
          const found = s.senderIds.get(keyOf(accountId, phoneNumber))
          return found === undefined
            ? []
            : [{ phoneNumber: found.phoneNumber, status: found.status, expireAt: found.expireAt }]
        })
      })),
    findHolders: (phoneNumber) =>
      read((s) => [...s.senderIds.values()].filter((x) => x.phoneNumber === phoneNumber && holds(x))),
    registrationContext: (accountId, phoneNumber) =>
      read((s) => ({
        registered: s.senderIds.has(keyOf(accountId, phoneNumber)),
        holderAccounts: [...s.senderIds.values()]
          .filter((x) => x.phoneNumber === phoneNumber && holds(x))
          .map((x) => x.accountId)
      })),
    listLapsed: (now, limit) =>
      read((s) =>
        [...s.senderIds.values()]
          .filter((x) => x.expireAt !== null && x.expireAt <= now && x.status !== "EXPIRED")
          .sort((a, b) => (a.expireAt ?? 0) - (b.expireAt ?? 0))
          .slice(0, limit)
      ),
    listExpiring: (query) =>
      read((s) =>
        [...s.senderIds.values()]
          .filter(
            (x) =>
              holds(x) &&
              x.expireAt !== null &&
              x.expireAt >= query.from &&
              x.expireAt < query.to &&
              (query.accountId === undefined || x.accountId === query.accountId)
          )
          .sort((a, b) => (a.expireAt ?? 0) - (b.expireAt ?? 0) || compare(a.handleKey, b.handleKey))
          .slice(0, query.limit)
      ),
    listPendingReviews: (query) =>
      read((s) => {
        const start = query.startKey === undefined ? undefined : parseQueueCursor(query.startKey)
        const all: Array<QueuedReview> = [
          ...[...s.accounts.values()].flatMap(accountReviews),
          ...[...s.senderIds.values()].flatMap(senderIdReviews)
        ]
        const matching = all
          .filter(
            (r) =>
              (query.kind === undefined || r.kind === query.kind) &&
              (query.accountId === undefined || r.accountId === query.accountId) &&
              (start === undefined || queueOrder(r, { ...r, ...start }) >= 0)
          )
          .sort(queueOrder)
        const after = matching[query.limit]
        return { items: matching.slice(0, query.limit), nextKey: after ? queueCursor(after) : null }
      }),
    listAccounts: (query) =>
      read((s) => {
        const needle = query.search === undefined ? undefined : asciiLower(query.search)
        const matching = [...s.accounts.values()]
          .filter(
            (a) =>
              (needle === undefined || asciiLower(a.accountId).includes(needle)) &&
              (query.startKey === undefined || a.accountId >= query.startKey)
          )
          .sort((a, b) => compare(a.accountId, b.accountId))
        return { items: matching.slice(0, query.limit), nextKey: matching[query.limit]?.accountId ?? null }
      }),
    countHeld: (accountIds) =>
      read(
        (s) =>
          new Map(accountIds.filter((id) => s.accounts.has(id)).map((id) => [id, countBook(s, id)] as const))
      ),
    registryStats: (query) =>
      read((s) => {
        const accounts = [...s.accounts.values()]
        const senderIds = zeroes(SenderIdStatus.literals)
        const reviews = zeroes(ReviewKind.literals)
        const expiringByWeek = Array.from({ length: query.weeks }, () => 0)
        const end = query.now + query.weeks * query.weekMillis
        for (const senderId of s.senderIds.values()) {
          senderIds[senderId.status]++
          for (const review of senderIdReviews(senderId)) reviews[review.kind]++
          const { expireAt } = senderId
          if (holds(senderId) && expireAt !== null && expireAt >= query.now && expireAt < end) {
            const week = Math.floor((expireAt - query.now) / query.weekMillis)
            expiringByWeek[week] = (expiringByWeek[week] ?? 0) + 1
          }
        }
        for (const account of accounts) {
          for (const review of accountReviews(account)) reviews[review.kind]++
        }
        return {
          accounts: accounts.length,
          suspendedAccounts: accounts.filter((a) => a.suspension !== undefined).length,
          senderIds,
          reviews,
          expiringByWeek
        }
      }),
    auditTrail: (handleKey) => read((s) => s.audit.get(handleKey) ?? []),
    findDocument: (documentId) => read((s) => Option.fromNullishOr(s.documents.get(documentId))),
    listDocuments: (accountId, query) =>
      read((s) => {
        const matching = [...s.documents.values()]
          .filter(
            (d) =>
              d.accountId === accountId &&
              (query.documentId === undefined || d.documentId === query.documentId) &&
              (query.category === undefined || d.category === query.category) &&
              (query.use === undefined || d.use === query.use) &&
              (query.from === undefined || d.dateCreated >= query.from) &&
              (query.to === undefined || d.dateCreated <= query.to) &&
              (query.startKey === undefined || d.documentId >= query.startKey)
          )
          .sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0))
        return {
          items: matching.slice(0, query.limit),
          nextKey: matching[query.limit]?.documentId ?? null
        }
      }),
    callsPlaced: (phoneNumber, since) =>
      read((s) =>
        Array.from(s.challenges.values())
          .filter((c) => c.phoneNumber === phoneNumber && c.dateCreated >= since)
          .map((c) => c.dateCreated)
          .sort((a, b) => b - a)
      ),
    findChallenge: (transactionId) => read((s) => Option.fromNullishOr(s.challenges.get(transactionId))),
    unpublishedEvents: (limit) =>
      read((s) =>
        s.outbox
          .filter((e) => !e.published)
          .slice(0, limit)
          .map((e) => e.event)
      ),
    commit: (changes) =>
      Ref.modify(state, (snapshot) => applyAll(snapshot, changes)).pipe(
        Effect.flatMap((error) => (error ? Effect.fail(error) : Effect.void))
      )
  }
})
