/**
 * The operator's hand on accounts: list and search them, open one with its limit, set a limit
 * directly, and register a special number (112-style) for the public body that owns it — the one
 * registration that is ACTIVE at once, because an operator's decision is its proof.
 */
import { Context, Effect, Layer, Option, Result } from "effect"
import * as Account from "./Account.ts"
import { type Actor, operatorActor } from "./AuditEntry.ts"
import * as Identifier from "./Identifier.ts"
import { eventOf, requireAccount, retryOnConflict, stamp } from "./internal/unitOfWork.ts"
import { InvalidPhoneNumber, validate } from "./PhoneNumber.ts"
import { RegistryPolicy } from "./RegistryPolicy.ts"
import * as SenderId from "./SenderId.ts"
import { SenderIdAlreadyRegistered } from "./SenderIdError.ts"
import { type AccountQuery, SenderIdRepository } from "./SenderIdRepository.ts"

export class Accounts extends Context.Service<Accounts>()("@senderid/domain/Accounts", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const policy = yield* RegistryPolicy

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
    })

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
    })

    /** Accounts in id order, a page at a time, optionally searched by part of the id. */
    const list = (query: AccountQuery) =>
      repository.listAccounts(query).pipe(Effect.withSpan("Accounts.list"))

    return { open, ensure, setLimit, registerSpecialNumber, list }
  })
}) {
  static readonly layer = Layer.effect(Accounts, Accounts.make)
}
