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

/**
 * Used signatures held in this process: `claim` checks and records in one synchronous step, so of
 * many concurrent claims of one signature exactly one wins. Insertion order is close to expiry
 * order (a window ends with its signed date, which moves with the clock), so sweeping from the
 * front stops at the first live entry: amortised O(1), and memory stays bounded by one window of
 * signatures.
 */
export interface ClaimSet {
  readonly claim: (signature: string, windowMillis: number, now: number) => boolean
  /** Forgets a claim whose request went no further (its shared store failed). */
  readonly release: (signature: string) => void
}

export const makeClaimSet = (): ClaimSet => {
  const expiresAt = new Map<string, number>()
  const sweep = (now: number) => {
    for (const [signature, expiry] of expiresAt) {
      if (expiry > now) return
      expiresAt.delete(signature)
    }
  }
  return {
    claim: (signature, windowMillis, now) => {
      sweep(now)
      const expiry = expiresAt.get(signature)
      if (expiry !== undefined && expiry > now) return false
      expiresAt.delete(signature)
      expiresAt.set(signature, now + windowMillis)
      return true
    },
    release: (signature) => {
      expiresAt.delete(signature)
    }
  }
}

export class UsedSignatures extends Context.Service<UsedSignatures, UsedSignaturesShape>()(
  "@senderid/domain/UsedSignatures"
) {
  /** In-process, for one node and for tests: nothing is shared with other instances or restarts. */
  static readonly layerMemory: Layer.Layer<UsedSignatures> = Layer.sync(UsedSignatures, () => {
    const claims = makeClaimSet()
    return UsedSignatures.of({
      claim: (signature, window) =>
        Clock.currentTimeMillis.pipe(
          Effect.map((now) => claims.claim(signature, Duration.toMillis(window), now)),
          Effect.withSpan("UsedSignatures.claim")
        )
    })
  })

  /**
   * `shared` (PostgreSQL, Redis: the store several instances agree through), asked only about
   * signatures this instance has not won itself: a replay of one of those is refused without a round
   * trip, and any other signature still needs the shared store's word, so the answer stays exact
   * across instances.
   */
  static readonly localFirst = (shared: UsedSignaturesShape): UsedSignaturesShape => {
    const claims = makeClaimSet()
    return UsedSignatures.of({
      claim: (signature, window) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          if (!claims.claim(signature, Duration.toMillis(window), now)) return false
          // Only the signatures this instance won stay in its set: the shared store keeps the
          // window of the others.
          const won = yield* shared
            .claim(signature, window)
            .pipe(Effect.tapError(() => Effect.sync(() => claims.release(signature))))
          if (!won) claims.release(signature)
          return won
        })
    })
  }

  /** `localFirst` over the shared store the given layer builds. */
  static readonly layerLocalFirst = <E, R>(
    shared: Layer.Layer<UsedSignatures, E, R>
  ): Layer.Layer<UsedSignatures, E, R> =>
    Layer.effect(
      UsedSignatures,
      Effect.gen(function* () {
        return UsedSignatures.localFirst(yield* UsedSignatures)
      })
    ).pipe(Layer.provide(shared))
}
