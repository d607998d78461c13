/**
 * `ApiKeys` in one table through `SqlClient` (SQLite, PostgreSQL, D1). The keys and secrets come
 * from the caller (`@senderid/server`'s `Credentials.generateCredentials`).
 * Web APIs only (`crypto.subtle`, `crypto.getRandomValues`, `btoa`/`atob`), so it runs in Workers.
 *
 * Secrets at rest: with a master key, `enc:v1:<base64 iv>:<base64 ciphertext>` — AES-GCM-256 with a
 * fresh 12-byte IV per secret and the API key as additional authenticated data (a ciphertext copied
 * onto another key's row does not decrypt). The AES key is derived from the master key's UTF-8
 * bytes with HKDF-SHA256 (salt `senderid/api-keys`, info `api-key-secret enc:v1`); HKDF does not
 * stretch, so the master key must be high-entropy (e.g. 32 random bytes, base64), not a password.
 * Without a master key secrets are stored as `plain:<secret>`, so rows written before a master key
 * was configured are recognisable (and still read); an `enc:` row read without the master key or
 * with the wrong one fails with `ApiKeyStoreError`, whose message holds neither secret nor key.
 */
import {
  ApiKeyAlreadyExists,
  ApiKeyNotFound,
  type ApiKeyRecord,
  ApiKeyScope,
  ApiKeyStoreError,
  type ApiKeySummary,
  ApiKeys,
  compareApiKeySummaries,
  type IssueApiKey,
  makeApiKeyRecord
} from "@senderid/domain"
import { Clock, Effect, Layer, Option, Schema } from "effect"
import * as SqlClient from "effect/sql/SqlClient"

export interface ApiKeysSqlOptions {
  /** Encrypts secrets at rest when given (see the module comment); must be high-entropy. */
  readonly masterKey?: string | undefined
}

// ---------------------------------------------------------------------------------------------
// Secrets at rest

const ENCRYPTED = "enc:v1:"
const PLAIN = "plain:"
/** WebCrypto's key type, named without DOM lib types (Node's typings declare it only as a value). */
type AesKey = Awaited<ReturnType<typeof crypto.subtle.deriveKey>>

const encoder = new TextEncoder()
const decoder = new TextDecoder("utf-8", { fatal: true })

const toBase64 = (bytes: Uint8Array): string => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}
const fromBase64 = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(text), (char) => char.charCodeAt(0))

/** A failure whose text is fixed here, never taken from a secret, a key or a crypto exception. */
const safeError = (message: string) => new ApiKeyStoreError({ cause: new Error(message) })

const deriveAesKey = (masterKey: string): Effect.Effect<AesKey, ApiKeyStoreError> =>
  masterKey.length === 0
    ? Effect.fail(safeError("the API-key master key is empty"))
    : Effect.tryPromise({
        try: async () => {
          const base = await crypto.subtle.importKey("raw", encoder.encode(masterKey), "HKDF", false, [
            "deriveKey"
          ])
          return crypto.subtle.deriveKey(
            {
              name: "HKDF",
              hash: "SHA-256",
              salt: encoder.encode("senderid/api-keys"),
              info: encoder.encode("api-key-secret enc:v1")
            },
            base,
            { name: "AES-GCM", length: 256 },
            false,
            ["encrypt", "decrypt"]
          )
        },
        catch: () => safeError("could not derive the API-key encryption key from the master key")
      })

const sealSecret = (aesKey: AesKey | undefined, apiKey: string, secret: string) => {
  if (aesKey === undefined) return Effect.succeed(PLAIN + secret)
  return Effect.tryPromise({
    try: async () => {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const ciphertext = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(apiKey) },
        aesKey,
        encoder.encode(secret)
      )
      return `${ENCRYPTED}${toBase64(iv)}:${toBase64(new Uint8Array(ciphertext))}`
    },
    catch: () => safeError(`could not encrypt the secret of API key ${apiKey}`)
  })
}

const openSecret = (
  aesKey: AesKey | undefined,
  apiKey: string,
  stored: string
): Effect.Effect<string, ApiKeyStoreError> => {
  if (stored.startsWith(PLAIN)) return Effect.succeed(stored.slice(PLAIN.length))
  if (!stored.startsWith(ENCRYPTED)) {
    return Effect.fail(safeError(`the secret of API key ${apiKey} is in an unknown format`))
  }
  if (aesKey === undefined) {
    return Effect.fail(
      safeError(`the secret of API key ${apiKey} is encrypted and no master key is configured`)
    )
  }
  return Effect.tryPromise({
    try: async () => {
      const [iv, ciphertext, ...rest] = stored.slice(ENCRYPTED.length).split(":")
      if (iv === undefined || ciphertext === undefined || rest.length > 0) throw new Error("malformed")
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(apiKey) },
        aesKey,
        fromBase64(ciphertext)
      )
      return decoder.decode(plain)
    },
    catch: () =>
      safeError(
        `the secret of API key ${apiKey} could not be decrypted: wrong master key, or the value is corrupted`
      )
  })
}

// ---------------------------------------------------------------------------------------------
// The store

interface SummaryRow {
  readonly api_key: string
  readonly scopes: string
  readonly account_id: string | null
  readonly operator_id: string | null
  readonly service_id: string | null
  readonly date_created: number | string
  readonly revoked_at: number | string | null
}
interface RecordRow extends SummaryRow {
  readonly secret: string
}

const decodeScopes = Schema.decodeUnknownEffect(Schema.fromJsonString(Schema.Array(ApiKeyScope)))

const storeError = (cause: unknown) =>
  cause instanceof ApiKeyStoreError ? cause : new ApiKeyStoreError({ cause })

// PostgreSQL returns BIGINT as a string.
const toSummary = (row: SummaryRow) =>
  decodeScopes(row.scopes).pipe(
    Effect.map(
      (scopes): ApiKeySummary => ({
        apiKey: row.api_key,
        scopes,
        accountId: row.account_id,
        operatorId: row.operator_id,
        serviceId: row.service_id,
        dateCreated: Number(row.date_created),
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at)
      })
    ),
    Effect.mapError(() => safeError(`the scopes of API key ${row.api_key} are not valid`))
  )

/** `ApiKeys` over the `SqlClient` in context; the master key, when given, encrypts secrets at rest.
 * Its table comes from the `2_server_stores` and `11_service_keys` migrations, applied by each engine's `layerClient`. */
export const layerSql = (
  options: ApiKeysSqlOptions = {}
): Layer.Layer<ApiKeys, ApiKeyStoreError, SqlClient.SqlClient> =>
  Layer.effect(
    ApiKeys,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const aesKey = options.masterKey === undefined ? undefined : yield* deriveAesKey(options.masterKey)

      const issue = Effect.fn("ApiKeys.issue")(function* (input: IssueApiKey) {
        const record = makeApiKeyRecord(input, yield* Clock.currentTimeMillis)
        const stored = yield* sealSecret(aesKey, record.apiKey, record.secret)
        // A key ever issued (revoked or not) makes the insert a no-op that returns nothing.
        const rows = yield* sql`INSERT INTO api_keys
          (api_key, secret, scopes, account_id, operator_id, service_id, date_created, revoked_at)
        VALUES (${record.apiKey}, ${stored}, ${JSON.stringify(record.scopes)}, ${record.accountId},
          ${record.operatorId}, ${record.serviceId}, ${record.dateCreated}, NULL)
        ON CONFLICT (api_key) DO NOTHING
        RETURNING api_key`.pipe(Effect.mapError(storeError))
        if (rows.length === 0) return yield* new ApiKeyAlreadyExists({ apiKey: record.apiKey })
        return record
      })

      const find = Effect.fn("ApiKeys.find")(function* (apiKey: string) {
        const rows = yield* sql<RecordRow>`SELECT api_key, secret, scopes, account_id, operator_id,
          service_id, date_created, revoked_at FROM api_keys WHERE api_key = ${apiKey}`.pipe(
          Effect.mapError(storeError)
        )
        const row = rows[0]
        if (row === undefined) return Option.none<ApiKeyRecord>()
        const summary = yield* toSummary(row)
        const secret = yield* openSecret(aesKey, row.api_key, row.secret)
        return Option.some<ApiKeyRecord>({ ...summary, secret })
      })

      const revoke = Effect.fn("ApiKeys.revoke")(function* (apiKey: string) {
        const now = yield* Clock.currentTimeMillis
        const rows = yield* sql`UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ${now})
        WHERE api_key = ${apiKey} RETURNING api_key`.pipe(Effect.mapError(storeError))
        if (rows.length === 0) return yield* new ApiKeyNotFound({ apiKey })
      })

      const list = Effect.fn("ApiKeys.list")(function* (listOptions?: {
        readonly accountId?: string | undefined
      }) {
        const accountId = listOptions?.accountId
        // The secret column is never selected here.
        const rows = yield* (
          accountId === undefined
            ? sql<SummaryRow>`SELECT api_key, scopes, account_id, operator_id, service_id, date_created, revoked_at
              FROM api_keys`
            : sql<SummaryRow>`SELECT api_key, scopes, account_id, operator_id, service_id, date_created, revoked_at
              FROM api_keys WHERE account_id = ${accountId}`
        ).pipe(Effect.mapError(storeError))
        const summaries = yield* Effect.forEach(rows, toSummary)
        return summaries.sort(compareApiKeySummaries)
      })

      return ApiKeys.of({ issue, find, revoke, list })
    })
  )
