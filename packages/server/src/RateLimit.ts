/**
 * Token buckets: each API key may make `burst` requests at once and `perSecond` more every second
 * after, and so may each client address with requests that fail authentication. Counted per process
 * (or isolate), so behind N instances a key gets up to N times the rate; it protects each instance,
 * it is not a billing quota.
 */
import { Effect } from "effect"
import { type RequestRejected, tooManyRequests } from "./RequestError.ts"

export interface RateLimitOptions {
  /** Sustained requests per second per key. */
  readonly perSecond: number
  /** Requests a key may make at once after being idle. */
  readonly burst: number
}

export type Admission =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number }

interface Bucket {
  tokens: number
  updatedAt: number
}

const ALLOWED: Admission = { allowed: true }

export const makeRateLimiter = (options: RateLimitOptions) => {
  const buckets = new Map<string, Bucket>()
  const perMillisecond = options.perSecond / 1000
  let nextSweep = 0
  // Buckets that have refilled are indistinguishable from new ones: dropping them bounds memory.
  const sweep = (now: number) => {
    if (now < nextSweep) return
    nextSweep = now + 60_000
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * perMillisecond >= options.burst) buckets.delete(key)
    }
  }
  return {
    /** Takes one token for `key` at `now` (epoch ms), or says when the next one will be there. */
    take: (key: string, now: number): Admission => {
      sweep(now)
      const bucket = buckets.get(key) ?? { tokens: options.burst, updatedAt: now }
      bucket.tokens = Math.min(
        options.burst,
        bucket.tokens + Math.max(0, now - bucket.updatedAt) * perMillisecond
      )
      // A clock that steps back must not make the same interval refill the bucket twice.
      bucket.updatedAt = Math.max(bucket.updatedAt, now)
      buckets.set(key, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return ALLOWED
      }
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMillisecond / 1000))
      }
    },
    /** Gives back the token of a request `key` turned out not to have made. */
    refund: (key: string) => {
      const bucket = buckets.get(key)
      if (bucket !== undefined) bucket.tokens = Math.min(options.burst, bucket.tokens + 1)
    }
  }
}

export type RateLimiter = ReturnType<typeof makeRateLimiter>

/**
 * The limits authentication applies before anything is written. A request whose signature proves its
 * key takes one of the key's tokens before the signature is claimed; a request that fails to
 * authenticate (no or a malformed header, an unknown key, a wrong signature, a skewed date, a replay)
 * cannot be pinned on a key, so it takes one of its client address's tokens, and once those are gone
 * it is answered 429 instead. Addresses pay only for failures: customers behind one address (NAT, a
 * proxy) share nothing while their requests are signed.
 */
export interface RateLimits {
  /** One of the key's tokens, or 429. */
  readonly key: (apiKey: string) => Effect.Effect<void, RequestRejected>
  /** The key's token back: its signature was replayed, so the request was not the key holder's. */
  readonly refundKey: (apiKey: string) => void
  /** One of the address's tokens for a failed authentication, or 429. */
  readonly failure: (address: string) => Effect.Effect<void, RequestRejected>
}

export const makeRateLimits = (options: RateLimitOptions, now: () => number): RateLimits => {
  const keys = makeRateLimiter(options)
  const addresses = makeRateLimiter(options)
  const admit = (limiter: RateLimiter, key: string) =>
    Effect.suspend(() => {
      const admission = limiter.take(key, now())
      return admission.allowed ? Effect.void : Effect.fail(tooManyRequests(admission.retryAfterSeconds))
    })
  return {
    key: (apiKey) => admit(keys, apiKey),
    refundKey: keys.refund,
    failure: (address) => admit(addresses, address)
  }
}
