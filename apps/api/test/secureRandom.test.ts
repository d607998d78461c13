/**
 * What `pnpm start` and `pnpm keys` compose (`NodeServices.layer`, over a SQLite file) draws every
 * identifier, PIN and secret from WebCrypto's CSPRNG (`support/recordedRandom.ts` says how that is
 * observed), and keeps an ARS PIN only as its keyed hash: never in the database, whose PIN key is
 * generated there without a master key and derived from the master key, unstored, with one.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { assert, describe, it } from "@effect/vitest"
import { PinHasher } from "@senderid/domain"
import { Effect, Layer, Logger } from "effect"
import { SecureRandom } from "effect/crypto"
import { fromEnvironment } from "../src/NodeConfig.ts"
import * as NodeServices from "../src/NodeServices.ts"
import { expectWebCryptoDraws, recordedRandom } from "./support/recordedRandom.ts"

const MASTER_KEY = "bWFzdGVyLWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcw=="

/** The Node app's layer as `pnpm start` builds it, with `getRandomValues` recorded. */
const nodeApp = (environment: Record<string, string>) => {
  const config = fromEnvironment({
    SENDERID_DATA_DIR: mkdtempSync(join(tmpdir(), "senderid-random-")),
    ...environment
  })
  const recorded = recordedRandom()
  const layer = Layer.merge(NodeServices.layer(config), Logger.layer([])).pipe(Layer.provide(recorded.layer))
  return {
    recorded,
    layer,
    database: () => new DatabaseSync(NodeServices.sqliteFile(config), { readOnly: true })
  }
}

describe("the Node app's randomness", () => {
  it.live(
    "draws identifiers, PINs and credentials from WebCrypto and stores only the PIN's keyed hash",
    () => {
      const app = nodeApp({})
      return Effect.gen(function* () {
        const { transactionId, pin } = yield* expectWebCryptoDraws(app.recorded, "01023456789")
        const expected = yield* PinHasher.use((h) => h.hash(transactionId, pin))
        const db = app.database()
        const [row] = db
          .prepare("SELECT body FROM challenges WHERE transaction_id = ?")
          .all(transactionId) as Array<{
          body: string
        }>
        const keys = db.prepare("SELECT name FROM deployment_secrets").all() as Array<{ name: string }>
        db.close()
        const body = JSON.parse(row?.body ?? "{}") as Record<string, unknown>
        assert.notProperty(body, "pin")
        assert.notInclude(row?.body ?? pin, pin)
        assert.strictEqual(body.pinHash, expected)
        assert.deepStrictEqual(
          keys.map((k) => k.name),
          ["ars-pin-key"]
        )
      }).pipe(Effect.provide(app.layer))
    }
  )

  it.live("derives the PIN key from the master key and keeps no key in the database", () => {
    const app = nodeApp({ SENDERID_MASTER_KEY: MASTER_KEY })
    return Effect.gen(function* () {
      const { transactionId, pin } = yield* expectWebCryptoDraws(app.recorded, "01023456789")
      const derived = yield* PinHasher.use((h) => h.hash(transactionId, pin)).pipe(
        Effect.provide(PinHasher.layerSecret(MASTER_KEY).pipe(Layer.provide(SecureRandom.layerWebCrypto)))
      )
      const db = app.database()
      const [row] = db
        .prepare("SELECT body FROM challenges WHERE transaction_id = ?")
        .all(transactionId) as Array<{
        body: string
      }>
      const keys = db.prepare("SELECT name FROM deployment_secrets").all()
      db.close()
      assert.strictEqual((JSON.parse(row?.body ?? "{}") as Record<string, unknown>).pinHash, derived)
      assert.deepStrictEqual(keys, [])
    }).pipe(Effect.provide(app.layer))
  })
})
