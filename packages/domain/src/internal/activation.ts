/**
 * The one path into ACTIVE for a verification (ARS or approved evidence): it checks who else holds
 * the number and, when this registration's duplicate-unlock was approved, moves the previous
 * holder to DUPLICATED in the same commit, so at most one account ever holds a number.
 */
import { Effect } from "effect"
import type { RegistryPolicyShape } from "../RegistryPolicy.ts"
import { type At, displace, mayTakeOver, type SenderId, spendUnlock } from "../SenderId.ts"
import { NumberHeldByAnotherAccount } from "../SenderIdError.ts"
import type { Change, SenderIdRepositoryShape } from "../SenderIdRepository.ts"
import { eventOf } from "./unitOfWork.ts"

export const activationChanges = Effect.fn("activationChanges")(function* (
  repository: SenderIdRepositoryShape,
  policy: RegistryPolicyShape,
  activated: SenderId,
  at: At
) {
  const others = (yield* repository.findHolders(activated.phoneNumber)).filter(
    (holder) => holder.accountId !== activated.accountId
  )
  if (others.length > 0 && !mayTakeOver(activated)) {
    return yield* new NumberHeldByAnotherAccount({ phoneNumber: activated.phoneNumber })
  }
  const changes: Array<Change> = []
  for (const holder of others) {
    changes.push({ _tag: "UpdateSenderId", senderId: displace(holder, policy.pendingTtl, at) })
    changes.push(
      yield* eventOf("senderid.duplicated", holder.accountId, at, {
        phoneNumber: holder.phoneNumber,
        statusBefore: holder.status,
        status: "DUPLICATED"
      })
    )
  }
  changes.push({ _tag: "UpdateSenderId", senderId: spendUnlock(activated, at) })
  changes.push(
    yield* eventOf("senderid.activated", activated.accountId, at, {
      phoneNumber: activated.phoneNumber,
      method: activated.method,
      expireAt: activated.expireAt
    })
  )
  return changes
})
