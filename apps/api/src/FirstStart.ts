/**
 * What a fresh installation needs before anyone can call it: on the first start (no API key exists
 * yet) a demo account, an operator key and a customer key, printed once with a curl line that signs
 * a request with openssl. Later starts print nothing secret: keys are made with `pnpm keys`.
 */
import { Accounts, ApiKeys, AuditEntry } from "@senderid/domain"
import { Credentials } from "@senderid/server"
import { Effect } from "effect"

export const DEMO_ACCOUNT = "DEMO"

export interface FirstStartKeys {
  readonly accountId: string
  readonly customer: { readonly apiKey: string; readonly secret: string }
  readonly operator: { readonly apiKey: string; readonly secret: string }
}

/** Creates the demo account and keys when the key store is empty; `None`-like `undefined` otherwise. */
export const firstStart = Effect.fn("FirstStart")(function* () {
  const keys = yield* ApiKeys
  if ((yield* keys.list()).length > 0) return undefined
  yield* Accounts.use((a) => a.ensure(AuditEntry.systemActor, DEMO_ACCOUNT))
  const customer = yield* Credentials.generateCredentials()
  const operator = yield* Credentials.generateCredentials()
  yield* keys.issue({ ...customer, scopes: ["senderid:read", "senderid:write"], accountId: DEMO_ACCOUNT })
  yield* keys.issue({ ...operator, scopes: ["operator:read", "operator:write"], operatorId: "operator" })
  return { accountId: DEMO_ACCOUNT, customer, operator } satisfies FirstStartKeys
})

/** A shell line that signs a request the way SOLAPI's SDKs do (HMAC-SHA256 over date + salt) and sends it. */
export const curlLine = (
  origin: string,
  key: { readonly apiKey: string; readonly secret: string },
  path = "/senderid/v1/numbers"
) =>
  [
    `KEY=${key.apiKey} SECRET=${key.secret};`,
    `DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ); SALT=$(openssl rand -hex 16);`,
    `SIG=$(printf %s "$DATE$SALT" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //');`,
    `curl -s -H "Authorization: HMAC-SHA256 apiKey=$KEY, date=$DATE, salt=$SALT, signature=$SIG" ${origin}${path}`
  ].join(" ")

export const banner = (origin: string, keys: FirstStartKeys) =>
  [
    "",
    "senderid: first start — created the demo account and two API keys (shown only now):",
    `  account         ${keys.accountId}`,
    `  customer key    ${keys.customer.apiKey}   secret ${keys.customer.secret}   (senderid:read, senderid:write)`,
    `  operator key    ${keys.operator.apiKey}   secret ${keys.operator.secret}   (operator:read, operator:write)`,
    "",
    "Try it (the demo account's book):",
    `  ${curlLine(origin, keys.customer)}`,
    "",
    "As an operator (the review queue):",
    `  ${curlLine(origin, keys.operator, "/operator/v1/reviews")}`,
    "",
    `API docs: ${origin}/docs   OpenAPI: ${origin}/openapi.json   More keys: pnpm keys --help`,
    ""
  ].join("\n")
