/**
 * SOLAPI's HMAC request authentication: parsing the `Authorization` header, verifying it against an
 * API key's secret (clock skew, constant-time comparison, replay through the `UsedSignatures` port),
 * signing headers for our own client, and the scopes a key carries. Web APIs only, so it runs in Workers.
 */
import { ApiKeyScope, replayWindow, UsedSignatures } from "@senderid/domain"
import { Clock, Duration, Effect, Option, Schema } from "effect"
import { hmacMd5 } from "./internal/md5.ts"

/** The signing methods SOLAPI allows; `HMAC-SHA256` is what its SDKs send. */
export const Method = Schema.Literals(["HMAC-SHA256", "HMAC-MD5"])
export type Method = typeof Method.Type

/** What a key may do: the key store's scopes (`ApiKeyScope`), declared once in the domain. */
export const Scope = ApiKeyScope
export type Scope = ApiKeyScope

/** An API key as the key store knows it; revoked keys are not found. */
export const Credentials = Schema.Struct({
  apiKey: Schema.String,
  secret: Schema.String,
  scopes: Schema.Array(Scope),
  accountId: Schema.NullOr(Schema.String),
  operatorId: Schema.NullOr(Schema.String),
  serviceId: Schema.NullOr(Schema.String)
})
export type Credentials = typeof Credentials.Type

/** A well-formed `Authorization` header; nothing in it is trusted until `verify` has checked it. */
export interface ParsedAuthorization {
  readonly method: Method
  readonly apiKey: string
  /** Exactly as sent, because the signature covers these characters. */
  readonly date: string
  readonly dateMillis: number
  readonly salt: string
  /** Lower-case hex, so a replay cannot pass as new by changing the case of its digits. */
  readonly signature: string
}

/** The request carried no `Authorization` header (or an empty one). */
export class MissingAuthorization extends Schema.TaggedError<MissingAuthorization>()(
  "MissingAuthorization",
  {}
) {}

/** Which rule of the header's grammar was broken. */
export const MalformedReason = Schema.Literals([
  "UnknownMethod",
  "InvalidSyntax",
  "UnknownField",
  "DuplicateField",
  "MissingField",
  "InvalidApiKeyFormat",
  "InvalidDateFormat",
  "InvalidSaltFormat",
  "InvalidSignatureFormat"
])
export type MalformedReason = typeof MalformedReason.Type

export class MalformedAuthorization extends Schema.TaggedError<MalformedAuthorization>()(
  "MalformedAuthorization",
  { reason: MalformedReason }
) {}

/** The key is unknown or revoked (SOLAPI's `InvalidAPIKey`). */
export class InvalidApiKey extends Schema.TaggedError<InvalidApiKey>()("InvalidApiKey", {
  apiKey: Schema.String
}) {}

/** The signature is not the key's HMAC of `date + salt` (SOLAPI's `SignatureDoesNotMatch`). */
export class SignatureMismatch extends Schema.TaggedError<SignatureMismatch>()("SignatureMismatch", {
  apiKey: Schema.String
}) {}

/** The signed date is more than the replay window away from the server's clock; positive skew is ahead. */
export class RequestTimeSkewed extends Schema.TaggedError<RequestTimeSkewed>()("RequestTimeSkewed", {
  date: Schema.String,
  skewSeconds: Schema.Number
}) {}

/** The signature was already used while its date was valid (SOLAPI's `DuplicatedSignature`). */
export class DuplicatedSignature extends Schema.TaggedError<DuplicatedSignature>()("DuplicatedSignature", {
  apiKey: Schema.String
}) {}

export type AuthenticationError =
  | MissingAuthorization
  | MalformedAuthorization
  | InvalidApiKey
  | SignatureMismatch
  | RequestTimeSkewed
  | DuplicatedSignature

const FIELDS = ["apiKey", "date", "salt", "signature"] as const
type Field = (typeof FIELDS)[number]

const API_KEY = /^[!-~]{1,128}$/u
const SALT = /^[!-~]{12,64}$/u
const SIGNATURE_HEX_LENGTH: Record<Method, number> = { "HMAC-SHA256": 64, "HMAC-MD5": 32 }
const HEX = /^[0-9a-f]+$/iu
// ISO 8601 extended date-time with seconds and an explicit offset (a date without one names no instant);
// the decimal comma ISO also allows cannot occur, since commas separate the header's fields.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):?(\d{2}))$/u

/** Milliseconds since the epoch, or `undefined` when `date` is not a real ISO 8601 instant. */
const parseDateTime = (date: string): number | undefined => {
  const match = ISO_DATE_TIME.exec(date)
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = match
  const n = (digits: string | undefined) => Number(digits ?? "0")
  if (n(hour) > 23 || n(minute) > 59 || n(second) > 59 || n(offsetHours) > 23 || n(offsetMinutes) > 59) {
    return undefined
  }
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 19xx; the read-back rejects 30 February.
  const instant = new Date(0)
  instant.setUTCFullYear(n(year), n(month) - 1, n(day))
  if (instant.getUTCMonth() !== n(month) - 1 || instant.getUTCDate() !== n(day)) return undefined
  instant.setUTCHours(n(hour), n(minute), n(second), n(fraction?.padEnd(3, "0").slice(0, 3)))
  const offsetMillis = (n(offsetHours) * 60 + n(offsetMinutes)) * 60_000
  return instant.getTime() - (sign === "-" ? -offsetMillis : offsetMillis)
}

/**
 * Parses `HMAC-SHA256 apiKey=<key>, date=<ISO 8601>, salt=<random>, signature=<hex>`. Whitespace around
 * tokens is tolerated and, as HTTP auth parameters, names are case-insensitive and may come in any order;
 * unknown or repeated fields are refused so no two readings of one header exist. A plain function (it
 * runs on every request), wrapped as an Effect below.
 */
const parse = (
  header: string | null | undefined
): ParsedAuthorization | MissingAuthorization | MalformedAuthorization => {
  const trimmed = header?.trim() ?? ""
  if (trimmed === "") return new MissingAuthorization()
  const malformed = (reason: MalformedReason) => new MalformedAuthorization({ reason })

  const space = trimmed.search(/\s/u)
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space)
  const method = Method.literals.find((m) => m.toLowerCase() === scheme.toLowerCase())
  if (method === undefined) return malformed("UnknownMethod")

  const fields = new Map<Field, string>()
  if (space !== -1) {
    for (const part of trimmed.slice(space).split(",")) {
      const equals = part.indexOf("=")
      if (equals === -1) return malformed("InvalidSyntax")
      const name = part.slice(0, equals).trim().toLowerCase()
      const field = FIELDS.find((f) => f.toLowerCase() === name)
      if (field === undefined) return malformed("UnknownField")
      if (fields.has(field)) return malformed("DuplicateField")
      fields.set(field, part.slice(equals + 1).trim())
    }
  }
  const apiKey = fields.get("apiKey")
  const date = fields.get("date")
  const salt = fields.get("salt")
  const signature = fields.get("signature")
  if (apiKey === undefined || date === undefined || salt === undefined || signature === undefined) {
    return malformed("MissingField")
  }

  if (!API_KEY.test(apiKey)) return malformed("InvalidApiKeyFormat")
  const dateMillis = parseDateTime(date)
  if (dateMillis === undefined) return malformed("InvalidDateFormat")
  if (!SALT.test(salt)) return malformed("InvalidSaltFormat")
  if (signature.length !== SIGNATURE_HEX_LENGTH[method] || !HEX.test(signature)) {
    return malformed("InvalidSignatureFormat")
  }
  return { method, apiKey, date, dateMillis, salt, signature: signature.toLowerCase() }
}

export const parseAuthorization = (
  header: string | null | undefined
): Effect.Effect<ParsedAuthorization, MissingAuthorization | MalformedAuthorization> =>
  Effect.suspend(() => {
    const parsed = parse(header)
    return parsed instanceof MissingAuthorization || parsed instanceof MalformedAuthorization
      ? Effect.fail(parsed)
      : Effect.succeed(parsed)
  })

const encoder = new TextEncoder()

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

/** hex(HMAC-SHA256(secret, message)). A platform with a faster synchronous HMAC than WebCrypto's
 * (Node's `node:crypto`) can supply its own; the result must be lower-case hex. */
export type HmacSha256 = (secret: string, message: string) => Effect.Effect<string>

// Imported keys by secret: importing costs as much as signing. Bounded, so a flood of keys cannot grow it.
const importedKeys = new Map<string, Promise<CryptoKey>>()
const IMPORTED_KEYS_MAX = 1000

const importKey = (secret: string): Promise<CryptoKey> => {
  const cached = importedKeys.get(secret)
  if (cached !== undefined) return cached
  if (importedKeys.size >= IMPORTED_KEYS_MAX) importedKeys.clear()
  const raw = encoder.encode(secret)
  // WebCrypto refuses empty HMAC keys; HMAC zero-pads keys to the block, so 64 zero bytes is the same key.
  const imported = crypto.subtle.importKey(
    "raw",
    raw.length === 0 ? new Uint8Array(64) : raw,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"]
  )
  importedKeys.set(secret, imported)
  return imported
}

/** The default: WebCrypto, available in Workers, browsers and Node alike. */
export const webCryptoHmacSha256: HmacSha256 = (secret, message) =>
  Effect.promise(async () =>
    toHex(new Uint8Array(await crypto.subtle.sign("HMAC", await importKey(secret), encoder.encode(message))))
  )

/** hex(HMAC(secret, message)): SHA-256 as given, MD5 in pure code (WebCrypto has none). */
const hmacHex = (
  method: Method,
  secret: string,
  message: string,
  sha256: HmacSha256
): Effect.Effect<string> =>
  method === "HMAC-MD5"
    ? Effect.sync(() => toHex(hmacMd5(encoder.encode(secret), encoder.encode(message))))
    : sha256(secret, message)

/** Compares every character whatever the first difference, so timing does not reveal a matching prefix. */
export const constantTimeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

const windowMillis = Duration.toMillis(replayWindow)

export interface VerifyOptions<E, R, EA = never, RA = never> {
  /** The key's credentials, or `None` when it is unknown or revoked. */
  readonly lookup: (apiKey: string) => Effect.Effect<Option.Option<Credentials>, E, R>
  /** WebCrypto's unless given. */
  readonly hmacSha256?: HmacSha256 | undefined
  /**
   * Runs once the signature has proved the key, before the signature is claimed (the only write):
   * a rate limit fails here, so a refused request writes nothing.
   */
  readonly admit?: ((credentials: Credentials) => Effect.Effect<void, EA, RA>) | undefined
}

/**
 * Authenticates a request: parse → look the key up → check the date against the clock → compare the
 * signature in constant time → admit → claim it against replay. The claim comes last so that unsigned
 * garbage and refused requests cannot fill the replay store, and it lasts until the signed date itself
 * leaves the window: a signature dated ahead of the server stays valid for longer than the window from
 * its first use.
 */
export const verify = Effect.fn("Signature.verify")(function* <E, R, EA = never, RA = never>(
  header: string | null | undefined,
  options: VerifyOptions<E, R, EA, RA>
) {
  const parsed = yield* parseAuthorization(header)
  const found = yield* options.lookup(parsed.apiKey)
  // A key stored without a secret would accept anyone's HMAC of an empty key.
  if (Option.isNone(found) || found.value.secret === "") {
    return yield* new InvalidApiKey({ apiKey: parsed.apiKey })
  }
  const credentials = found.value

  const now = yield* Clock.currentTimeMillis
  const skewMillis = parsed.dateMillis - now
  if (Math.abs(skewMillis) > windowMillis) {
    return yield* new RequestTimeSkewed({ date: parsed.date, skewSeconds: skewMillis / 1000 })
  }

  const expected = yield* hmacHex(
    parsed.method,
    credentials.secret,
    parsed.date + parsed.salt,
    options.hmacSha256 ?? webCryptoHmacSha256
  )
  if (!constantTimeEqual(expected, parsed.signature)) {
    return yield* new SignatureMismatch({ apiKey: parsed.apiKey })
  }

  if (options.admit !== undefined) yield* options.admit(credentials)

  // Refused until one millisecond past the last instant the date is accepted (skew of exactly the window).
  const claimFor = Duration.millis(parsed.dateMillis + windowMillis + 1 - now)
  const usedSignatures = yield* UsedSignatures
  if (!(yield* usedSignatures.claim(parsed.signature, claimFor))) {
    return yield* new DuplicatedSignature({ apiKey: parsed.apiKey })
  }
  return credentials
})

export interface SignOptions {
  readonly apiKey: string
  readonly apiSecret: string
  /** `HMAC-SHA256` unless given. */
  readonly method?: Method
  /** The server's clock as UTC ISO 8601 unless given. */
  readonly date?: string
  /** 32 random hex characters unless given; not validated, so tests can sign malformed headers. */
  readonly salt?: string
}

// The salt must be unpredictable, so it comes from the platform CSPRNG, not Effect's seedable Random.
const randomSalt = (): string => toHex(crypto.getRandomValues(new Uint8Array(16)))

/** The `Authorization` header value for a request signed with the key's secret. */
export const sign = Effect.fn("Signature.sign")(function* (options: SignOptions) {
  const method = options.method ?? "HMAC-SHA256"
  const date = options.date ?? new Date(yield* Clock.currentTimeMillis).toISOString()
  const salt = options.salt ?? randomSalt()
  const signature = yield* hmacHex(method, options.apiSecret, date + salt, webCryptoHmacSha256)
  return `${method} apiKey=${options.apiKey}, date=${date}, salt=${salt}, signature=${signature}`
})

/** Whether the key was granted `scope`; scopes are independent, `write` does not imply `read`. */
export const hasScope = (credentials: Pick<Credentials, "scopes">, scope: Scope): boolean =>
  credentials.scopes.includes(scope)
