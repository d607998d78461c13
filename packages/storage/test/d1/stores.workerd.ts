/**
 * The server's stores on D1, inside workerd: the edge deployment keeps replay protection,
 * idempotency keys, evidence blobs and its generated ARS PIN key in the same D1 database as the
 * registry, through the same SQL adapters the Node tests run on SQLite and PostgreSQL.
 */

import { env } from "cloudflare:workers"
import { assert, describe, it, layer } from "@effect/vitest"
import { DocumentBlobStore, IdempotencyKeys, PinHasher, UsedSignatures } from "@senderid/domain"
import { Effect, Layer, Option } from "effect"
import { SecureRandom } from "effect/crypto"
import * as D1 from "../../src/d1.ts"
import * as IdempotencyKeyStores from "../../src/idempotencyKeys.ts"
import * as PinKeys from "../../src/pinKeys.ts"
import * as SqlBlobs from "../../src/sqlBlobStore.ts"
import * as UsedSignatureStores from "../../src/usedSignatures.ts"

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
const stores = Layer.mergeAll(
  UsedSignatureStores.layerSql,
  IdempotencyKeyStores.layerSql,
  SqlBlobs.layerSqlBlobs
).pipe(Layer.provide(D1.layerClient(env.DB)))

describe("server stores on D1", () => {
  layer(stores, { excludeTestServices: true })((it) => {
    it.effect("accept a signature once, also when 50 claims race", () =>
      Effect.gen(function* () {
        const signatures = yield* UsedSignatures
        assert.isTrue(yield* signatures.claim(`once-${run}`, "15 minutes"))
        assert.isFalse(yield* signatures.claim(`once-${run}`, "15 minutes"))
        const raced = yield* Effect.all(
          Array.from({ length: 50 }, () => signatures.claim(`race-${run}`, "15 minutes")),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(raced.filter(Boolean).length, 1)
      })
    )

    it.effect("write concurrent claims in full batches within D1's 100 bound parameters", () =>
      Effect.gen(function* () {
        const signatures = yield* UsedSignatures
        // 120 distinct claims fill statements of 49 rows (99 parameters); each is also claimed a
        // second time in the same tick, which the batch resolves before the statement.
        const distinct = Array.from({ length: 120 }, (_, i) => `batch-${run}-${i}`)
        const results = yield* Effect.all(
          [...distinct, ...distinct].map((signature) => signatures.claim(signature, "15 minutes")),
          { concurrency: "unbounded" }
        )
        assert.isTrue(results.slice(0, 120).every(Boolean))
        assert.isTrue(results.slice(120).every((won) => !won))
      })
    )

    it.effect("start, refuse, and replay an idempotency key", () =>
      Effect.gen(function* () {
        const keys = yield* IdempotencyKeys
        const key = `key-${run}`
        assert.strictEqual((yield* keys.begin("A", key, "hash-1"))._tag, "Started")
        assert.strictEqual((yield* keys.begin("A", key, "hash-1"))._tag, "InFlight")
        assert.strictEqual((yield* keys.begin("A", key, "hash-2"))._tag, "Mismatch")
        assert.strictEqual(
          (yield* keys.begin("B", key, "hash-1"))._tag,
          "Started",
          "keys are scoped per account"
        )
        const response = { status: 200, body: '{"ok":true}', headers: { "content-type": "application/json" } }
        yield* keys.complete("A", key, response)
        const replay = yield* keys.begin("A", key, "hash-1")
        assert.deepStrictEqual(replay, { _tag: "Replay", response })
      })
    )

    it.effect("store evidence bytes up to the 700 KB cap and forget them on removal", () =>
      Effect.gen(function* () {
        const blobs = yield* DocumentBlobStore
        const documentId = "DOC20270115170000D1BLOBTEST0001"
        const bytes = new Uint8Array(700 * 1024).map((_, i) => i % 251)
        yield* blobs.put(documentId, bytes)
        const stored = yield* blobs.get(documentId)
        assert.isTrue(Option.isSome(stored))
        assert.deepStrictEqual(Option.getOrThrow(stored).length, bytes.length)
        assert.isTrue(Option.getOrThrow(stored).every((b, i) => b === bytes[i]))
        yield* blobs.remove(documentId)
        assert.isTrue(Option.isNone(yield* blobs.get(documentId)))
      })
    )
  })
})

describe("the ARS PIN key on D1", () => {
  it.live("is generated once and read by every isolate's runtime, also when their starts race", () =>
    Effect.gen(function* () {
      const hashOnce = PinHasher.use((h) => h.hash("ARS20270115170000ABCDEFGHIJKLMNO", "123456")).pipe(
        Effect.provide(
          PinKeys.layerSql().pipe(
            Layer.provide(Layer.merge(D1.layerClient(env.DB), SecureRandom.layerWebCrypto))
          )
        )
      )
      const hashes = yield* Effect.all(
        Array.from({ length: 4 }, () => hashOnce),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(new Set(hashes).size, 1)
      assert.strictEqual(yield* hashOnce, hashes[0])
      const rows = yield* Effect.promise(() =>
        env.DB.prepare("SELECT name FROM deployment_secrets").all<{ name: string }>()
      )
      assert.deepStrictEqual(
        rows.results.map((r) => r.name),
        [PinKeys.PIN_KEY_NAME]
      )
    })
  )
})
