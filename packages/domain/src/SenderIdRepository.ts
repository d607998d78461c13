/**
 * The registry's storage port. Reads return aggregates (or counts, for the operator's dashboard);
 * every write goes through `commit`, which applies a batch of changes all-or-nothing and enforces
 * the invariants no single request can see: the account limit, one registration of a number per
 * account, at most one account holding a number, optimistic versions, and an append-only audit
 * trail. Adapters (memory here; SQLite, PostgreSQL and D1 in `@senderid/storage`) must pass the
 * conformance suite in `testing`.
 */
import { Context, type Effect, Layer, type Option } from "effect"
import type { Account } from "./Account.ts"
import type { ArsChallenge } from "./ArsChallenge.ts"
import type { AuditEntry } from "./AuditEntry.ts"
import type { Document, DocumentCategory } from "./Document.ts"
import type { SendingState } from "./Eligibility.ts"
import * as memory from "./internal/memoryRepository.ts"
import type { RegistryEvent } from "./RegistryEvent.ts"
import type { QueuedReview, ReviewKind } from "./Review.ts"
import type { BookPosition, SenderId, SenderIdStatus } from "./SenderId.ts"
import type {
  AccountAlreadyExists,
  AccountNotFound,
  ConcurrentModification,
  LimitBelowHeld,
  NumberHeldByAnotherAccount,
  RepositoryError,
  SenderIdAlreadyRegistered,
  SenderIdLimitReached
} from "./SenderIdError.ts"

/**
 * One write in a commit. Inserts store the aggregate as given (version 0). Updates and deletes
 * carry the aggregate as it was read plus the change: the stored version must equal the given
 * `version` (else `ConcurrentModification`) and becomes `version + 1`. A sender ID's `log` must
 * extend the stored log: entries are appended, never rewritten, and outlive a deletion.
 */
export type Change =
  | { readonly _tag: "InsertAccount"; readonly account: Account }
  | { readonly _tag: "UpdateAccount"; readonly account: Account }
  | { readonly _tag: "InsertSenderId"; readonly senderId: SenderId }
  | { readonly _tag: "UpdateSenderId"; readonly senderId: SenderId }
  | { readonly _tag: "DeleteSenderId"; readonly senderId: SenderId }
  | { readonly _tag: "InsertDocument"; readonly document: Document }
  | { readonly _tag: "UpdateDocument"; readonly document: Document }
  | { readonly _tag: "DeleteDocument"; readonly documentId: string }
  | { readonly _tag: "InsertChallenge"; readonly challenge: ArsChallenge }
  | { readonly _tag: "UpdateChallenge"; readonly challenge: ArsChallenge }
  | { readonly _tag: "AppendEvent"; readonly event: RegistryEvent }
  | { readonly _tag: "MarkEventsPublished"; readonly eventIds: ReadonlyArray<string> }

export type CommitError =
  | AccountAlreadyExists
  | AccountNotFound
  | SenderIdAlreadyRegistered
  | SenderIdLimitReached
  | NumberHeldByAnotherAccount
  | LimitBelowHeld
  | ConcurrentModification
  | RepositoryError

export interface DocumentQuery {
  readonly documentId?: string
  readonly category?: DocumentCategory
  readonly use?: boolean
  /** Inclusive bounds on `dateCreated` (epoch ms). */
  readonly from?: number
  readonly to?: number
  /** The first document id of the page (SOLAPI's `startKey`); documents are ordered by id, which
   * starts with the creation time. */
  readonly startKey?: string
  readonly limit: number
}

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** The `startKey` of the following page, `null` on the last one. */
  readonly nextKey: string | null
}

/** A page of an account book in its order (`SenderId.bookOrder`), optionally of one status. */
export interface BookQuery {
  readonly status?: SenderIdStatus
  /** Where the page starts (inclusive), from a previous page's `nextKey` (`SenderId.parseBookCursor`). */
  readonly start?: BookPosition
  readonly limit: number
}

/** The operator's review queue: pending reviews, oldest first, optionally of one kind or account. */
export interface ReviewQuery {
  readonly kind?: ReviewKind
  readonly accountId?: string
  /** The cursor of the page's first entry (`Review.queueCursor`), from a previous page's `nextKey`. */
  readonly startKey?: string
  readonly limit: number
}

/** Accounts in id order (code units); `search` keeps those whose id contains it, ignoring ASCII case. */
export interface AccountQuery {
  readonly search?: string
  /** The first account id of the page. */
  readonly startKey?: string
  readonly limit: number
}

/** Registrations holding their number (ACTIVE or INACTIVE) whose verification lapses in
 * `[from, to)`, soonest first (then by handle key), optionally of one account. */
export interface ExpiringQuery {
  readonly from: number
  readonly to: number
  readonly accountId?: string
  readonly limit: number
}

/** Consecutive windows of `weekMillis` each, the first starting at `now`, for `registryStats`. */
export interface StatsQuery {
  readonly now: number
  readonly weekMillis: number
  /** How many windows; a non-negative integer. */
  readonly weeks: number
}

/** The registry counted as a whole, for the operator's dashboard. Every status and kind is a key,
 * 0 when there is none. */
export interface RegistryCounts {
  readonly accounts: number
  readonly suspendedAccounts: number
  readonly senderIds: Readonly<Record<SenderIdStatus, number>>
  /** Pending reviews (the queue `listPendingReviews` pages through) by kind. */
  readonly reviews: Readonly<Record<ReviewKind, number>>
  /** One count per window: holders (ACTIVE or INACTIVE, as `listExpiring`) whose `expireAt` is in
   * `[now + i × weekMillis, now + (i + 1) × weekMillis)`, so an expiry on a window's end belongs to
   * the next one. */
  readonly expiringByWeek: ReadonlyArray<number>
}

/** An account and its whole book, oldest registration first (`SenderId.bookOrder`), each with its
 * audit log: what every SOLAPI sender-ID endpoint answers with. */
export interface AccountBook {
  readonly account: Account
  readonly senderIds: ReadonlyArray<SenderId>
}

/** What a new registration of a number is decided from, read together. */
export interface RegistrationContext {
  /** Whether the account has a registration of the number already (in any status). */
  readonly registered: boolean
  /** The accounts holding the number (ACTIVE or INACTIVE), without reading their registrations. */
  readonly holderAccounts: ReadonlyArray<string>
}

export interface SenderIdRepositoryShape {
  readonly findAccount: (accountId: string) => Effect.Effect<Option.Option<Account>, RepositoryError>
  /** The account with its book (`findAccount` and `listSenderIds` from one consistent view where the
   * store can give one); none when the account does not exist. The read after every customer write. */
  readonly findBook: (accountId: string) => Effect.Effect<Option.Option<AccountBook>, RepositoryError>
  readonly findSenderId: (
    accountId: string,
    phoneNumber: string
  ) => Effect.Effect<Option.Option<SenderId>, RepositoryError>
  /** The account's book, oldest registration first (`SenderId.bookOrder`). */
  readonly listSenderIds: (accountId: string) => Effect.Effect<ReadonlyArray<SenderId>, RepositoryError>
  /**
   * One page of the account's book, read from the store's index in the book's order, so a page
   * costs the same in a book of any size. `nextKey` (`SenderId.bookCursor`) is the position of the
   * first number after the page. Pages walked one after another while the book changes return
   * every number present throughout exactly once and a deleted one never after its deletion; a
   * number registered meanwhile appears when it sorts after the page being read (as every later
   * registration does).
   */
  readonly listSenderIdPage: (
    accountId: string,
    query: BookQuery
  ) => Effect.Effect<Page<SenderId>, RepositoryError>
  /**
   * The phone numbers the account may send from at `now`, in the book's order: its sender IDs that
   * `SenderId.isUsable` accepts (ACTIVE, and `expireAt` null or after `now`). The hot read of the
   * message sender: phone numbers only, no audit log.
   */
  readonly listUsableNumbers: (
    accountId: string,
    now: number
  ) => Effect.Effect<ReadonlyArray<string>, RepositoryError>
  /** Whether the account's registration of the number is usable at `now` (`SenderId.isUsable`),
   * without reading the sender ID; false when there is none. */
  readonly isUsable: (
    accountId: string,
    phoneNumber: string,
    now: number
  ) => Effect.Effect<boolean, RepositoryError>
  /**
   * What send eligibility is decided from (`Eligibility.decide`): whether the account is suspended,
   * and the status and `expireAt` of its registrations of these numbers (those it has, in any
   * order). The message sender's hottest read: no aggregate and no audit log is loaded, and any
   * number of numbers costs one indexed lookup each. An unknown account is not suspended and has no
   * registrations.
   */
  readonly sendingState: (
    accountId: string,
    phoneNumbers: ReadonlyArray<string>
  ) => Effect.Effect<SendingState, RepositoryError>
  /** Registrations of the number, in any account, that hold it (ACTIVE or INACTIVE). */
  readonly findHolders: (phoneNumber: string) => Effect.Effect<ReadonlyArray<SenderId>, RepositoryError>
  /** `findSenderId`'s "is there one" and the accounts `findHolders` would name, in one read and
   * without loading a registration: the hottest write's only read before its commit. */
  readonly registrationContext: (
    accountId: string,
    phoneNumber: string
  ) => Effect.Effect<RegistrationContext, RepositoryError>
  /** Sender IDs whose `expireAt` is at or before `now` and that are not EXPIRED yet, oldest expiry first. */
  readonly listLapsed: (now: number, limit: number) => Effect.Effect<ReadonlyArray<SenderId>, RepositoryError>
  /** Every audit entry ever written for a sender ID, including after its deletion. */
  readonly auditTrail: (handleKey: string) => Effect.Effect<ReadonlyArray<AuditEntry>, RepositoryError>
  readonly listExpiring: (query: ExpiringQuery) => Effect.Effect<ReadonlyArray<SenderId>, RepositoryError>
  /** Pending reviews across accounts (`SenderId.pendingReviews`, `Account.pendingReviews`), kept
   * current by `commit` in the same transaction as the aggregates they come from. */
  readonly listPendingReviews: (query: ReviewQuery) => Effect.Effect<Page<QueuedReview>, RepositoryError>
  readonly listAccounts: (query: AccountQuery) => Effect.Effect<Page<Account>, RepositoryError>
  /** How many sender IDs each of these accounts holds: its registrations in any status, what its
   * limit counts (a page of `listAccounts`, say). Accounts that do not exist are left out. */
  readonly countHeld: (
    accountIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, number>, RepositoryError>
  /** Counts across every account, aggregated by the store: no aggregate is loaded. */
  readonly registryStats: (query: StatsQuery) => Effect.Effect<RegistryCounts, RepositoryError>
  readonly findDocument: (documentId: string) => Effect.Effect<Option.Option<Document>, RepositoryError>
  readonly listDocuments: (
    accountId: string,
    query: DocumentQuery
  ) => Effect.Effect<Page<Document>, RepositoryError>
  /** When ARS calls were placed to the number (challenges opened, any account, any registration,
   * deleted ones included) at or after `since`, newest first: calls are rationed per number. */
  readonly callsPlaced: (
    phoneNumber: string,
    since: number
  ) => Effect.Effect<ReadonlyArray<number>, RepositoryError>
  readonly findChallenge: (
    transactionId: string
  ) => Effect.Effect<Option.Option<ArsChallenge>, RepositoryError>
  /** Events not yet marked published, in commit order. */
  readonly unpublishedEvents: (limit: number) => Effect.Effect<ReadonlyArray<RegistryEvent>, RepositoryError>
  readonly commit: (changes: ReadonlyArray<Change>) => Effect.Effect<void, CommitError>
}

export class SenderIdRepository extends Context.Service<SenderIdRepository, SenderIdRepositoryShape>()(
  "@senderid/domain/SenderIdRepository"
) {
  /** A fresh, empty in-memory registry: for tests and local development. */
  static readonly layerMemory = Layer.effect(SenderIdRepository, memory.make)
}
