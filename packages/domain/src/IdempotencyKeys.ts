/**
 * Idempotency keys for POST requests: the first request with a key runs and its response is kept
 * (24 hours by default), a retry with the same body replays it, a reused key with another body is
 * refused, and a retry while the first is still running is told so. Keys are scoped per account.
 * A key is held in flight only for a lease (2 minutes): if its request died with its process, a
 * retry may run after the lease instead of being refused for a day.
 */
import { Clock, Context, Duration, Effect, Layer, Schema } from "effect"

/** How long a completed response is replayed for. */
export const idempotencyTtl: Duration.Duration = Duration.hours(24)

/** How long a started request holds its key before a retry may take it over (its process may have
 * died). Far longer than any request runs: a live request is never run twice. */
export const inFlightLease: Duration.Duration = Duration.minutes(2)

/** The response a retry receives instead of running the request again. */
export const StoredResponse = Schema.Struct({
  status: Schema.Number,
  body: Schema.String,
  headers: Schema.Record(Schema.String, Schema.String)
})
export type StoredResponse = typeof StoredResponse.Type

/**
 * What `begin` found: `Started` — this request owns the key and must `complete` or `abandon` it;
 * `InFlight` — the first request with this body is still running; `Mismatch` — the key was used
 * with another body; `Replay` — the first request finished, answer with its response.
 */
export type BeginOutcome =
  | { readonly _tag: "Started" }
  | { readonly _tag: "InFlight" }
  | { readonly _tag: "Mismatch" }
  | { readonly _tag: "Replay"; readonly response: StoredResponse }

const Started: BeginOutcome = { _tag: "Started" }
const InFlight: BeginOutcome = { _tag: "InFlight" }
const Mismatch: BeginOutcome = { _tag: "Mismatch" }
const Replay = (response: StoredResponse): BeginOutcome => ({ _tag: "Replay", response })

/** The store behind idempotency keys failed; the request can be neither replayed nor started. */
export class IdempotencyStoreError extends Schema.TaggedError<IdempotencyStoreError>()(
  "IdempotencyStoreError",
  {
    cause: Schema.Defect()
  }
) {}

export interface IdempotencyKeysShape {
  /**
   * Looks the key up in `scope` (the account) and, if it is unknown, expired or its in-flight lease
   * ran out, records it as in flight for `requestHash` for {@link inFlightLease} (or `ttl` if
   * shorter) — atomically, so of many concurrent begins exactly one is `Started`.
   */
  readonly begin: (
    scope: string,
    key: string,
    requestHash: string,
    ttl?: Duration.Input
  ) => Effect.Effect<BeginOutcome, IdempotencyStoreError>
  /** Stores the response of the request that was `Started`; later begins replay it for `ttl`
   * (default {@link idempotencyTtl}) from now. */
  readonly complete: (
    scope: string,
    key: string,
    response: StoredResponse,
    ttl?: Duration.Input
  ) => Effect.Effect<void, IdempotencyStoreError>
  /** Releases an in-flight key whose request failed in a way not worth replaying (a retry may run). */
  readonly abandon: (scope: string, key: string) => Effect.Effect<void, IdempotencyStoreError>
}

interface Entry {
  readonly requestHash: string
  readonly expiresAt: number
  readonly response: StoredResponse | undefined
}

export class IdempotencyKeys extends Context.Service<IdempotencyKeys, IdempotencyKeysShape>()(
  "@senderid/domain/IdempotencyKeys"
) {
  /** In-process, for one node and for tests. */
  static readonly layerMemory: Layer.Layer<IdempotencyKeys> = Layer.sync(IdempotencyKeys, () => {
    // Keyed by scope, then key: no separator can make two accounts' keys collide.
    const scopes = new Map<string, Map<string, Entry>>()
    let nextSweep = 0
    const sweep = (now: number) => {
      // A full pass at most once a minute keeps memory bounded by a ttl's worth of keys.
      if (now < nextSweep) return
      nextSweep = now + 60_000
      for (const [scope, entries] of scopes) {
        for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key)
        if (entries.size === 0) scopes.delete(scope)
      }
    }
    // Each operation is synchronous after reading the clock, so check-and-set cannot interleave.
    const beginAt = (scope: string, key: string, requestHash: string, ttlMillis: number, now: number) => {
      sweep(now)
      const entries = scopes.get(scope) ?? new Map<string, Entry>()
      scopes.set(scope, entries)
      const entry = entries.get(key)
      if (entry === undefined || entry.expiresAt <= now) {
        const lease = Math.min(ttlMillis, Duration.toMillis(inFlightLease))
        entries.set(key, { requestHash, expiresAt: now + lease, response: undefined })
        return Started
      }
      if (entry.requestHash !== requestHash) return Mismatch
      return entry.response === undefined ? InFlight : Replay(entry.response)
    }
    return IdempotencyKeys.of({
      begin: (scope, key, requestHash, ttl = idempotencyTtl) =>
        Clock.currentTimeMillis.pipe(
          Effect.map((now) => beginAt(scope, key, requestHash, Duration.toMillis(ttl), now)),
          Effect.withSpan("IdempotencyKeys.begin")
        ),
      complete: (scope, key, response, ttl = idempotencyTtl) =>
        Clock.currentTimeMillis.pipe(
          Effect.flatMap((now) => {
            const entries = scopes.get(scope)
            const entry = entries?.get(key)
            // Only the in-flight record is completed: a key that expired or was abandoned meanwhile
            // may belong to another request by now.
            if (entries !== undefined && entry !== undefined && entry.response === undefined) {
              entries.set(key, {
                ...entry,
                expiresAt: now + Duration.toMillis(ttl),
                response: { ...response, headers: { ...response.headers } }
              })
            }
            return Effect.void
          })
        ),
      abandon: (scope, key) =>
        Effect.sync(() => {
          const entries = scopes.get(scope)
          if (entries?.get(key)?.response === undefined) entries?.delete(key)
        })
    })
  })
}
