/**
 * The Node server's settings, read from the environment once at start. Every one has a default that
 * makes `pnpm start` work on a fresh machine: port 3000, a SQLite file under `./data`.
 */
import { isIP } from "node:net"
import { resolve } from "node:path"
import { Schema } from "effect"

const Port = Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 65535 }))
const Positive = Schema.NumberFromString.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1))
const AddressList = Schema.String.check(
  Schema.makeFilter(
    (list) =>
      list.split(",").every((address) => isIP(address.trim()) !== 0) ||
      "a comma-separated list of IP addresses"
  )
)

export const Environment = Schema.Struct({
  PORT: Schema.optionalKey(Port),
  HOST: Schema.optionalKey(Schema.String),
  /** Where the SQLite file and the uploaded documents live. */
  SENDERID_DATA_DIR: Schema.optionalKey(Schema.String),
  /** `postgres://…`: the registry and the server's stores on PostgreSQL instead of SQLite. */
  DATABASE_URL: Schema.optionalKey(Schema.String),
  /** `redis://…`: replay protection shared by every instance through Redis. */
  REDIS_URL: Schema.optionalKey(Schema.String),
  /** Encrypts API-key secrets at rest and keys the ARS PIN hash; a long random string (e.g.
   * `openssl rand -base64 32`). */
  SENDERID_MASTER_KEY: Schema.optionalKey(Schema.String),
  /** `FULL` makes every SQLite commit survive power loss, at an fsync per commit. */
  SENDERID_SQLITE_SYNCHRONOUS: Schema.optionalKey(Schema.Literals(["NORMAL", "FULL"])),
  /** `automatic` hands WAL checkpoints back to SQLite (inside a commit); `background` runs them in a worker. */
  SENDERID_SQLITE_CHECKPOINTS: Schema.optionalKey(Schema.Literals(["background", "automatic"])),
  /** Requests per second per API key (bursts of 5× that); `0` turns the limit off. */
  SENDERID_RATE_LIMIT: Schema.optionalKey(Schema.NumberFromString.check(Schema.isGreaterThanOrEqualTo(0))),
  /** `https://senderid.example.com`: the origin in links the API returns (documents' `url`). */
  SENDERID_PUBLIC_URL: Schema.optionalKey(Schema.String),
  /** `off` silences the per-request JSON log lines. */
  SENDERID_REQUEST_LOG: Schema.optionalKey(Schema.Literals(["on", "off"])),
  /** Whether webhooks may reach loopback or private addresses (by URL or by what its name resolves to). */
  SENDERID_WEBHOOK_PRIVATE_HOSTS: Schema.optionalKey(Schema.Literals(["allow", "deny"])),
  /** Milliseconds a client may take to send a request's headers. */
  SENDERID_HEADERS_TIMEOUT_MS: Schema.optionalKey(Positive),
  /** Milliseconds a client may take to send a whole request, headers and body. */
  SENDERID_REQUEST_TIMEOUT_MS: Schema.optionalKey(Positive),
  /** Milliseconds an idle keep-alive connection is kept open. */
  SENDERID_KEEP_ALIVE_TIMEOUT_MS: Schema.optionalKey(Positive),
  /** Connections open at once; further ones are closed as they arrive. */
  SENDERID_MAX_CONNECTIONS: Schema.optionalKey(Positive),
  /** Reverse proxies (IP addresses) whose `X-Forwarded-For` names the client. */
  SENDERID_TRUSTED_PROXIES: Schema.optionalKey(AddressList)
})

/** How long a client may hold a connection, and how many it may hold (see `NodeServer.ts`). */
export interface ConnectionLimits {
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  readonly maxConnections: number
}

export interface NodeConfig {
  readonly port: number
  readonly host: string
  readonly dataDirectory: string
  readonly databaseUrl: string | undefined
  readonly redisUrl: string | undefined
  readonly masterKey: string | undefined
  readonly synchronous: "NORMAL" | "FULL"
  readonly checkpoints: "background" | "automatic"
  readonly rateLimitPerSecond: number
  readonly requestLog: boolean
  readonly publicUrl: string | undefined
  readonly webhookPrivateHosts: boolean
  readonly connections: ConnectionLimits
  readonly trustedProxies: ReadonlyArray<string>
}

/** A listening address only this machine can reach. */
const isLoopback = (host: string) => host === "localhost" || host === "::1" || host.startsWith("127.")

/** Whether clients are told to reach the server somewhere other than this machine (a proxy in
 * front of a loopback listener): then others reach it, whatever `HOST` says. */
const isReachedFromElsewhere = (publicUrl: string | undefined) => {
  if (publicUrl === undefined) return false
  const host = URL.parse(publicUrl)?.hostname.replace(/^\[(.*)\]$/u, "$1")
  return host === undefined || !isLoopback(host)
}

const blankToUndefined = (value: string | undefined) =>
  value === undefined || value.trim() === "" ? undefined : value

/**
 * Reads the settings; a malformed value fails with the schema's message naming the variable. A
 * relative data directory is taken from where the command was typed (`INIT_CWD`, which pnpm sets),
 * so `pnpm start` at the repository root keeps its data in `./data` there.
 */
export const fromEnvironment = (env: Readonly<Record<string, string | undefined>>): NodeConfig => {
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => blankToUndefined(value) !== undefined)
  )
  const parsed = Schema.decodeUnknownSync(Environment)(given)
  const requestTimeoutMs = parsed.SENDERID_REQUEST_TIMEOUT_MS ?? 30_000
  const headersTimeoutMs = parsed.SENDERID_HEADERS_TIMEOUT_MS ?? Math.min(10_000, requestTimeoutMs)
  // Node refuses the other way round: the headers are part of the request.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new Error("SENDERID_HEADERS_TIMEOUT_MS must not exceed SENDERID_REQUEST_TIMEOUT_MS")
  }
  return {
    port: parsed.PORT ?? 3000,
    host: parsed.HOST ?? "127.0.0.1",
    dataDirectory: resolve(env.INIT_CWD ?? ".", parsed.SENDERID_DATA_DIR ?? "data"),
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    masterKey: parsed.SENDERID_MASTER_KEY,
    synchronous: parsed.SENDERID_SQLITE_SYNCHRONOUS ?? "NORMAL",
    checkpoints: parsed.SENDERID_SQLITE_CHECKPOINTS ?? "background",
    rateLimitPerSecond: parsed.SENDERID_RATE_LIMIT ?? 50,
    requestLog: parsed.SENDERID_REQUEST_LOG !== "off",
    publicUrl: parsed.SENDERID_PUBLIC_URL,
    // A server only this machine can reach is someone's development set-up: let its webhooks reach
    // a receiver on this machine too. One others can reach — listening beyond loopback, or behind
    // a proxy at a public origin — must not be turned into a proxy into the private network it
    // sits in, unless its operator says so.
    webhookPrivateHosts:
      parsed.SENDERID_WEBHOOK_PRIVATE_HOSTS === undefined
        ? isLoopback(parsed.HOST ?? "127.0.0.1") && !isReachedFromElsewhere(parsed.SENDERID_PUBLIC_URL)
        : parsed.SENDERID_WEBHOOK_PRIVATE_HOSTS === "allow",
    connections: {
      headersTimeoutMs,
      requestTimeoutMs,
      keepAliveTimeoutMs: parsed.SENDERID_KEEP_ALIVE_TIMEOUT_MS ?? 5_000,
      maxConnections: parsed.SENDERID_MAX_CONNECTIONS ?? 1_000
    },
    trustedProxies: (parsed.SENDERID_TRUSTED_PROXIES ?? "")
      .split(",")
      .map((address) => address.trim())
      .filter((address) => address !== "")
  }
}
