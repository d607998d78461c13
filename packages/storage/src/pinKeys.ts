/**
 * The key ARS PINs are hashed under (`PinHasher`, domain) for an app on SQLite, PostgreSQL or D1.
 *
 * With a master key (`SENDERID_MASTER_KEY`) the key is derived from it (HKDF, its own purpose), so
 * it is never stored: someone who reads the database cannot test a million PINs against a hash.
 * Without one, a key is drawn from `SecureRandom` on first use and kept in `deployment_secrets`, so
 * every instance and isolate on the database agrees and a restart leaves open challenges
 * answerable. That keeps PINs out of the challenges' rows, not from someone who reads the whole
 * database — the same line API-key secrets draw without a master key (stored `plain:`).
 * Web APIs only, so it runs in Workers.
 */
import { PinHasher } from "@senderid/domain"
import { Clock, Effect, Layer, Result } from "effect"
import { SecureRandom } from "effect/crypto"
import { Base64 } from "effect/encoding"
import * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** The row of `deployment_secrets` that holds a generated PIN key. */
export const PIN_KEY_NAME = "ars-pin-key"

export interface PinKeysOptions {
  /** Derives the key from it when given (see the module comment); must be high-entropy. */
  readonly masterKey?: string | undefined
}

/** The generated key: the stored one, or a fresh one stored first. Two instances starting at once
 * both insert; the primary key keeps the first, and both read it back. */
const generatedKey = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const read = sql<{ secret: string }>`SELECT secret FROM deployment_secrets WHERE name = ${PIN_KEY_NAME}`
  let rows = yield* read
  if (rows.length === 0) {
    const fresh = yield* SecureRandom.SecureRandom.use((random) => random.randomBytes(PinHasher.keyBytes))
    yield* sql`INSERT INTO deployment_secrets (name, secret, date_created)
      VALUES (${PIN_KEY_NAME}, ${Base64.encode(fresh)}, ${yield* Clock.currentTimeMillis})
      ON CONFLICT (name) DO NOTHING`
    rows = yield* read
  }
  const decoded = Base64.decode(rows[0]?.secret ?? "")
  if (Result.isFailure(decoded) || decoded.success.length !== PinHasher.keyBytes) {
    return yield* Effect.die(new Error(`deployment_secrets holds no valid ${PIN_KEY_NAME}`))
  }
  return decoded.success
})

/** `PinHasher` for an app: from the master key when given, else from the generated key in the
 * database (its table comes from the `10_ars_pin_hash` migration, applied by each `layerClient`). */
export const layerSql = (
  options: PinKeysOptions = {}
): Layer.Layer<PinHasher, SqlError, SqlClient.SqlClient | SecureRandom.SecureRandom> =>
  options.masterKey === undefined
    ? Layer.unwrap(generatedKey.pipe(Effect.map(PinHasher.layerKey)))
    : PinHasher.layerSecret(options.masterKey)
