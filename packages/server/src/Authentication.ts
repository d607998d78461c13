/**
 * Authenticates a request with SOLAPI's HMAC scheme against the API-key store, then checks the scope
 * the endpoint needs. Revoked keys are unknown keys; every failure is one of SOLAPI's auth codes.
 */
import { ApiKeys } from "@senderid/domain"
import { Effect, Option } from "effect"
import { reject } from "./RequestError.ts"
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
              operatorId: record.operatorId
            })
          : Option.none()
      )
    )
  )

/** The credentials of a request signed by a live key that carries `scope`. */
export const authenticate = (
  authorization: string | undefined,
  scope: Signature.Scope,
  hmacSha256?: Signature.HmacSha256
) =>
  Signature.verify(authorization, { lookup, hmacSha256 }).pipe(
    Effect.catchTags({
      MissingAuthorization: () => Effect.fail(reject("Unauthorized")),
      MalformedAuthorization: (e) => Effect.fail(reject("InvalidAuthorization", { reason: e.reason })),
      InvalidApiKey: () => Effect.fail(reject("InvalidAPIKey")),
      SignatureMismatch: () => Effect.fail(reject("SignatureDoesNotMatch")),
      RequestTimeSkewed: () => Effect.fail(reject("RequestTimeTooSkewed")),
      DuplicatedSignature: () => Effect.fail(reject("DuplicatedSignature"))
    }),
    Effect.flatMap((credentials) =>
      Signature.hasScope(credentials, scope)
        ? Effect.succeed(credentials)
        : Effect.fail(reject("Forbidden", { scope }))
    )
  )
