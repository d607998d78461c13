/**
 * Account books kept in memory as a write-through read model, for a process that is its database's
 * only writer (the embedded SQLite server). A book is read from the store once; from then on every
 * commit that touches it updates it from the changes it carries, in commit order (the commit's own
 * `afterCommit`), so reading a book, one of its numbers, or the numbers usable now costs no query.
 * Bounded: the least recently used books are dropped past `maxBooks`, and simply read again.
 */
import {
  type Account,
  type Change,
  type RepositoryError,
  SenderId,
  type SenderIdRepositoryShape
} from "@senderid/domain"
import { Effect, Option } from "effect"

/** Books kept by default; each is its account and its sender IDs with their audit logs. */
export const DEFAULT_MAX_BOOKS = 10_000

interface Book {
  account: Account.Account
  readonly byNumber: Map<string, SenderId.SenderId>
  /** `byNumber` in the book's order, sorted when first asked for after a change. */
  ordered: ReadonlyArray<SenderId.SenderId> | undefined
}

const orderedOf = (book: Book) => {
  book.ordered ??= [...book.byNumber.values()].sort(SenderId.bookOrder)
  return book.ordered
}

type Reads = Pick<
  SenderIdRepositoryShape,
  | "findAccount"
  | "findBook"
  | "findSenderId"
  | "listSenderIds"
  | "listUsableNumbers"
  | "isUsable"
  | "sendingState"
  | "registrationContext"
>

export interface BookReadModel {
  /** Brings the books these changes touch up to date; call it after they commit, in commit order. */
  readonly apply: (changes: ReadonlyArray<Change>) => void
  /** The store's reads, answered from the books where they can be. */
  readonly reads: Reads
}

export const makeBookReadModel = (store: Reads, maxBooks = DEFAULT_MAX_BOOKS): BookReadModel => {
  const books = new Map<string, Book>()
  // Reads of a book in flight, each flagged when a commit touches its account meanwhile: what it
  // read may then predate that commit, so it is answered but not kept.
  const loading = new Map<string, Set<{ stale: boolean }>>()

  const keep = (accountId: string, book: Book) => {
    books.delete(accountId)
    books.set(accountId, book)
    if (books.size > maxBooks) books.delete(books.keys().next().value as string)
  }

  /** The cached book, marked as the most recently used. */
  const cached = (accountId: string): Book | undefined => {
    const book = books.get(accountId)
    if (book !== undefined) keep(accountId, book)
    return book
  }

  const load = (accountId: string): Effect.Effect<Option.Option<Book>, RepositoryError> =>
    Effect.suspend(() => {
      const found = cached(accountId)
      if (found !== undefined) return Effect.succeed(Option.some(found))
      const read = { stale: false }
      const reads = loading.get(accountId) ?? new Set()
      reads.add(read)
      loading.set(accountId, reads)
      return store.findBook(accountId).pipe(
        Effect.map((found) => {
          if (Option.isNone(found)) return Option.none<Book>()
          const { account, senderIds } = found.value
          const book: Book = {
            account,
            byNumber: new Map(senderIds.map((s) => [s.phoneNumber, s])),
            ordered: senderIds
          }
          if (!read.stale) keep(accountId, book)
          return Option.some(book)
        }),
        Effect.ensuring(
          Effect.sync(() => {
            reads.delete(read)
            if (reads.size === 0) loading.delete(accountId)
          })
        )
      )
    })

  const touched = (accountId: string): Book | undefined => {
    for (const read of loading.get(accountId) ?? []) read.stale = true
    return books.get(accountId)
  }

  const changed = (book: Book) => {
    book.ordered = undefined
  }

  const apply = (changes: ReadonlyArray<Change>) => {
    for (const change of changes) {
      switch (change._tag) {
        case "InsertAccount": {
          touched(change.account.accountId)
          // A new account's book is empty: known without reading it.
          keep(change.account.accountId, { account: change.account, byNumber: new Map(), ordered: [] })
          break
        }
        case "UpdateAccount": {
          const book = touched(change.account.accountId)
          if (book !== undefined) book.account = { ...change.account, version: change.account.version + 1 }
          break
        }
        case "InsertSenderId": {
          const book = touched(change.senderId.accountId)
          if (book === undefined) break
          book.byNumber.set(change.senderId.phoneNumber, change.senderId)
          changed(book)
          break
        }
        case "UpdateSenderId": {
          const book = touched(change.senderId.accountId)
          if (book === undefined) break
          book.byNumber.set(change.senderId.phoneNumber, {
            ...change.senderId,
            version: change.senderId.version + 1
          })
          changed(book)
          break
        }
        case "DeleteSenderId": {
          const book = touched(change.senderId.accountId)
          if (book === undefined) break
          book.byNumber.delete(change.senderId.phoneNumber)
          changed(book)
          break
        }
        default:
          // Documents, challenges and events are not part of a book.
          break
      }
    }
  }

  const reads: Reads = {
    findAccount: (accountId) => {
      const book = cached(accountId)
      return book === undefined ? store.findAccount(accountId) : Effect.succeed(Option.some(book.account))
    },
    findSenderId: (accountId, phoneNumber) => {
      const book = cached(accountId)
      return book === undefined
        ? store.findSenderId(accountId, phoneNumber)
        : Effect.succeed(Option.fromNullishOr(book.byNumber.get(phoneNumber)))
    },
    listSenderIds: (accountId) =>
      load(accountId).pipe(Effect.map(Option.match({ onNone: () => [], onSome: orderedOf }))),
    // The read after every customer write: from the book, once it is here.
    findBook: (accountId) =>
      load(accountId).pipe(
        Effect.map(Option.map((book) => ({ account: book.account, senderIds: orderedOf(book) })))
      ),
    // Whether the number is held names other accounts, whose books may not be here: always the
    // store's one indexed statement, which the account's own book could not save.
    registrationContext: (accountId, phoneNumber) => store.registrationContext(accountId, phoneNumber),
    // The message sender's reads: from the book once it is here, so a busy sender costs no query.
    listUsableNumbers: (accountId, now) =>
      load(accountId).pipe(
        Effect.map(
          Option.match({
            onNone: () => [],
            onSome: (book) =>
              orderedOf(book).flatMap((s) => (SenderId.isUsable(s, now) ? [s.phoneNumber] : []))
          })
        )
      ),
    // Send eligibility, per message: the book's numbers, and the account's suspension beside them.
    sendingState: (accountId, phoneNumbers) =>
      load(accountId).pipe(
        Effect.map(
          Option.match({
            onNone: () => ({ accountSuspended: false, numbers: [] }),
            onSome: (book) => ({
              accountSuspended: book.account.suspension !== undefined,
              numbers: [...new Set(phoneNumbers)].flatMap((phoneNumber) => {
                const senderId = book.byNumber.get(phoneNumber)
                return senderId === undefined
                  ? []
                  : [{ phoneNumber, status: senderId.status, expireAt: senderId.expireAt }]
              })
            })
          })
        )
      ),
    isUsable: (accountId, phoneNumber, now) =>
      load(accountId).pipe(
        Effect.map(
          Option.match({
            onNone: () => false,
            onSome: (book) => {
              const senderId = book.byNumber.get(phoneNumber)
              return senderId !== undefined && SenderId.isUsable(senderId, now)
            }
          })
        )
      )
  }
  return { apply, reads }
}
