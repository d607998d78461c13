/**
 * An ARS ownership challenge: the registry places a call to the number that reads a short PIN, and
 * whoever answered types it back. A challenge expires, allows a few wrong PINs, and can be used
 * once; its state is kept so that the attempt count survives between requests. The PIN is drawn
 * from the CSPRNG and kept only as its keyed hash (`PinHasher`): whoever reads a challenge must not
 * be able to answer a call placed to someone else's phone.
 */
import { Duration, Effect, Schema } from "effect"
import * as RandomText from "./RandomText.ts"
import {
  ArsCallLimited,
  ChallengeAlreadyUsed,
  ChallengeAttemptsExceeded,
  ChallengeExpired,
  ChallengeTokenMismatch
} from "./SenderIdError.ts"

export const ChallengeStatus = Schema.Literals(["OPEN", "COMPLETED", "FAILED"])

export const ArsChallenge = Schema.Struct({
  transactionId: Schema.String,
  accountId: Schema.String,
  phoneNumber: Schema.String,
  handleKey: Schema.String,
  /** `PinHasher.hash(transactionId, pin)`, never the PIN; empty on a challenge opened before PINs
   * were hashed, whose PIN the upgrade removed as it expired the challenge (`8_ars_pin_hash`). */
  pinHash: Schema.String,
  status: ChallengeStatus,
  attempts: Schema.Number,
  maxAttempts: Schema.Number,
  expireAt: Schema.Number,
  dateCreated: Schema.Number,
  dateUpdated: Schema.Number,
  version: Schema.Number
})
export type ArsChallenge = typeof ArsChallenge.Type

/** A PIN of `length` decimal digits (leading zeros allowed), each uniform, from `SecureRandom`. */
export const makePin = (length: number) => RandomText.draw(RandomText.DIGITS, length)

export const open = (input: {
  readonly transactionId: string
  readonly accountId: string
  readonly phoneNumber: string
  readonly handleKey: string
  readonly pinHash: string
  readonly maxAttempts: number
  readonly now: number
  readonly ttlMillis: number
}): ArsChallenge => ({
  transactionId: input.transactionId,
  accountId: input.accountId,
  phoneNumber: input.phoneNumber,
  handleKey: input.handleKey,
  pinHash: input.pinHash,
  status: "OPEN",
  attempts: 0,
  maxAttempts: input.maxAttempts,
  expireAt: input.now + input.ttlMillis,
  dateCreated: input.now,
  dateUpdated: input.now,
  version: 0
})

/** Compares without an early exit, so response time does not reveal how much of the hash matched.
 * Hashes have one length, so a length mismatch (a challenge with no hash) may return at once. */
const sameHash = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

export type Attempt =
  | { readonly _tag: "Verified"; readonly challenge: ArsChallenge }
  /** A wrong PIN: the challenge with its attempt counted (to be saved) and the error to report. */
  | {
      readonly _tag: "Mismatch"
      readonly challenge: ArsChallenge
      readonly error: ChallengeTokenMismatch | ChallengeAttemptsExceeded
    }

/** Checks a PIN, given as its hash (`PinHasher.hash(transactionId, token)`), against an open
 * challenge. A wrong PIN is not a failure of this function: the counted attempt must be stored
 * before the error reaches the caller. */
export const attempt = (
  self: ArsChallenge,
  tokenHash: string,
  now: number
): Effect.Effect<Attempt, ChallengeAlreadyUsed | ChallengeExpired | ChallengeAttemptsExceeded> => {
  const { transactionId } = self
  if (self.status === "COMPLETED") return Effect.fail(new ChallengeAlreadyUsed({ transactionId }))
  if (self.status === "FAILED" || self.attempts >= self.maxAttempts) {
    return Effect.fail(new ChallengeAttemptsExceeded({ transactionId, maxAttempts: self.maxAttempts }))
  }
  if (now >= self.expireAt) return Effect.fail(new ChallengeExpired({ transactionId }))
  if (sameHash(tokenHash, self.pinHash)) {
    return Effect.succeed({ _tag: "Verified", challenge: { ...self, status: "COMPLETED", dateUpdated: now } })
  }
  const attempts = self.attempts + 1
  const spent = attempts >= self.maxAttempts
  return Effect.succeed({
    _tag: "Mismatch",
    challenge: { ...self, attempts, status: spent ? "FAILED" : "OPEN", dateUpdated: now },
    error: spent
      ? new ChallengeAttemptsExceeded({ transactionId, maxAttempts: self.maxAttempts })
      : new ChallengeTokenMismatch({ transactionId, attemptsLeft: self.maxAttempts - attempts })
  })
}

const DAY_MILLIS = 24 * 60 * 60 * 1000

/** Whether ARS calls placed before (`callsPlaced`, newest first, the last 24 hours at least) leave
 * room for another to the number now: not within `interval` of the latest, not more than `perDay`
 * in 24 hours. Counted per number, whichever account or registration placed them. */
export const rationCall = (
  phoneNumber: string,
  callsPlaced: ReadonlyArray<number>,
  now: number,
  policy: { readonly interval: Duration.Duration; readonly perDay: number }
): Effect.Effect<void, ArsCallLimited> => {
  const latest = callsPlaced[0]
  const wait = latest === undefined ? 0 : latest + Duration.toMillis(policy.interval) - now
  if (wait > 0) {
    return Effect.fail(
      new ArsCallLimited({ phoneNumber, reason: "interval", retryAfterSeconds: Math.ceil(wait / 1000) })
    )
  }
  const today = callsPlaced.filter((placedAt) => placedAt > now - DAY_MILLIS)
  const oldest = today.at(-1)
  if (today.length >= policy.perDay && oldest !== undefined) {
    return Effect.fail(
      new ArsCallLimited({
        phoneNumber,
        reason: "daily",
        retryAfterSeconds: Math.ceil((oldest + DAY_MILLIS - now) / 1000)
      })
    )
  }
  return Effect.void
}
