/**
 * The API-key store on the real engines: round trips, duplicate keys, secrets at rest (encrypted
 * with a master key, `plain:` without), wrong or missing master keys, and credential generation.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { ApiKeyAlreadyExists, ApiKeyNotFound, ApiKeyStoreError, ApiKeys } from "@senderid/domain"
import { Context, Effect, Layer, Option } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { TestClock } from "effect/testing"
import * as ApiKeyStores from "../../src/apiKeys.ts"
import * as Postgres from "../../src/postgres.ts"
import * as Sqlite from "../../src/sqlite.ts"
import { freshDatabase } from "../support/postgres.ts"

const MASTER_KEY = "bWFzdGVyLWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcw=="
const OTHER_MASTER_KEY = "b3RoZXItbWFzdGVyLWtleS1mb3ItdGVzdHMtMzItYnl0ZXM="

/** Fresh credentials in SOLAPI's shape, so tests sharing one database never collide. */
const fresh = () => {
  const random = crypto.randomUUID().replaceAll("-", "").toUpperCase()
  return { apiKey: `NCS${random.slice(0, 13)}`, secret: random.padEnd(32, "0") }
}

/** A store and the raw client under it, built in the test's scope. */
const open = <E>(client: Layer.Layer<SqlClient.SqlClient, E>, masterKey?: string) =>
  Layer.build(ApiKeyStores.layerSql({ masterKey }).pipe(Layer.provideMerge(client))).pipe(
    Effect.map((context) => ({
      store: Context.get(context, ApiKeys),
      sql: Context.get(context, SqlClient.SqlClient)
    }))
  )

const rawSecret = (sql: SqlClient.SqlClient, apiKey: string) =>
  sql<{ readonly secret: string }>`SELECT secret FROM api_keys WHERE api_key = ${apiKey}`.pipe(
    Effect.map((rows) => rows[0]?.secret ?? "")
  )

const textsOf = (error: ApiKeyStoreError) => [
  error.message,
  String(error),
  JSON.stringify(error),
  JSON.stringify(error.toJSON()),
  String(error.cause),
  error.cause instanceof Error ? error.cause.message : ""
]

const sharedApiKeys = <E>(engine: string, client: () => Layer.Layer<SqlClient.SqlClient, E>) =>
  describe(`ApiKeys on ${engine}`, () => {
    // On the TestClock: issuing and revoking happen at chosen, distinct times.
    it.effect("issues, finds, revokes and lists keys", () =>
      Effect.gen(function* () {
        const { store } = yield* open(client(), MASTER_KEY)
        const account = `ACCOUNT-${fresh().apiKey}`
        const a = fresh()
        const b = fresh()
        const op = fresh()
        const issued = yield* store.issue({
          ...a,
          scopes: ["senderid:read", "senderid:write"],
          accountId: account
        })
        yield* TestClock.adjust("5 millis")
        yield* store.issue({ ...b, scopes: ["senderid:read"], accountId: account })
        yield* store.issue({ ...op, scopes: ["operator:read", "operator:write"], operatorId: "OPERATOR-1" })

        const found = Option.getOrThrow(yield* store.find(a.apiKey))
        assert.deepStrictEqual(found, issued)
        assert.deepStrictEqual(found, {
          apiKey: a.apiKey,
          secret: a.secret,
          scopes: ["senderid:read", "senderid:write"],
          accountId: account,
          operatorId: null,
          serviceId: null,
          dateCreated: issued.dateCreated,
          revokedAt: null
        })
        const operator = Option.getOrThrow(yield* store.find(op.apiKey))
        assert.strictEqual(operator.accountId, null)
        assert.strictEqual(operator.operatorId, "OPERATOR-1")
        assert.deepStrictEqual(operator.scopes, ["operator:read", "operator:write"])
        // A service key is stored with neither an account nor an operator, only its service.
        const svc = fresh()
        yield* store.issue({ ...svc, scopes: ["sender:eligibility"], serviceId: "message-sender" })
        const service = Option.getOrThrow(yield* store.find(svc.apiKey))
        assert.deepStrictEqual(
          [service.accountId, service.operatorId, service.serviceId, service.scopes],
          [null, null, "message-sender", ["sender:eligibility"]]
        )
        assert.isTrue(Option.isNone(yield* store.find(fresh().apiKey)))

        yield* store.revoke(b.apiKey)
        const revokedAt = Option.getOrThrow(yield* store.find(b.apiKey)).revokedAt
        assert.isNotNull(revokedAt)
        yield* TestClock.adjust("5 millis")
        yield* store.revoke(b.apiKey)
        assert.strictEqual(Option.getOrThrow(yield* store.find(b.apiKey)).revokedAt, revokedAt)
        const missing = yield* Effect.flip(store.revoke("NCSNOSUCHKEY0000"))
        assert.instanceOf(missing, ApiKeyNotFound)

        const listed = yield* store.list({ accountId: account })
        assert.deepStrictEqual(
          listed.map((k) => [k.apiKey, k.revokedAt === null]),
          [
            [a.apiKey, true],
            [b.apiKey, false]
          ]
        )
        for (const summary of listed) assert.notProperty(summary, "secret")
        const all = yield* store.list()
        assert.includeMembers(
          all.map((k) => k.apiKey),
          [a.apiKey, b.apiKey, op.apiKey]
        )
        assert.notInclude(JSON.stringify(all), a.secret)
      })
    )

    it.live("refuses to issue a key twice and keeps the first secret", () =>
      Effect.gen(function* () {
        const { store } = yield* open(client())
        const key = fresh()
        yield* store.issue({ ...key, scopes: ["senderid:read"], accountId: "A" })
        const again = yield* Effect.flip(
          store.issue({
            apiKey: key.apiKey,
            secret: "OTHERSECRET",
            scopes: ["operator:write"],
            operatorId: "X"
          })
        )
        assert.instanceOf(again, ApiKeyAlreadyExists)
        assert.strictEqual(again.apiKey, key.apiKey)
        assert.strictEqual(Option.getOrThrow(yield* store.find(key.apiKey)).secret, key.secret)
      })
    )

    it.live("stores secrets encrypted with a master key, with a fresh IV each time", () =>
      Effect.gen(function* () {
        const { store, sql } = yield* open(client(), MASTER_KEY)
        const one = fresh()
        const two = { apiKey: fresh().apiKey, secret: one.secret }
        yield* store.issue({ ...one, scopes: ["senderid:read"], accountId: "A" })
        yield* store.issue({ ...two, scopes: ["senderid:read"], accountId: "A" })
        const rawOne = yield* rawSecret(sql, one.apiKey)
        const rawTwo = yield* rawSecret(sql, two.apiKey)
        assert.match(rawOne, /^enc:v1:[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$/u)
        assert.notInclude(rawOne, one.secret)
        assert.notInclude(rawOne, MASTER_KEY)
        assert.notStrictEqual(rawOne.split(":")[2], rawTwo.split(":")[2])
        assert.notStrictEqual(rawOne, rawTwo)
        assert.strictEqual(Option.getOrThrow(yield* store.find(two.apiKey)).secret, one.secret)
      })
    )

    it.live("stores secrets as plain: without a master key, and still reads them once one is set", () =>
      Effect.gen(function* () {
        const { store, sql } = yield* open(client())
        const key = fresh()
        yield* store.issue({ ...key, scopes: ["senderid:read"], accountId: "A" })
        assert.strictEqual(yield* rawSecret(sql, key.apiKey), `plain:${key.secret}`)
        const { store: encrypted } = yield* open(client(), MASTER_KEY)
        assert.strictEqual(Option.getOrThrow(yield* encrypted.find(key.apiKey)).secret, key.secret)
      })
    )

    it.live("fails with ApiKeyStoreError, revealing nothing, on a wrong or missing master key", () =>
      Effect.gen(function* () {
        const { store } = yield* open(client(), MASTER_KEY)
        const key = fresh()
        yield* store.issue({ ...key, scopes: ["senderid:read"], accountId: "A" })

        const { store: wrong } = yield* open(client(), OTHER_MASTER_KEY)
        const { store: none } = yield* open(client())
        for (const [other, reason] of [
          [wrong, "wrong master key"],
          [none, "no master key is configured"]
        ] as const) {
          const error = yield* Effect.flip(other.find(key.apiKey))
          assert.instanceOf(error, ApiKeyStoreError)
          assert.include(String((error as ApiKeyStoreError).cause), reason)
          for (const text of textsOf(error as ApiKeyStoreError)) {
            assert.notInclude(text, key.secret)
            assert.notInclude(text, MASTER_KEY)
            assert.notInclude(text, OTHER_MASTER_KEY)
          }
          // Listing needs no secret, so it still works.
          assert.include(
            (yield* other.list({ accountId: "A" })).map((k) => k.apiKey),
            key.apiKey
          )
        }
      })
    )

    it.live("refuses an empty master key when the layer is built", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(open(client(), ""))
        assert.instanceOf(error, ApiKeyStoreError)
      })
    )
  })

const directory = mkdtempSync(join(tmpdir(), "senderid-api-keys-"))
sharedApiKeys("SQLite", () => Sqlite.layerClient({ filename: join(directory, "stores.db") }))

const url = freshDatabase("api_keys")
sharedApiKeys("PostgreSQL", () => Postgres.layerClient({ url }))
