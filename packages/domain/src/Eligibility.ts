/**
 * Send eligibility: may an account send from a number now, and if not, why, as a stable reason
 * code. Decided here, purely, from the few facts the repository reads for it (`SendingState`), so
 * the message sender importing the domain and the HTTP API give the same answer.
 */
import { Result, Schema } from "effect"
import { normalize, validate } from "./PhoneNumber.ts"
import { SenderIdStatus } from "./SenderId.ts"

/** Why a number may not be sent from, most fundamental first (the order `decide` checks them in):
 * the input is no phone number; the account is suspended; the account has no registration of the
 * number; or the registration's status is not ACTIVE — `EXPIRED` also covers an ACTIVE one whose
 * `expireAt` has passed before the sweep marked it. A suspended number is INACTIVE. */
export const EligibilityReason = Schema.Literals([
  "INVALID_NUMBER",
  "ACCOUNT_SUSPENDED",
  "NOT_REGISTERED",
  "PENDING",
  "INACTIVE",
  "DUPLICATED",
  "EXPIRED",
  "REJECTED"
])
export type EligibilityReason = typeof EligibilityReason.Type

/** The registration's stored status, or `NOT_REGISTERED` when the account has none for the number. */
export const EligibilityStatus = Schema.Literals([...SenderIdStatus.literals, "NOT_REGISTERED"])
export type EligibilityStatus = typeof EligibilityStatus.Type

export interface Eligibility {
  /** The number as digits; an input that does not normalise is echoed as given. */
  readonly phoneNumber: string
  readonly eligible: boolean
  readonly status: EligibilityStatus
  /** Present exactly when `eligible` is false. */
  readonly reason?: EligibilityReason
}

/** A registration as eligibility sees it: no aggregate, no audit log. */
export interface NumberState {
  readonly phoneNumber: string
  readonly status: SenderIdStatus
  readonly expireAt: number | null
}

/** What `SenderIdRepository.sendingState` reads: the account's suspension and its registrations of
 * the numbers asked about (only those it has). An unknown account is not suspended and has none. */
export interface SendingState {
  readonly accountSuspended: boolean
  readonly numbers: ReadonlyArray<NumberState>
}

/** The lookup key of an input, or `undefined` when it cannot be a stored number: only numbers that
 * normalise are ever stored, so the others need no read. */
const keyOf = (input: string): string | undefined => {
  const normalised = normalize(input)
  return Result.isSuccess(normalised) ? normalised.success : undefined
}

// The widest rules any registration may have had (an operator's special numbers, 060 where allowed):
// INVALID_NUMBER then means no account could ever send from it.
const isValid = (phoneNumber: string) =>
  Result.isSuccess(validate(phoneNumber, { allowSpecialShort: true, allowPremiumRate: true }))

const no = (phoneNumber: string, status: EligibilityStatus, reason: EligibilityReason): Eligibility => ({
  phoneNumber,
  eligible: false,
  status,
  reason
})

/**
 * The answers for the inputs, in their order (a number asked twice is answered twice), given the
 * state read for their keys. A registration found is judged by its state even if today's number
 * rules would refuse the number (rules change; stored numbers keep working), so INVALID_NUMBER is
 * only for numbers that are not registered.
 */
export const decide = (
  inputs: ReadonlyArray<string>,
  state: SendingState,
  now: number
): ReadonlyArray<Eligibility> => {
  const registered = new Map(state.numbers.map((n) => [n.phoneNumber, n]))
  return inputs.map((input): Eligibility => {
    const key = keyOf(input)
    if (key === undefined) return no(input, "NOT_REGISTERED", "INVALID_NUMBER")
    const found = registered.get(key)
    if (found === undefined && !isValid(key)) return no(key, "NOT_REGISTERED", "INVALID_NUMBER")
    const status = found?.status ?? "NOT_REGISTERED"
    if (state.accountSuspended) return no(key, status, "ACCOUNT_SUSPENDED")
    if (found === undefined) return no(key, status, "NOT_REGISTERED")
    if (found.status !== "ACTIVE") return no(key, found.status, found.status)
    if (found.expireAt !== null && found.expireAt <= now) return no(key, "ACTIVE", "EXPIRED")
    return { phoneNumber: key, eligible: true, status: "ACTIVE" }
  })
}

/** The distinct keys to read for these inputs (those that can be stored numbers). */
export const keysOf = (inputs: ReadonlyArray<string>): ReadonlyArray<string> => [
  ...new Set(inputs.flatMap((input) => keyOf(input) ?? []))
]
