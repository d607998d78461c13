/**
 * The operator's hand on accounts: list and search them, open one with its limit, set a limit
 * directly, suspend and reinstate an account or one of its numbers, and register a special number
 * (112-style) for the public body that owns it — the one registration that is ACTIVE at once,
 * because an operator's decision is its proof.
 */
import { Cache, Context, Duration, Effect, Layer, Option, Result } from "effect"
import { SecureRandom } from "effect/crypto"
import * as Account from "./Account.ts"
import { type Actor, operatorActor } from "./AuditEntry.ts"
import * as Identifier from "./Identifier.ts"
import { eventOf, requireAccount, requireSenderId, retryOnConflict, stamp } from "./internal/unitOfWork.ts"
import { InvalidPhoneNumber, lookupKey, validate } from "./PhoneNumber.ts"
import { RegistryPolicy } from "./RegistryPolicy.ts"
import * as SenderId from "./SenderId.ts"
import { AccountSuspended, SenderIdAlreadyRegistered } from "./SenderIdError.ts"
import { type AccountQuery, SenderIdRepository } from "./SenderIdRepository.ts"

/** How long an instance trusts what it read about an account's suspension. */
export const SUSPENSION_CACHE_TTL = Duration.seconds(5)

export class Accounts extends Context.Service<Accounts>()("@senderid/domain/Accounts", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const policy = yield* RegistryPolicy
    // Identifiers come from the CSPRNG this service was built with.
    const drawing = Effect.provideService(SecureRandom.SecureRandom, yield* SecureRandom.SecureRandom)

    const open = Effect.fn("Accounts.open")(function* (
      actor: Actor,
      accountId: string,
      options?: { readonly limit?: number | undefined }
    ) {
      const at = yield* stamp(actor)
      const account = Account.open(accountId, options?.limit ?? policy.defaultLimit, at)
      yield* repository.commit([{ _tag: "InsertAccount", account }])
      return account
    })

    /** Opens the account unless it exists; for composition roots that seed a demo account. */
    const ensure = Effect.fn("Accounts.ensure")(function* (actor: Actor, accountId: string) {
      const found = yield* repository.findAccount(accountId)
      return Option.isSome(found) ? found.value : yield* open(actor, accountId)
    })

    const setLimit = Effect.fn("Accounts.setLimit")(function* (
      operatorId: string,
      accountId: string,
      limit: number
    ) {
      return yield* retryOnConflict(
        Effect.gen(function* () {
          const account = yield* requireAccount(repository, accountId)
          const held = (yield* repository.listSenderIds(accountId)).length
          const at = yield* stamp(operatorActor(operatorId))
          const next = yield* Account.setLimit(account, limit, held, at)
          yield* repository.commit([
            { _tag: "UpdateAccount", account: next },
            yield* eventOf("account.limit_changed", accountId, at, { before: account.limit, limit })
          ])
          return next
        })
      )
    }, drawing)

    const registerSpecialNumber = Effect.fn("Accounts.registerSpecialNumber")(function* (
      operatorId: string,
      accountId: string,
      phoneNumber: string
    ) {
      const verdict = validate(phoneNumber, { allowSpecialShort: true, allowPremiumRate: true })
      if (Result.isFailure(verdict)) return yield* new InvalidPhoneNumber(verdict.failure)
      const valid = verdict.success
      yield* requireAccount(repository, accountId)
      if (Option.isSome(yield* repository.findSenderId(accountId, valid.phoneNumber))) {
        return yield* new SenderIdAlreadyRegistered({ accountId, phoneNumber: valid.phoneNumber })
      }
      const at = yield* stamp(operatorActor(operatorId))
      const senderId = SenderId.registerByOperator({
        handleKey: yield* Identifier.make("SED"),
        accountId,
        phoneNumber: valid.phoneNumber,
        category: valid.category,
        activeTtl: policy.activeTtl,
        at
      })
      yield* repository.commit([
        { _tag: "InsertSenderId", senderId },
        yield* eventOf("senderid.activated", accountId, at, {
          phoneNumber: senderId.phoneNumber,
          method: "OPERATOR",
          expireAt: senderId.expireAt
        })
      ])
      return senderId
    }, drawing)

    // Read on every customer request, so kept for a few seconds per instance: a suspension made on
    // another instance applies here within `SUSPENSION_CACHE_TTL`, one made here at once.
    const suspensions = yield* Cache.make({
      capacity: 10_000,
      timeToLive: SUSPENSION_CACHE_TTL,
      lookup: (accountId: string) =>
        repository
          .findAccount(accountId)
          .pipe(Effect.map(Option.flatMap((account) => Option.fromUndefinedOr(account.suspension))))
    })

    /** Fails with `AccountSuspended` while an operator suspends the account. */
    const assertNotSuspended = (accountId: string) =>
      Cache.get(suspensions, accountId).pipe(
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.void,
            onSome: (suspension) =>
              Effect.fail(new AccountSuspended({ accountId, reason: suspension.reason }))
          })
        )
      )

    const suspend = Effect.fn("Accounts.suspend")(function* (
      operatorId: string,
      accountId: string,
      reason: string
    ) {
      const next = yield* retryOnConflict(
        Effect.gen(function* () {
          const account = yield* requireAccount(repository, accountId)
          const at = yield* stamp(operatorActor(operatorId))
          const suspended = yield* Account.suspend(account, reason, operatorId, at)
          yield* repository.commit([
            { _tag: "UpdateAccount", account: suspended },
            yield* eventOf("account.suspended", accountId, at, { reason })
          ])
          return suspended
        })
      )
      yield* Cache.invalidate(suspensions, accountId)
      return next
    }, drawing)

    const reinstate = Effect.fn("Accounts.reinstate")(function* (operatorId: string, accountId: string) {
      const next = yield* retryOnConflict(
        Effect.gen(function* () {
          const account = yield* requireAccount(repository, accountId)
          const at = yield* stamp(operatorActor(operatorId))
          const reinstated = yield* Account.reinstate(account, at)
          yield* repository.commit([
            { _tag: "UpdateAccount", account: reinstated },
            yield* eventOf("account.reinstated", accountId, at, {})
          ])
          return reinstated
        })
      )
      yield* Cache.invalidate(suspensions, accountId)
      return next
    }, drawing)

    const suspendNumber = Effect.fn("Accounts.suspendNumber")(function* (
      operatorId: string,
      accountId: string,
      phoneNumber: string,
      reason: string
    ) {
      yield* retryOnConflict(
        Effect.gen(function* () {
          const current = yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
          const at = yield* stamp(operatorActor(operatorId))
          const next = yield* SenderId.suspend(current, reason, operatorId, at)
          yield* repository.commit([
            { _tag: "UpdateSenderId", senderId: next },
            yield* eventOf("senderid.suspended", accountId, at, {
              phoneNumber: next.phoneNumber,
              statusBefore: current.status,
              reason
            })
          ])
        })
      )
      return yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
    }, drawing)

    const liftNumberSuspension = Effect.fn("Accounts.liftNumberSuspension")(function* (
      operatorId: string,
      accountId: string,
      phoneNumber: string
    ) {
      yield* retryOnConflict(
        Effect.gen(function* () {
          const current = yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
          const at = yield* stamp(operatorActor(operatorId))
          const next = yield* SenderId.liftSuspension(current, at)
          yield* repository.commit([
            { _tag: "UpdateSenderId", senderId: next },
            yield* eventOf("senderid.suspension_lifted", accountId, at, { phoneNumber: next.phoneNumber })
          ])
        })
      )
      return yield* requireSenderId(repository, accountId, lookupKey(phoneNumber))
    }, drawing)

    /** Accounts in id order, a page at a time, optionally searched by part of the id. */
    const list = (query: AccountQuery) =>
      repository.listAccounts(query).pipe(Effect.withSpan("Accounts.list"))

    /** How many sender IDs each account holds (what its limit counts), for a page of `list`. */
    const countHeld = (accountIds: ReadonlyArray<string>) =>
      repository.countHeld(accountIds).pipe(Effect.withSpan("Accounts.countHeld"))

    return {
      open,
      ensure,
      setLimit,
      registerSpecialNumber,
      list,
      countHeld,
      suspend,
      reinstate,
      assertNotSuspended,
      suspendNumber,
      liftNumberSuspension
    }
  })
}) {
  static readonly layer = Layer.effect(Accounts, Accounts.make)
}
