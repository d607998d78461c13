/**
 * The key ARS PINs are hashed under, on the real engines: generated once and kept in the database
 * when there is no master key (so instances, racing starts and restarts agree), derived from the
 * master key and never stored when there is one.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { PinHasher } from "@senderid/domain"
import { Effect, Layer } from "effect"
import { SecureRandom } from "effect/crypto"
import * as SqlClient from "effect/sql/SqlClient"
import * as PinKeys from "../../src/pinKeys.ts"
import * as Postgres from "../../src/postgres.ts"
import * as Sqlite from "../../src/sqlite.ts"
import { freshDatabase } from "../support/postgres.ts"

const MASTER_KEY = "bWFzdGVyLWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcw=="
const TRANSACTION = "ARS20270115170000ABCDEFGHIJKLMNO"

/** The hash of one PIN as an instance on `client` computes it. */
const hashOn = <E>(client: Layer.Layer<SqlClient.SqlClient, E>, masterKey?: string) =>
  PinHasher.use((h) => h.hash(TRANSACTION, "123456")).pipe(
    Effect.provide(
      PinKeys.layerSql({ masterKey }).pipe(Layer.provide(Layer.merge(client, SecureRandom.layerWebCrypto)))
    )
  )

const storedKeys = <E>(client: Layer.Layer<SqlClient.SqlClient, E>) =>
  SqlClient.SqlClient.use((sql) => sql<{ name: string }>`SELECT name FROM deployment_secrets`).pipe(
    Effect.provide(client)
  )

/** Three databases of one engine, each migrated on first open. */
type Databases<E> = Record<"a" | "b" | "c", () => Layer.Layer<SqlClient.SqlClient, E>>

const sharedPinKeys = <E>(engine: string, databases: Databases<E>) =>
  describe(`ARS PIN keys on ${engine}`, () => {
    it.live("generates one key per database on first use, which every instance and start reads", () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* storedKeys(databases.a()), [])
        const racing = yield* Effect.all(
          Array.from({ length: 4 }, () => hashOn(databases.a())),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(new Set(racing).size, 1)
        assert.strictEqual(yield* hashOn(databases.a()), racing[0])
        assert.deepStrictEqual(
          (yield* storedKeys(databases.a())).map((r) => r.name),
          [PinKeys.PIN_KEY_NAME]
        )
        assert.notStrictEqual(yield* hashOn(databases.b()), racing[0])
      })
    )

    it.live("derives the key from the master key and stores none", () =>
      Effect.gen(function* () {
        const hash = yield* hashOn(databases.c(), MASTER_KEY)
        const derived = yield* PinHasher.use((h) => h.hash(TRANSACTION, "123456")).pipe(
          Effect.provide(PinHasher.layerSecret(MASTER_KEY).pipe(Layer.provide(SecureRandom.layerWebCrypto)))
        )
        assert.strictEqual(hash, derived)
        assert.strictEqual(yield* hashOn(databases.b(), MASTER_KEY), hash)
        assert.deepStrictEqual(yield* storedKeys(databases.c()), [])
      })
    )
  })

const directory = mkdtempSync(join(tmpdir(), "senderid-pin-keys-"))
const sqlite = (name: string) => () => Sqlite.layerClient({ filename: join(directory, `${name}.db`) })
sharedPinKeys("SQLite", { a: sqlite("a"), b: sqlite("b"), c: sqlite("c") })

const postgres = (url: string) => () => Postgres.layerClient({ url })
sharedPinKeys("PostgreSQL", {
  a: postgres(freshDatabase("pin_keys_a")),
  b: postgres(freshDatabase("pin_keys_b")),
  c: postgres(freshDatabase("pin_keys_c"))
})
