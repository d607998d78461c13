/**
 * The API-key store: keys and secrets issued by an operator command, the scopes each key carries,
 * and revocation. The caller supplies the random key and secret (generation needs a CSPRNG, which
 * lives in the adapters and apps); a revoked key is still found, with `revokedAt` set, and the
 * caller refuses it. Listing never returns secrets, and no error carries one.
 */
import { Cache, Clock, Context, Duration, Effect, Exit, Layer, Option, Schema } from "effect"

/** What a key may do: customers' keys carry `senderid:*`, operators' keys `operator:*`, and
 * service keys (the message sender's) `sender:*`: `sender:eligibility` asks whether any account may
 * send from a number, and nothing else. */
export const ApiKeyScope = Schema.Literals([
  "senderid:read",
  "senderid:write",
  "operator:read",
  "operator:write",
  "sender:eligibility"
])
export type ApiKeyScope = typeof ApiKeyScope.Type

const summaryFields = {
  apiKey: Schema.String,
  scopes: Schema.Array(ApiKeyScope),
  /** The customer account a `senderid:*` key acts for; `null` on operators' keys. */
  accountId: Schema.NullOr(Schema.String),
  /** The operator an `operator:*` key belongs to; `null` on customers' keys. */
  operatorId: Schema.NullOr(Schema.String),
  /** The service a `sender:*` key belongs to (e.g. the message sender); `null` on every other key.
   * A service key acts for no account of its own: each request names the account it asks about. */
  serviceId: Schema.NullOr(Schema.String),
  /** Epoch milliseconds. */
  dateCreated: Schema.Number,
  /** Epoch milliseconds of the first revocation, `null` while the key is live. */
  revokedAt: Schema.NullOr(Schema.Number)
}

/** A key as `list` shows it: everything but the secret. */
export const ApiKeySummary = Schema.Struct(summaryFields)
export type ApiKeySummary = typeof ApiKeySummary.Type

/** A key with its secret, as `find` returns it for signature verification. */
export const ApiKeyRecord = Schema.Struct({ ...summaryFields, secret: Schema.String })
export type ApiKeyRecord = typeof ApiKeyRecord.Type

export interface IssueApiKey {
  readonly apiKey: string
  readonly secret: string
  readonly scopes: ReadonlyArray<ApiKeyScope>
  readonly accountId?: string | null | undefined
  readonly operatorId?: string | null | undefined
  readonly serviceId?: string | null | undefined
}

/** The store behind API keys failed (or a stored secret could not be decrypted). */
export class ApiKeyStoreError extends Schema.TaggedError<ApiKeyStoreError>()("ApiKeyStoreError", {
  cause: Schema.Defect()
}) {}

/** `issue` was given a key that already exists (live or revoked): keys are never reused. */
export class ApiKeyAlreadyExists extends Schema.TaggedError<ApiKeyAlreadyExists>()("ApiKeyAlreadyExists", {
  apiKey: Schema.String
}) {}

/** `revoke` was given a key the store does not know. */
export class ApiKeyNotFound extends Schema.TaggedError<ApiKeyNotFound>()("ApiKeyNotFound", {
  apiKey: Schema.String
}) {}

export interface ApiKeysShape {
  /** Stores a new key, created now; fails with `ApiKeyAlreadyExists` if the key was ever issued. */
  readonly issue: (input: IssueApiKey) => Effect.Effect<ApiKeyRecord, ApiKeyAlreadyExists | ApiKeyStoreError>
  /** The key with its secret, revoked or not. */
  readonly find: (apiKey: string) => Effect.Effect<Option.Option<ApiKeyRecord>, ApiKeyStoreError>
  /** Marks the key revoked; revoking again keeps the first `revokedAt`. */
  readonly revoke: (apiKey: string) => Effect.Effect<void, ApiKeyNotFound | ApiKeyStoreError>
  /** Every key (of `accountId` when given), oldest first, without secrets. */
  readonly list: (options?: {
    readonly accountId?: string | undefined
  }) => Effect.Effect<ReadonlyArray<ApiKeySummary>, ApiKeyStoreError>
}

/** The record `issue` creates, shared by the adapters so they agree on defaults. */
export const makeApiKeyRecord = (input: IssueApiKey, dateCreated: number): ApiKeyRecord => ({
  apiKey: input.apiKey,
  secret: input.secret,
  scopes: [...input.scopes],
  accountId: input.accountId ?? null,
  operatorId: input.operatorId ?? null,
  serviceId: input.serviceId ?? null,
  dateCreated,
  revokedAt: null
})

/** The record without its secret. */
export const toApiKeySummary = ({ secret: _secret, ...summary }: ApiKeyRecord): ApiKeySummary => summary

/** `list`'s order: oldest first, then by key so equal dates are stable. */
export const compareApiKeySummaries = (a: ApiKeySummary, b: ApiKeySummary): number =>
  a.dateCreated - b.dateCreated || (a.apiKey < b.apiKey ? -1 : a.apiKey > b.apiKey ? 1 : 0)

export class ApiKeys extends Context.Service<ApiKeys, ApiKeysShape>()("@senderid/domain/ApiKeys") {
  /** In-process, for one node and for tests: secrets are held in memory as given. */
  static readonly layerMemory: Layer.Layer<ApiKeys> = Layer.sync(ApiKeys, () => {
    const records = new Map<string, ApiKeyRecord>()
    const copy = (record: ApiKeyRecord): ApiKeyRecord => ({ ...record, scopes: [...record.scopes] })
    return ApiKeys.of({
      issue: Effect.fn("ApiKeys.issue")(function* (input: IssueApiKey) {
        const now = yield* Clock.currentTimeMillis
        if (records.has(input.apiKey)) return yield* new ApiKeyAlreadyExists({ apiKey: input.apiKey })
        const record = makeApiKeyRecord(input, now)
        records.set(record.apiKey, record)
        return copy(record)
      }),
      find: (apiKey) =>
        Effect.sync(() => Option.map(Option.fromUndefinedOr(records.get(apiKey)), copy)).pipe(
          Effect.withSpan("ApiKeys.find")
        ),
      revoke: Effect.fn("ApiKeys.revoke")(function* (apiKey: string) {
        const now = yield* Clock.currentTimeMillis
        const record = records.get(apiKey)
        if (record === undefined) return yield* new ApiKeyNotFound({ apiKey })
        if (record.revokedAt === null) records.set(apiKey, { ...record, revokedAt: now })
      }),
      list: (options) =>
        Effect.sync(() =>
          Array.from(records.values())
            .filter((r) => options?.accountId === undefined || r.accountId === options.accountId)
            .map((r) => toApiKeySummary(copy(r)))
            .sort(compareApiKeySummaries)
        ).pipe(Effect.withSpan("ApiKeys.list"))
    })
  })

  /**
   * Keeps `find` answers for `ttl` (default 5 seconds), so an API key is read from the store about
   * once per ttl instead of on every request. The price: a key revoked through another instance is
   * still accepted here for up to `ttl`; one revoked through this layer is forgotten at once.
   * Store failures are never kept. Wraps the `ApiKeys` it is given.
   */
  static readonly layerCached = (
    options: { readonly ttl?: Duration.Input; readonly capacity?: number } = {}
  ) =>
    Layer.effect(
      ApiKeys,
      Effect.gen(function* () {
        const store = yield* ApiKeys
        const ttl = options.ttl ?? Duration.seconds(5)
        const cache = yield* Cache.makeWith(store.find, {
          capacity: options.capacity ?? 10_000,
          timeToLive: (exit) => (Exit.isSuccess(exit) ? ttl : Duration.zero)
        })
        return ApiKeys.of({
          ...store,
          find: (apiKey) => Cache.get(cache, apiKey),
          revoke: (apiKey) => store.revoke(apiKey).pipe(Effect.ensuring(Cache.invalidate(cache, apiKey)))
        })
      })
    )
}
