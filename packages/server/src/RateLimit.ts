/**
 * A per-key token bucket: each API key may make `burst` requests at once and `perSecond` more every
 * second after. Counted per process (or isolate), so behind N instances a key gets up to N times the
 * rate; it protects each instance, it is not a billing quota.
 */

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
    }
  }
}

export type RateLimiter = ReturnType<typeof makeRateLimiter>
