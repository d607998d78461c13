/**
 * The shape of one endpoint's handler: it receives the decoded request (account, body, parameters)
 * and returns the endpoint's success value as an Effect over the app's services. The endpoint table
 * types both ends, so a handler cannot answer with another endpoint's shape.
 */
import type { Endpoints } from "@senderid/contract"
import type {
  Accounts,
  ApiKeys,
  Documents,
  Expiry,
  IdempotencyKeys,
  RegistryStats,
  Reviews,
  SenderIdRepository,
  SenderIds,
  UsedSignatures,
  Webhooks
} from "@senderid/domain"
import type { Effect, Schema } from "effect"
import type { SecureRandom } from "effect/crypto"

/** What `makeApp`'s runtime must provide. */
export type AppServices =
  | SenderIds
  | Documents
  | Accounts
  | Reviews
  | Expiry
  | RegistryStats
  | Webhooks
  | ApiKeys
  | UsedSignatures
  | IdempotencyKeys
  | SenderIdRepository
  /** The CSPRNG credentials and webhook secrets are drawn from. */
  | SecureRandom.SecureRandom

export interface RouteRequest<E extends Endpoints.Endpoint> {
  /** The authenticated customer key's account; empty on operator routes and unauthenticated ones. */
  readonly accountId: string
  /** The authenticated operator key's operator, the actor of what it changes; empty elsewhere. */
  readonly operatorId: string
  /** The authenticated service key's service, on the routes a service key reaches (they name the
   * account asked about per request); empty elsewhere, and then `accountId` is the caller's. */
  readonly serviceId: string
  readonly body: E extends { readonly body: infer S extends Schema.Top } ? S["Type"] : undefined
  /** A path parameter, percent-decoded. */
  readonly param: (name: string) => string
  /** Every query parameter with all its values, in order. */
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  readonly header: (name: string) => string | undefined
  /** `scheme://host` of the request, for links in responses. */
  readonly origin: string
}

/** The endpoint's success value, or a ready `Response` where the answer is not JSON (a file). */
export type Reply<E extends Endpoints.Endpoint> = E["success"]["Type"] | Response

export type Handler<E extends Endpoints.Endpoint> = (
  request: RouteRequest<E>
) => Effect.Effect<Reply<E>, unknown, AppServices>

export type Handlers<K extends Endpoints.EndpointName> = {
  readonly [N in K]: Handler<(typeof Endpoints.endpoints)[N]>
}
