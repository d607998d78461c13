/**
 * Authenticates a request with SOLAPI's HMAC scheme against the API-key store, then checks the scope
 * the endpoint needs. Revoked keys are unknown keys; every failure is one of SOLAPI's auth codes.
 * Rate limits apply on the way, before the signature is claimed (see `RateLimit.RateLimits`).
 */
import { ApiKeys } from "@senderid/domain"
import { Effect, Option } from "effect"
import type { RateLimits } from "./RateLimit.ts"
import { type RequestRejected, reject } from "./RequestError.ts"
import * as Signature from "./Signature.ts"

const lookup = (apiKey: string) =>
  ApiKeys.use((keys) => keys.find(apiKey)).pipe(
    Effect.map(
      Option.flatMap((record) =>
        record.revokedAt === null
          ? Option.some<Signature.Credentials>({
              apiKey: record.apiKey,
              secret: record.secret,
              scopes: record.scopes,
              accountId: record.accountId,
              operatorId: record.operatorId,
              serviceId: record.serviceId
            })
          : Option.none()
      )
    )
  )

/** The rate limits to apply, and the address a failure is counted against. */
export interface AuthenticationLimits {
  readonly rateLimits: RateLimits
  readonly clientAddress: string
}

/** The credentials of a request signed by a live key that carries the scope `scopeOf` asks of it
 * (the scope a route needs can depend on the kind of key: a service key's is its own). */
export const authenticate = (
  authorization: string | undefined,
  scopeOf: (credentials: Signature.Credentials) => Signature.Scope,
  hmacSha256?: Signature.HmacSha256,
  limits?: AuthenticationLimits
) => {
  // A failure is charged to the caller's address; past its limit the answer is 429, not the failure.
  const failed = (error: RequestRejected) =>
    limits === undefined
      ? Effect.fail(error)
      : limits.rateLimits.failure(limits.clientAddress).pipe(Effect.andThen(Effect.fail(error)))
  return Signature.verify(authorization, {
    lookup,
    hmacSha256,
    admit: limits === undefined ? undefined : (credentials) => limits.rateLimits.key(credentials.apiKey)
  }).pipe(
    Effect.catchTags({
      MissingAuthorization: () => failed(reject("Unauthorized")),
      MalformedAuthorization: (e) => failed(reject("InvalidAuthorization", { reason: e.reason })),
      InvalidApiKey: () => failed(reject("InvalidAPIKey")),
      SignatureMismatch: () => failed(reject("SignatureDoesNotMatch")),
      RequestTimeSkewed: () => failed(reject("RequestTimeTooSkewed")),
      DuplicatedSignature: (e) => {
        limits?.rateLimits.refundKey(e.apiKey)
        return failed(reject("DuplicatedSignature"))
      }
    }),
    Effect.flatMap((credentials) => {
      const scope = scopeOf(credentials)
      return Signature.hasScope(credentials, scope)
        ? Effect.succeed(credentials)
        : Effect.fail(reject("Forbidden", { scope }))
    })
  )
}
