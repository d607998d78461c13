/**
 * `IdempotencyKeys` in one table through `SqlClient` (SQLite, PostgreSQL, D1), shared by every
 * instance on the database. Who starts a key is decided by a single conditional upsert, so of many
 * concurrent requests with one key exactly one runs, whichever instance they reach.
 */
import {
  type BeginOutcome,
  IdempotencyKeys,
  IdempotencyStoreError,
  idempotencyTtl,
  inFlightLease,
  StoredResponse
} from "@senderid/domain"
import { Clock, Duration, Effect, Layer, Schema } from "effect"
import * as SqlClient from "effect/sql/SqlClient"

interface KeyRow {
  readonly request_hash: string
  readonly state: string
  readonly status: number | null
  readonly body: string | null
  readonly headers: string | null
  readonly expires_at: number | string
}

const storeError = (cause: unknown) => new IdempotencyStoreError({ cause })

const started: BeginOutcome = { _tag: "Started" }
const inFlight: BeginOutcome = { _tag: "InFlight" }
const mismatch: BeginOutcome = { _tag: "Mismatch" }

const decodeHeaders = Schema.decodeUnknownEffect(Schema.fromJsonString(StoredResponse.fields.headers))
const encodeHeaders = Schema.encodeEffect(Schema.fromJsonString(StoredResponse.fields.headers))

/** How often an instance deletes expired rows; begins never depend on it, it only bounds the table. */
const PRUNE_EVERY_MILLIS = 60_000
/** A begin re-reads when the row it lost to vanished (abandoned or pruned) before it could look. */
const MAX_ATTEMPTS = 10

/** The key row was released and re-taken faster than a begin could read it, `MAX_ATTEMPTS` times. */
class KeyKeptChanging extends Error {
  constructor(scope: string, key: string) {
    super(`idempotency key ${scope}/${key} kept changing while it was read`)
  }
}

/** Its table comes from the `2_server_stores` migration, applied by each engine's `layerClient`. */
export const layerSql: Layer.Layer<IdempotencyKeys, IdempotencyStoreError, SqlClient.SqlClient> =
  Layer.effect(
    IdempotencyKeys,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const scope = yield* Effect.scope

      let nextPrune = 0
      const prune = (now: number) =>
        sql`DELETE FROM idempotency_keys WHERE expires_at <= ${now}`.pipe(
          Effect.catch((error) => Effect.logWarning("pruning idempotency keys failed", error))
        )

      /** Takes the key if it is unknown or expired; a live row makes the upsert return nothing. */
      const take = (scopeId: string, key: string, requestHash: string, now: number, expiresAt: number) =>
        sql`INSERT INTO idempotency_keys (scope, key, request_hash, state, expires_at)
        VALUES (${scopeId}, ${key}, ${requestHash}, 'in_flight', ${expiresAt})
        ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash,
          state = excluded.state, status = NULL, body = NULL, headers = NULL,
          expires_at = excluded.expires_at
        WHERE idempotency_keys.expires_at <= ${now}
        RETURNING scope`.pipe(Effect.map((rows) => rows.length > 0))

      const inspect = (scopeId: string, key: string) =>
        sql<KeyRow>`SELECT request_hash, state, status, body, headers, expires_at FROM idempotency_keys
        WHERE scope = ${scopeId} AND key = ${key}`.pipe(Effect.map((rows) => rows[0]))

      const outcomeOf = (
        row: KeyRow,
        requestHash: string
      ): Effect.Effect<BeginOutcome, Schema.SchemaError> => {
        if (row.request_hash !== requestHash) return Effect.succeed(mismatch)
        if (row.state === "in_flight") return Effect.succeed(inFlight)
        return decodeHeaders(row.headers ?? "{}").pipe(
          Effect.map((headers) => ({
            _tag: "Replay",
            response: { status: Number(row.status), body: row.body ?? "", headers }
          }))
        )
      }

      const begin = Effect.fn("IdempotencyKeys.begin")(function* (
        scopeId: string,
        key: string,
        requestHash: string,
        ttl: Duration.Input = idempotencyTtl
      ) {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const now = yield* Clock.currentTimeMillis
          if (now >= nextPrune) {
            nextPrune = now + PRUNE_EVERY_MILLIS
            yield* Effect.forkIn(prune(now), scope)
          }
          const held = Math.min(Duration.toMillis(ttl), Duration.toMillis(inFlightLease))
          if (yield* take(scopeId, key, requestHash, now, now + Math.ceil(held))) {
            return started
          }
          // Someone holds the key; what they hold decides the answer. The row can be released
          // (abandoned, or expired and pruned) between the two statements: then try again.
          const row = yield* inspect(scopeId, key)
          if (row !== undefined && Number(row.expires_at) > now) return yield* outcomeOf(row, requestHash)
        }
        return yield* Effect.fail(new KeyKeptChanging(scopeId, key))
      }, Effect.mapError(storeError))

      const complete = Effect.fn("IdempotencyKeys.complete")(function* (
        scopeId: string,
        key: string,
        response: StoredResponse,
        ttl: Duration.Input = idempotencyTtl
      ) {
        const headers = yield* encodeHeaders(response.headers)
        const now = yield* Clock.currentTimeMillis
        // Only the in-flight row is completed: a key abandoned meanwhile may belong to another request.
        // The in-flight lease becomes the replay window.
        yield* sql`UPDATE idempotency_keys SET state = 'completed', status = ${response.status},
          body = ${response.body}, headers = ${headers},
          expires_at = ${now + Math.ceil(Duration.toMillis(ttl))}
        WHERE scope = ${scopeId} AND key = ${key} AND state = 'in_flight'`
      }, Effect.mapError(storeError))

      const abandon = Effect.fn("IdempotencyKeys.abandon")(function* (scopeId: string, key: string) {
        yield* sql`DELETE FROM idempotency_keys WHERE scope = ${scopeId} AND key = ${key} AND state = 'in_flight'`
      }, Effect.mapError(storeError))

      return IdempotencyKeys.of({ begin, complete, abandon })
    })
  )
