/**
 * Replay protection shared by several instances: used signatures in one table through `SqlClient`
 * (SQLite, PostgreSQL, D1). Each claim is a single atomic statement, so two instances never both
 * accept one signature. The Redis variant lives in `usedSignaturesRedis.ts`, away from edge bundles.
 */
import { UsedSignatureStoreError, UsedSignatures } from "@senderid/domain"
import { Clock, Duration, Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"

const storeError = (cause: unknown) => new UsedSignatureStoreError({ cause })

/** How often an instance deletes expired rows; claims never depend on it, it only bounds the table. */
const PRUNE_EVERY_MILLIS = 60_000

/** `UsedSignatures` over the `SqlClient` in context: every instance on the same database shares it.
 * Its table comes from the `2_server_stores` migration, applied by each engine's `layerClient`. */
export const layerSql: Layer.Layer<UsedSignatures, UsedSignatureStoreError, SqlClient.SqlClient> =
  Layer.effect(
    UsedSignatures,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const scope = yield* Effect.scope

      let nextPrune = 0
      const prune = (now: number) =>
        sql`DELETE FROM used_signatures WHERE expires_at <= ${now}`.pipe(
          Effect.catch((error) => Effect.logWarning("pruning used signatures failed", error))
        )

      const claim = Effect.fn("UsedSignatures.claim")(function* (signature: string, window: Duration.Input) {
        const now = yield* Clock.currentTimeMillis
        if (now >= nextPrune) {
          nextPrune = now + PRUNE_EVERY_MILLIS
          // In the layer's scope, so a claim never waits for the sweep.
          yield* Effect.forkIn(prune(now), scope)
        }
        // Inserts the signature, or takes over its expired row; a live row makes the upsert a no-op
        // that returns nothing. PostgreSQL re-checks the WHERE on the row a concurrent claim just
        // wrote, and SQLite has a single writer, so exactly one of many racing claims gets a row.
        const rows = yield* sql`INSERT INTO used_signatures (signature, expires_at)
        VALUES (${signature}, ${now + Math.ceil(Duration.toMillis(window))})
        ON CONFLICT (signature) DO UPDATE SET expires_at = excluded.expires_at
        WHERE used_signatures.expires_at <= ${now}
        RETURNING signature`.pipe(Effect.mapError(storeError))
        return rows.length > 0
      })

      return UsedSignatures.of({ claim })
    })
  )
