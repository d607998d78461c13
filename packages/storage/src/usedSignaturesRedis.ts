/**
 * Replay protection on Redis, for instances that share a Redis rather than a database: one
 * `SET NX PX` per claim both checks and records, atomically for every client, and Redis drops the
 * key when the window ends. Node only (ioredis), so it has its own entry point.
 */
import { UsedSignatureStoreError, UsedSignatures } from "@senderid/domain"
import { Duration, Effect, Layer } from "effect"
import { Redis } from "ioredis"

const storeError = (cause: unknown) => new UsedSignatureStoreError({ cause })

export interface RedisOptions {
  /** Prepended to every signature key, so several deployments can share one Redis. */
  readonly keyPrefix?: string
}

/**
 * `UsedSignatures` on Redis: `SET key 1 NX PX window` both checks and records, atomically for every
 * client of the server, and Redis drops the key when the window ends. The connection is opened when
 * the layer is built (failing fast if Redis is unreachable) and closed with the layer's scope.
 */
export const layerRedis = (
  url: string,
  options: RedisOptions = {}
): Layer.Layer<UsedSignatures, UsedSignatureStoreError> =>
  Layer.effect(
    UsedSignatures,
    Effect.gen(function* () {
      const keyPrefix = options.keyPrefix ?? "senderid:used-signature:"
      const redis = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: () => {
            const client = new Redis(url, { lazyConnect: true, keyPrefix })
            // Connection errors reach the caller through the failing command; without a listener
            // ioredis would also print each one as unhandled.
            client.on("error", () => {})
            // A failed first connect would otherwise keep reconnecting in the background.
            return client.connect().then(
              () => client,
              (cause: unknown) => {
                client.disconnect()
                return Promise.reject(cause)
              }
            )
          },
          catch: storeError
        }),
        (client) => Effect.promise(() => client.quit().catch(() => client.disconnect()))
      )

      const claim = Effect.fn("UsedSignatures.claim")(function* (signature: string, window: Duration.Input) {
        const millis = Math.max(1, Math.ceil(Duration.toMillis(window)))
        const reply = yield* Effect.tryPromise({
          try: () => redis.set(signature, "1", "PX", millis, "NX"),
          catch: storeError
        })
        return reply === "OK"
      })

      return UsedSignatures.of({ claim })
    })
  )
