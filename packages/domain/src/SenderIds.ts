/**
 * The customer's use cases for the sender IDs in its own account book: register, list, switch on
 * and off, delete, prove ownership by ARS or evidence, ask to unlock a duplicated number, ask for
 * a higher limit. Each runs read–decide–commit over the repository and retries on conflicts.
 */
import { Clock, Context, Duration, Effect, Layer, Option, Result } from "effect"
import { SecureRandom } from "effect/crypto"
import * as Account from "./Account.ts"
import * as ArsChallenge from "./ArsChallenge.ts"
import { accountActor } from "./AuditEntry.ts"
import {
  APPROVAL_CATEGORIES,
  assertUsable,
  type Document,
  type DocumentCategory,
  LIMITATION_CATEGORIES
} from "./Document.ts"
import * as Eligibility from "./Eligibility.ts"
import * as Identifier from "./Identifier.ts"
import { activationChanges } from "./internal/activation.ts"
import { eventOf, requireAccount, requireSenderId, retryOnConflict, stamp } from "./internal/unitOfWork.ts"
import { InvalidPhoneNumber, lookupKey, validate } from "./PhoneNumber.ts"
import { PinHasher } from "./PinHasher.ts"
import { RegistryPolicy } from "./RegistryPolicy.ts"
import * as SenderId from "./SenderId.ts"
import {
  AccountNotFound,
  ChallengeNotFound,
  ConcurrentModification,
  DocumentsRequired,
  NumberHeldByAnotherAccount,
  SenderIdAlreadyRegistered,
  type VerificationNotAllowed
} from "./SenderIdError.ts"
import { type AccountBook, type BookQuery, type Change, SenderIdRepository } from "./SenderIdRepository.ts"
import { VoiceCallProvider } from "./VoiceCallProvider.ts"

/** One page of the book: `nextKey` is the `startKey` of the following page, `null` on the last. */
export interface BookPage extends AccountBook {
  readonly nextKey: string | null
}

export interface RegisterInput {
  readonly phoneNumber: string
  /** Evidence documents: when given, an evidence review starts with the registration. */
  readonly documents?: ReadonlyArray<string> | undefined
  /** Renew the verification automatically when it lapses. */
  readonly autoExtension?: boolean | undefined
}

/** What `PUT /numbers/:phoneNumber` may change; at least one is given. */
export interface NumberChange {
  readonly status?: SenderId.SenderIdStatus | undefined
  readonly autoExtension?: boolean | undefined
}

export interface ArsCallPlaced {
  readonly transactionId: string
  readonly phoneNumber: string
  readonly expireAt: number
  readonly attemptsLeft: number
}

export class SenderIds extends Context.Service<SenderIds>()("@senderid/domain/SenderIds", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const voice = yield* VoiceCallProvider
    const policy = yield* RegistryPolicy
    const pins = yield* PinHasher
    // Identifiers and PINs come from the CSPRNG this service was built with.
    const drawing = Effect.provideService(SecureRandom.SecureRandom, yield* SecureRandom.SecureRandom)

    // One port read: on PostgreSQL one statement, so the book after a write is one round trip.
    const book = Effect.fn("SenderIds.book")(function* (accountId: string) {
      const found = yield* repository.findBook(accountId)
      if (Option.isNone(found)) return yield* new AccountNotFound({ accountId })
      return found.value satisfies AccountBook
    })

    /** A page of the book, read a page at a time from the store (never the whole book), with the
     * account it belongs to and the position where the next page starts. */
    const bookPage = Effect.fn("SenderIds.bookPage")(function* (accountId: string, query: BookQuery) {
      const account = yield* requireAccount(repository, accountId)
      const page = yield* repository.listSenderIdPage(accountId, query)
      return { account, senderIds: page.items, nextKey: page.nextKey } satisfies BookPage
    })

    /** Checks documents for a request: uploaded by this account, in a category the request accepts. */
    const usableDocuments = Effect.fn("SenderIds.usableDocuments")(function* (
      accountId: string,
      documentIds: ReadonlyArray<string>,
      accepted: ReadonlyArray<DocumentCategory>
    ) {
      if (documentIds.length === 0) return yield* new DocumentsRequired({})
      const unique = [...new Set(documentIds)]
      const documents = []
      for (const documentId of unique) {
        const found = yield* repository.findDocument(documentId)
        documents.push(yield* assertUsable(Option.getOrUndefined(found), documentId, accountId, accepted))
      }
      return documents
    })

    const markUsed = (documents: ReadonlyArray<Document>) =>
      documents
        .filter((d) => !d.use)
        .map((d): Change => ({ _tag: "UpdateDocument", document: { ...d, use: true } }))

    /** Registers one number and returns its sender ID (for bulk registration, which reports per item). */
    const add = Effect.fn("SenderIds.add")(function* (accountId: string, input: RegisterInput) {
      const verdict = validate(input.phoneNumber, { allowPremiumRate: policy.allowPremiumRate })
      if (Result.isFailure(verdict)) return yield* new InvalidPhoneNumber(verdict.failure)
      const { phoneNumber, category } = verdict.success
      return yield* retryOnConflict(
        Effect.gen(function* () {
          // No account read here: the commit refuses an unknown account (AccountNotFound) itself,
          // and registration is the hottest write, where every query per request shows: one read
          // answers both "registered already?" and "held elsewhere?".
          const context = yield* repository.registrationContext(accountId, phoneNumber)
          if (context.registered) {
            return yield* new SenderIdAlreadyRegistered({ accountId, phoneNumber })
          }
          const documents =
            input.documents && input.documents.length > 0
              ? yield* usableDocuments(accountId, input.documents, APPROVAL_CATEGORIES)
              : []
          const at = yield* stamp(accountActor(accountId))
          let senderId = SenderId.register({
            handleKey: yield* Identifier.make("SED"),
            accountId,
            phoneNumber,
            category,
            heldByAnotherAccount: context.holderAccounts.some((holder) => holder !== accountId),
            pendingTtl: policy.pendingTtl,
            autoExtension: input.autoExtension,
            at
          })
          // Evidence sent with the registration starts a review at once; a DUPLICATED number must
          // have its duplicate-unlock approved first, so its documents are not attached.
          const attach = documents.length > 0 && senderId.status === "PENDING"
          if (attach) {
            senderId = yield* SenderId.submitEvidence(
              senderId,
              { approvalId: yield* Identifier.make("APD"), documents: documents.map((d) => d.documentId) },
              at
            )
          }
          yield* repository.commit([
            { _tag: "InsertSenderId", senderId },
            ...(attach ? markUsed(documents) : []),
            yield* eventOf(
              senderId.status === "DUPLICATED" ? "senderid.duplicated" : "senderid.registered",
              accountId,
              at,
              {
                phoneNumber,
                status: senderId.status
              }
            ),
            ...(attach
              ? [yield* eventOf("review.requested", accountId, at, { phoneNumber, kind: "EVIDENCE" })]
              : [])
          ])
          return senderId
        })
      )
    }, drawing)

    /** Registers one number and returns the account book, as SOLAPI's endpoint does. */
    const register = Effect.fn("SenderIds.register")(function* (accountId: string, input: RegisterInput) {
      yield* add(accountId, input)
      return yield* book(accountId)
    })

    /** Numbers the account may send from right now. */
    const activeNumbers = Effect.fn("SenderIds.activeNumbers")(function* (accountId: string) {
      const { now } = yield* stamp(accountActor(accountId))
      return yield* repository.listUsableNumbers(accountId, now)
    })

    /** The question the message sender asks before every send, for many numbers at once: one
     * answer per input, in order, from one lean read (`sendingState`) of the distinct numbers. */
    const eligibilities = Effect.fn("SenderIds.eligibilities")(function* (
      accountId: string,
      phoneNumbers: ReadonlyArray<string>
    ) {
      const now = yield* Clock.currentTimeMillis
      const state = yield* repository.sendingState(accountId, Eligibility.keysOf(phoneNumbers))
      return Eligibility.decide(phoneNumbers, state, now)
    })

    /** May the account send from the number now, and if not, why. */
    const eligibility = Effect.fn("SenderIds.eligibility")(function* (
      accountId: string,
      phoneNumber: string
    ) {
      const [answer] = yield* eligibilities(accountId, [phoneNumber])
      // One input, one answer: `decide` maps inputs one to one.
      return answer as Eligibility.Eligibility
    })

    /** `eligibility`'s yes or no. */
    const maySendFrom = Effect.fn("SenderIds.maySendFrom")(function* (
      accountId: string,
      phoneNumber: string
    ) {
      return (yield* eligibility(accountId, phoneNumber)).eligible
    })

    const get = Effect.fn("SenderIds.get")(function* (accountId: string, phoneNumber: string) {
      return yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
    })

    /** Runs one transition on one sender ID and commits it with its event. */
    const transition = <E extends { readonly _tag: string }>(
      name: string,
      accountId: string,
      phoneNumber: string,
      decide: (
        senderId: SenderId.SenderId,
        at: SenderId.At
      ) => Effect.Effect<readonly [SenderId.SenderId, ReadonlyArray<Change>], E, SecureRandom.SecureRandom>
    ) =>
      retryOnConflict(
        Effect.gen(function* () {
          const current = yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
          const at = yield* stamp(accountActor(accountId))
          const [next, extra] = yield* decide(current, at)
          yield* repository.commit([{ _tag: "UpdateSenderId", senderId: next }, ...extra])
        })
      ).pipe(drawing, Effect.andThen(book(accountId)), Effect.withSpan(name))

    /** The owner's switches in one change, committed once: the status (ACTIVE ⇄ INACTIVE) and
     * auto-extension either both apply or neither does. A status equal to the current one sent
     * together with `autoExtension` changes auto-extension only (a client that always sends the
     * status it shows must still be able to switch it); sent alone it is refused as before. */
    const update = (accountId: string, phoneNumber: string, change: NumberChange) =>
      transition("SenderIds.update", accountId, phoneNumber, (current, at) =>
        Effect.gen(function* () {
          const keepStatus =
            change.status === undefined ||
            (change.autoExtension !== undefined && change.status === current.status)
          const switched = keepStatus
            ? current
            : yield* SenderId.setStatus(current, change.status as SenderId.SenderIdStatus, at)
          const next =
            change.autoExtension === undefined
              ? switched
              : SenderId.setAutoExtension(switched, change.autoExtension, at)
          const events = keepStatus
            ? []
            : [
                yield* eventOf("senderid.status_changed", accountId, at, {
                  phoneNumber: current.phoneNumber,
                  statusBefore: current.status,
                  status: next.status
                })
              ]
          return [next, events] as const
        })
      )

    const setStatus = (accountId: string, phoneNumber: string, status: SenderId.SenderIdStatus) =>
      update(accountId, phoneNumber, { status })

    const setAutoExtension = (accountId: string, phoneNumber: string, enabled: boolean) =>
      update(accountId, phoneNumber, { autoExtension: enabled })

    /** The documents only this sender ID's submissions used: with it gone, nothing uses them (SOLAPI's
     * `use` flag), so they may be deleted or reused. */
    const releasedDocuments = Effect.fn("SenderIds.releasedDocuments")(function* (
      accountId: string,
      removed: SenderId.SenderId
    ) {
      const candidates = new Set(removed.approvalDocuments.flatMap((a) => a.documents))
      if (candidates.size === 0) return []
      const account = yield* requireAccount(repository, accountId)
      const others = yield* repository.listSenderIds(accountId)
      for (const other of others) {
        if (other.handleKey === removed.handleKey) continue
        for (const submission of other.approvalDocuments)
          for (const id of submission.documents) candidates.delete(id)
      }
      for (const request of account.limitationRequests)
        for (const id of request.documents) candidates.delete(id)
      const changes: Array<Change> = []
      for (const documentId of candidates) {
        const found = yield* repository.findDocument(documentId)
        if (Option.isSome(found) && found.value.use) {
          changes.push({ _tag: "UpdateDocument", document: { ...found.value, use: false } })
        }
      }
      return changes
    })

    const remove = Effect.fn("SenderIds.remove")(function* (accountId: string, phoneNumber: string) {
      yield* retryOnConflict(
        Effect.gen(function* () {
          const current = yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
          const at = yield* stamp(accountActor(accountId))
          const deleted = yield* SenderId.markDeleted(current, at)
          yield* repository.commit([
            { _tag: "DeleteSenderId", senderId: deleted },
            ...(yield* releasedDocuments(accountId, current)),
            // The handle key finds the audit trail, which outlives the deletion.
            yield* eventOf("senderid.deleted", accountId, at, {
              phoneNumber: current.phoneNumber,
              handleKey: current.handleKey,
              statusBefore: current.status
            })
          ])
        })
      )
      return yield* book(accountId)
    }, drawing)

    /** Step one of ARS: open a challenge and have the provider call the number with its PIN. Calls
     * are rationed per sender ID (`RegistryPolicy.arsCallInterval`, `arsCallsPerDay`), and the new
     * challenge replaces any earlier one. */
    const startArs = Effect.fn("SenderIds.startArs")(function* (accountId: string, phoneNumber: string) {
      // Drawn and hashed once, before the read–decide–commit loop: a retry stored nothing, so it may
      // reuse them, and the loop does no crypto between its reads and its commit.
      const transactionId = yield* Identifier.make("ARS")
      const pin = yield* ArsChallenge.makePin(policy.pinLength)
      const pinHash = yield* pins.hash(transactionId, pin)
      const challenge = yield* retryOnConflict(
        Effect.gen(function* () {
          const senderId = yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
          yield* SenderId.assertArsAllowed(senderId)
          const holders = yield* repository.findHolders(senderId.phoneNumber)
          if (holders.some((h) => h.accountId !== accountId) && !SenderId.mayTakeOver(senderId)) {
            return yield* new NumberHeldByAnotherAccount({ phoneNumber: senderId.phoneNumber })
          }
          const at = yield* stamp(accountActor(accountId))
          // Rationed per number as well as per registration: deleting and registering again, or
          // registering from another account, must not buy more calls to someone's phone.
          const callsPlaced = yield* repository.callsPlaced(
            senderId.phoneNumber,
            at.now - Duration.toMillis(Duration.days(1))
          )
          yield* ArsChallenge.rationCall(senderId.phoneNumber, callsPlaced, at.now, {
            interval: policy.arsCallInterval,
            perDay: policy.arsCallsPerDay
          })
          const opened = ArsChallenge.open({
            transactionId,
            accountId,
            phoneNumber: senderId.phoneNumber,
            handleKey: senderId.handleKey,
            pinHash,
            maxAttempts: policy.challengeMaxAttempts,
            now: at.now,
            ttlMillis: Duration.toMillis(policy.challengeTtl)
          })
          const called = yield* SenderId.placeArsCall(
            senderId,
            {
              transactionId: opened.transactionId,
              interval: policy.arsCallInterval,
              perDay: policy.arsCallsPerDay
            },
            at
          )
          // Stored before the call, so the PIN the callee hears can always be checked; the sender ID's
          // version makes concurrent starts place one call, the others see it and are rationed.
          yield* repository.commit([
            { _tag: "UpdateSenderId", senderId: called },
            { _tag: "InsertChallenge", challenge: opened }
          ])
          return opened
        })
      )
      // The only place the PIN itself goes: the call that reads it to whoever answers.
      yield* voice.placeCall({
        transactionId: challenge.transactionId,
        phoneNumber: challenge.phoneNumber,
        pin
      })
      return {
        transactionId: challenge.transactionId,
        phoneNumber: challenge.phoneNumber,
        expireAt: challenge.expireAt,
        attemptsLeft: challenge.maxAttempts
      } satisfies ArsCallPlaced
    }, drawing)

    /** Step two of ARS: the PIN heard on the call. A wrong PIN is counted before it is reported. */
    const completeArs = Effect.fn("SenderIds.completeArs")(function* (
      accountId: string,
      phoneNumber: string,
      input: { readonly transactionId: string; readonly token: string }
    ) {
      const key = lookupKey(phoneNumber)
      const tokenHash = yield* pins.hash(input.transactionId, input.token)
      yield* retryOnConflict(
        Effect.gen(function* () {
          const found = yield* repository.findChallenge(input.transactionId)
          if (
            Option.isNone(found) ||
            found.value.accountId !== accountId ||
            found.value.phoneNumber !== key
          ) {
            return yield* new ChallengeNotFound({ transactionId: input.transactionId })
          }
          const at = yield* stamp(accountActor(accountId))
          // A challenge replaced by a later call is no longer answerable: one open PIN per number.
          const called = yield* requireSenderId(repository, accountId, key)
          if (!SenderId.isCurrentChallenge(called, input.transactionId)) {
            return yield* new ChallengeNotFound({ transactionId: input.transactionId })
          }
          const outcome = yield* ArsChallenge.attempt(found.value, tokenHash, at.now)
          if (outcome._tag === "Mismatch") {
            yield* repository.commit([{ _tag: "UpdateChallenge", challenge: outcome.challenge }])
            return yield* outcome.error
          }
          const current = yield* requireSenderId(repository, accountId, key)
          // A racing request may have used this challenge between our two reads: report that (via a
          // retry that re-reads the challenge), not the number's new status.
          const challengeUsedMeanwhile = (error: VerificationNotAllowed) =>
            Effect.gen(function* () {
              const latest = yield* repository.findChallenge(input.transactionId)
              if (Option.isSome(latest) && latest.value.version !== found.value.version) {
                return yield* new ConcurrentModification({ entity: "challenge", id: input.transactionId })
              }
              return yield* error
            })
          const verified = yield* SenderId.verifyByArs(current, policy.activeTtl, at).pipe(
            Effect.catchTag("VerificationNotAllowed", challengeUsedMeanwhile)
          )
          yield* repository.commit([
            { _tag: "UpdateChallenge", challenge: outcome.challenge },
            ...(yield* activationChanges(repository, policy, verified, at))
          ])
        })
      )
      return yield* book(accountId)
    }, drawing)

    const submitEvidence = (accountId: string, phoneNumber: string, documentIds: ReadonlyArray<string>) =>
      transition("SenderIds.submitEvidence", accountId, phoneNumber, (current, at) =>
        Effect.gen(function* () {
          const documents = yield* usableDocuments(accountId, documentIds, APPROVAL_CATEGORIES)
          const next = yield* SenderId.submitEvidence(
            current,
            { approvalId: yield* Identifier.make("APD"), documents: documents.map((d) => d.documentId) },
            at
          )
          const event = yield* eventOf("review.requested", accountId, at, {
            phoneNumber: current.phoneNumber,
            kind: "EVIDENCE"
          })
          return [next, [...markUsed(documents), event]] as const
        })
      )

    const requestUnlock = (
      accountId: string,
      phoneNumber: string,
      input: { readonly reason: string; readonly name?: string | undefined }
    ) =>
      transition("SenderIds.requestUnlock", accountId, phoneNumber, (current, at) =>
        Effect.gen(function* () {
          // A registration that lost the number to another account's verification while it waited
          // is DUPLICATED in fact: record that, so it can ask for the unlock its errors point to.
          let subject = current
          if (SenderId.isVerifiable(current) && !SenderId.mayTakeOver(current)) {
            const holders = yield* repository.findHolders(current.phoneNumber)
            if (holders.some((h) => h.accountId !== accountId)) {
              subject = SenderId.markHeldElsewhere(current, policy.pendingTtl, at)
            }
          }
          const next = yield* SenderId.requestUnlock(
            subject,
            {
              duplicateId: yield* Identifier.make("DUP"),
              reasonForRequested: input.reason,
              name: input.name ?? null
            },
            at
          )
          const event = yield* eventOf("review.requested", accountId, at, {
            phoneNumber: current.phoneNumber,
            kind: "DUPLICATE_UNLOCK"
          })
          return [next, [event]] as const
        })
      )

    const requestLimitation = Effect.fn("SenderIds.requestLimitation")(function* (
      accountId: string,
      input: { readonly documents: ReadonlyArray<string>; readonly limit: number }
    ) {
      yield* retryOnConflict(
        Effect.gen(function* () {
          const account = yield* requireAccount(repository, accountId)
          const documents = yield* usableDocuments(accountId, input.documents, LIMITATION_CATEGORIES)
          const at = yield* stamp(accountActor(accountId))
          const next = yield* Account.requestLimitation(
            account,
            {
              limitationId: yield* Identifier.make("LID"),
              documents: documents.map((d) => d.documentId),
              limitRequested: input.limit,
              maxLimit: policy.maxLimit
            },
            at
          )
          yield* repository.commit([
            { _tag: "UpdateAccount", account: next },
            ...markUsed(documents),
            yield* eventOf("review.requested", accountId, at, {
              kind: "LIMITATION",
              limitRequested: input.limit
            })
          ])
        })
      )
      return yield* book(accountId)
    }, drawing)

    return {
      book,
      bookPage,
      add,
      register,
      activeNumbers,
      maySendFrom,
      eligibility,
      eligibilities,
      get,
      update,
      setStatus,
      setAutoExtension,
      remove,
      startArs,
      completeArs,
      submitEvidence,
      requestUnlock,
      requestLimitation
    }
  })
}) {
  static readonly layer = Layer.effect(SenderIds, SenderIds.make)
}
