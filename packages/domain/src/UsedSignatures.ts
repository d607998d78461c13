/**
 * Replay protection for HMAC-signed requests: a signature is accepted once within its window
 * (15 minutes for SOLAPI's scheme) and refused as `DuplicatedSignature` after that. The port lets a
 * single node keep the record in-process while several instances share PostgreSQL or Redis.
 */
import { Clock, Context, Duration, Effect, Layer, Schema } from "effect"

/** How long a used signature stays refused; the signed date is checked against the same span. */
export const replayWindow: Duration.Duration = Duration.minutes(15)

/** The store behind replay protection failed, so a signature could be neither accepted nor refused. */
export class UsedSignatureStoreError extends Schema.TaggedError<UsedSignatureStoreError>()(
  "UsedSignatureStoreError",
  { cause: Schema.Defect() }
) {}

export interface UsedSignaturesShape {
  /**
   * Records the signature and answers `true` the first time it is seen within `window`, `false` if
   * it was already claimed and has not expired. Check and record are one atomic step, so of many
   * concurrent claims of one signature exactly one wins.
   */
  readonly claim: (
    signature: string,
    window: Duration.Input
  ) => Effect.Effect<boolean, UsedSignatureStoreError>
}

export class UsedSignatures extends Context.Service<UsedSignatures, UsedSignaturesShape>()(
  "@senderid/domain/UsedSignatures"
) {
  /** In-process, for one node and for tests: nothing is shared with other instances or restarts. */
  static readonly layerMemory: Layer.Layer<UsedSignatures> = Layer.sync(UsedSignatures, () => {
    // Insertion order is expiry order while the window is constant (re-claims are re-inserted at
    // the end), so sweeping from the front stops at the first live entry: amortised O(1), and
    // memory stays bounded by the signatures of one window.
    const expiresAt = new Map<string, number>()
    const sweep = (now: number) => {
      for (const [signature, expiry] of expiresAt) {
        if (expiry > now) return
        expiresAt.delete(signature)
      }
    }
    // Synchronous after reading the clock, so no other fiber can interleave between check and set.
    const claimAt = (signature: string, windowMillis: number, now: number): boolean => {
      sweep(now)
      const expiry = expiresAt.get(signature)
      if (expiry !== undefined && expiry > now) return false
      expiresAt.delete(signature)
      expiresAt.set(signature, now + windowMillis)
      return true
    }
    return UsedSignatures.of({
      claim: (signature, window) =>
        Clock.currentTimeMillis.pipe(
          Effect.map((now) => claimAt(signature, Duration.toMillis(window), now)),
          Effect.withSpan("UsedSignatures.claim")
        )
    })
  })
}
