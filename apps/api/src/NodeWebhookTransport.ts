/**
 * Webhook deliveries from Node, connected only to addresses that were checked. Each attempt
 * resolves the host once (`dns.lookup`, every address); unless the policy allows private hosts,
 * every address must be public (`PublicHost.isPublicAddress`) or nothing is sent. The request then
 * goes over a connection whose lookup answers with exactly those addresses, so the name is never
 * resolved a second time between the check and the connect (DNS rebinding), while the Host header
 * and the TLS server name stay the URL's. Signing and headers are `WebhookSender`'s.
 *
 * Node-only (node:dns, undici): the Worker keeps `WebhookSender.layerFetchTransport`, where names
 * are resolved by the platform and there is no private network of the deployment's to reach.
 */
import { lookup } from "node:dns/promises"
import { isIP, type LookupFunction } from "node:net"
import {
  PublicHost,
  Webhook,
  type WebhookOutcome,
  type WebhookRequest,
  WebhookTransport
} from "@senderid/domain"
import { WebhookSender } from "@senderid/server"
import { Clock, Duration, Effect, Layer } from "effect"
import type { Agent, RequestInit as UndiciRequestInit } from "undici"

// undici (a large module) is loaded at the first delivery, not at start: most processes send none.
const loadUndici = () => import("undici")

export interface ResolvedAddress {
  readonly address: string
  /** 4 or 6. */
  readonly family: number
}

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<ReadonlyArray<ResolvedAddress>>

/** The system's resolver, as `fetch` would use it (`/etc/hosts`, then DNS), every answer in its order. */
export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, order: "verbatim" })

export interface NodeWebhookTransportOptions
  extends Pick<WebhookSender.FetchTransportOptions, "hmacSha256" | "now"> {
  /** `systemResolver` unless a test answers names that a closed network cannot. */
  readonly resolve?: Resolver
}

const familyOf = (family: number | string | undefined) =>
  family === 4 || family === "IPv4" ? 4 : family === 6 || family === "IPv6" ? 6 : 0

/** A lookup that answers with the checked addresses only, whatever it is asked. */
const pinnedLookup =
  (addresses: ReadonlyArray<ResolvedAddress>): LookupFunction =>
  (_hostname, options, callback) => {
    const family = familyOf(options.family)
    const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family)
    const [first] = usable
    if (first === undefined) {
      const error = Object.assign(new Error("no checked address of that family"), { code: "ENOTFOUND" })
      callback(error, "", 0)
    } else if (options.all === true) {
      callback(
        null,
        usable.map((a) => ({ address: a.address, family: a.family }))
      )
    } else callback(null, first.address, first.family)
  }

/** `fetch` over `agent`: undici's own, since the global one takes no connection options. */
const fetchVia =
  (agent: Agent, undiciFetch: typeof import("undici").fetch): typeof globalThis.fetch =>
  (input, init) =>
    undiciFetch(String(input), {
      ...(init as UndiciRequestInit),
      dispatcher: agent
    }) as unknown as Promise<Response>

type Resolution =
  | { readonly _tag: "Addresses"; readonly addresses: ReadonlyArray<ResolvedAddress> }
  | { readonly _tag: "Failed"; readonly error: string }

const send =
  (options: NodeWebhookTransportOptions) =>
  (request: WebhookRequest): Effect.Effect<WebhookOutcome> =>
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      const parsed = URL.parse(request.url)
      if (parsed === null) return { httpStatus: null, error: "refused: invalid URL", refused: true }
      const host = parsed.hostname.replace(/^\[(.*)\]$/u, "$1")
      const resolution: Resolution =
        isIP(host) !== 0
          ? { _tag: "Addresses", addresses: [{ address: host, family: isIP(host) }] }
          : yield* Effect.tryPromise(() => (options.resolve ?? systemResolver)(host)).pipe(
              Effect.map(
                (addresses): Resolution =>
                  addresses.length === 0
                    ? { _tag: "Failed", error: "host not found" }
                    : { _tag: "Addresses", addresses }
              ),
              Effect.catch(() => Effect.succeed<Resolution>({ _tag: "Failed", error: "host not found" })),
              Effect.timeoutOrElse({
                duration: Duration.millis(request.timeoutMillis),
                orElse: () => Effect.succeed<Resolution>({ _tag: "Failed", error: "timeout" })
              })
            )
      if (resolution._tag === "Failed") return { httpStatus: null, error: resolution.error }
      const { addresses } = resolution
      if (!request.allowPrivateHosts) {
        for (const { address } of addresses) {
          const found = PublicHost.classify(address)
          if (found._tag === "Public") continue
          // The address and its range are for the operator's log only; the customer reads the attempt.
          yield* Effect.logWarning("webhook refused: host resolves to a non-public address").pipe(
            Effect.annotateLogs({
              deliveryId: request.deliveryId,
              host,
              address,
              range: found._tag === "Special" ? found.range.name : "not an address"
            })
          )
          return { httpStatus: null, error: Webhook.REFUSED_ADDRESS, refused: true }
        }
      }
      const remaining = Math.max(1, request.timeoutMillis - ((yield* Clock.currentTimeMillis) - started))
      const undici = yield* Effect.promise(loadUndici)
      return yield* Effect.acquireUseRelease(
        Effect.sync(() => new undici.Agent({ connect: { lookup: pinnedLookup(addresses) } })),
        (agent) =>
          WebhookSender.sendOver({ ...options, fetch: fetchVia(agent, undici.fetch) })({
            ...request,
            timeoutMillis: remaining
          }),
        (agent) => Effect.promise(() => agent.destroy().catch(() => undefined))
      )
    })

/** The `WebhookTransport` for Node: resolve once, check every address, connect only to them. */
export const layer = (options: NodeWebhookTransportOptions = {}): Layer.Layer<WebhookTransport> =>
  Layer.succeed(WebhookTransport, WebhookTransport.of({ send: send(options) }))
