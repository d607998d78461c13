/**
 * The registry's tunable rules: how long registrations and verifications last, how ARS
 * challenges behave, the default account limit and the evidence size cap. A `Context.Reference`
 * with SOLAPI-like defaults, so nothing needs providing unless a deployment wants other values.
 */
import { Context, Duration } from "effect"

export interface RegistryPolicyShape {
  /** An unverified registration (PENDING, DUPLICATED, REJECTED) lapses after this long. */
  readonly pendingTtl: Duration.Duration
  /** A verification (ARS or approved evidence) lasts this long; SOLAPI's samples show ~6 months. */
  readonly activeTtl: Duration.Duration
  /** An ARS PIN may be entered until this long after the call was placed. */
  readonly challengeTtl: Duration.Duration
  /** Wrong PINs allowed before the challenge is spent. */
  readonly challengeMaxAttempts: number
  readonly pinLength: number
  /** The shortest time between two ARS calls to one sender ID. */
  readonly arsCallInterval: Duration.Duration
  /** ARS calls one sender ID may receive in 24 hours. */
  readonly arsCallsPerDay: number
  /** Sender IDs a new account may hold (SOLAPI's 2026 default). */
  readonly defaultLimit: number
  /** Highest limit a customer may ask for; larger needs an operator's direct decision. */
  readonly maxLimit: number
  /** Evidence files are capped on their decoded size (2019 contract: 700 KB). */
  readonly maxDocumentBytes: number
  /** Premium-rate 060 numbers are refused unless an operator switches this on. */
  readonly allowPremiumRate: boolean
}

export class RegistryPolicy extends Context.Reference<RegistryPolicyShape>(
  "@senderid/domain/RegistryPolicy",
  {
    defaultValue: () => ({
      pendingTtl: Duration.days(12),
      activeTtl: Duration.days(180),
      challengeTtl: Duration.minutes(5),
      challengeMaxAttempts: 5,
      pinLength: 6,
      arsCallInterval: Duration.minutes(1),
      arsCallsPerDay: 5,
      defaultLimit: 5,
      maxLimit: 1000,
      maxDocumentBytes: 700 * 1024,
      allowPremiumRate: false
    })
  }
) {}
