/**
 * Replay protection shared by several instances: used signatures in one table through `SqlClient`
 * (SQLite, PostgreSQL, D1). Each statement is atomic, so two instances never both accept one
 * signature. Concurrent claims are group-committed: those that arrive in the same tick, or while
 * this instance's previous statement is in flight, go to the database as one multi-row upsert.
 * The Redis variant lives in `usedSignaturesRedis.ts`, away from edge bundles.
 */
import { UsedSignatureStoreError, UsedSignatures } from "@senderid/domain"
import { Clock, Duration, Effect, Exit, Layer, Request, RequestResolver, Semaphore } from "effect"
import type { NonEmptyArray, NonEmptyReadonlyArray } from "effect/Array"
import * as SqlClient from "effect/sql/SqlClient"

const storeError = (cause: unknown) => new UsedSignatureStoreError({ cause })

/** How often an instance deletes expired rows; claims never depend on it, it only bounds the table. */
const PRUNE_EVERY_MILLIS = 60_000

/**
 * Rows per statement by default. Each row binds two parameters and the statement one more (`now`),
 * so 49 rows bind 99: within D1's cap of 100 bound parameters per statement, and far below SQLite's
 * and PostgreSQL's. One default for every engine keeps D1 safe without telling the engines apart.
 */
export const DEFAULT_MAX_BATCH_SIZE = 49

export interface SqlOptions {
  /** Most claims written by one statement (at least 1). Above 49 the statement no longer fits D1. */
  readonly maxBatchSize?: number
}

/** One caller's claim, waiting for the statement its batch goes into. */
interface Claim extends Request.Request<boolean, UsedSignatureStoreError> {
  readonly signature: string
  readonly windowMillis: number
}
const Claim = Request.of<Claim>()

/** `layerSql` with a different batch size. */
export const layerSqlWith = (
  options: SqlOptions = {}
): Layer.Layer<UsedSignatures, UsedSignatureStoreError, SqlClient.SqlClient> =>
  Layer.effect(
    UsedSignatures,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const scope = yield* Effect.scope
      const maxBatchSize = Math.max(1, Math.trunc(options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE))

      let nextPrune = 0
      const prune = (now: number) =>
        sql`DELETE FROM used_signatures WHERE expires_at <= ${now}`.pipe(
          Effect.catch((error) => Effect.logWarning("pruning used signatures failed", error))
        )

      // At most one statement of this instance in flight: the next batch keeps collecting until
      // the current one is written, which is what makes batches grow under load.
      const writing = yield* Semaphore.make(1)

      const write = (entries: NonEmptyReadonlyArray<Request.Entry<Claim>>) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          if (now >= nextPrune) {
            nextPrune = now + PRUNE_EVERY_MILLIS
            // In the layer's scope, so a claim never waits for the sweep.
            yield* Effect.forkIn(prune(now), scope)
          }
          // The first claim of a signature in the batch goes into the statement; later ones lose to
          // it (PostgreSQL refuses an upsert that touches one row twice).
          const row = ({ request }: Request.Entry<Claim>) => ({
            signature: request.signature,
            expires_at: now + request.windowMillis
          })
          const [first, ...rest] = entries
          const rows: NonEmptyArray<ReturnType<typeof row>> = [row(first)]
          const inStatement = new Set([first.request.signature])
          for (const entry of rest) {
            if (inStatement.has(entry.request.signature)) continue
            inStatement.add(entry.request.signature)
            rows.push(row(entry))
          }
          // Inserts each signature, or takes over its expired row; a live row makes its part of the
          // upsert a no-op that returns nothing. PostgreSQL re-checks the WHERE on a row a concurrent
          // statement just wrote, and SQLite has a single writer, so of many racing claims (in this
          // instance or another) exactly one gets its row back.
          const won = yield* sql<{
            readonly signature: string
          }>`INSERT INTO used_signatures ${sql.insert(rows)}
          ON CONFLICT (signature) DO UPDATE SET expires_at = excluded.expires_at
          WHERE used_signatures.expires_at <= ${now}
          RETURNING signature`.pipe(
            Effect.mapError(storeError),
            Effect.catchDefect((defect) => Effect.fail(storeError(defect)))
          )
          const winners = new Set(won.map((row) => row.signature))
          for (const entry of entries) {
            // Deleting the signature hands `true` to its first claim only.
            entry.completeUnsafe(Exit.succeed(winners.delete(entry.request.signature)))
          }
        })

      const resolver = RequestResolver.makeWith<Claim>({
        batchKey: () => resolverKey,
        preCheck: undefined,
        // Collect for a tick, then until this instance's previous statement is done.
        delay: Effect.andThen(Effect.yieldNow, writing.withPermit(Effect.void)),
        collectWhile: (entries) => entries.size < maxBatchSize,
        runAll: (entries) => writing.withPermit(write(entries))
      })

      const claim = Effect.fn("UsedSignatures.claim")(function* (signature: string, window: Duration.Input) {
        return yield* Effect.request(
          Claim({ signature, windowMillis: Math.ceil(Duration.toMillis(window)) }),
          resolver
        )
      })

      return UsedSignatures.of({ claim })
    })
  )

const resolverKey = {}

/** `UsedSignatures` over the `SqlClient` in context: every instance on the same database shares it.
 * Its table comes from the `2_server_stores` migration, applied by each engine's `layerClient`.
 * Claims are written up to `DEFAULT_MAX_BATCH_SIZE` per statement, a size D1 accepts too. */
export const layerSql: Layer.Layer<UsedSignatures, UsedSignatureStoreError, SqlClient.SqlClient> =
  layerSqlWith()
