/**
 * Where webhook endpoints, deliveries and their attempts are kept. Deliveries are claimed before
 * they are attempted: a claim leases the delivery to one deliverer for a while, so instances
 * sharing the store do not attempt it together, and a deliverer that dies mid-attempt only delays
 * it until the lease runs out. Adapters: memory here; SQLite, PostgreSQL and D1 in `@senderid/storage`.
 */
import { Context, Effect, Layer, Option, Ref, Schema } from "effect"
import type { Page } from "./SenderIdRepository.ts"
import type { DeliveryAttempt, DeliveryStatus, WebhookDelivery, WebhookEndpoint } from "./Webhook.ts"

/** The store behind webhooks failed. */
export class WebhookStoreError extends Schema.TaggedError<WebhookStoreError>()("WebhookStoreError", {
  cause: Schema.Defect()
}) {}

/** Deliveries newest first, optionally of one account, endpoint or status. */
export interface DeliveryQuery {
  readonly accountId?: string
  readonly endpointId?: string
  readonly status?: DeliveryStatus
  /** The cursor of the page's first delivery (`deliveryCursor`), from a previous page's `nextKey`. */
  readonly startKey?: string
  readonly limit: number
}

/** A claimed delivery with the endpoint it goes to. */
export interface ClaimedDelivery {
  readonly delivery: WebhookDelivery
  readonly endpoint: WebhookEndpoint
}

export interface WebhookStoreShape {
  readonly addEndpoint: (endpoint: WebhookEndpoint) => Effect.Effect<void, WebhookStoreError>
  /** The account's endpoints, oldest first (then by id). */
  readonly listEndpoints: (
    accountId: string
  ) => Effect.Effect<ReadonlyArray<WebhookEndpoint>, WebhookStoreError>
  /** Removes the account's endpoint with its deliveries and their attempts; none if it has no such endpoint. */
  readonly removeEndpoint: (
    accountId: string,
    endpointId: string
  ) => Effect.Effect<Option.Option<WebhookEndpoint>, WebhookStoreError>
  /** Stores deliveries not stored yet (by `deliveryId`); the others are left as they are. */
  readonly enqueue: (deliveries: ReadonlyArray<WebhookDelivery>) => Effect.Effect<void, WebhookStoreError>
  /**
   * Up to `limit` PENDING deliveries due at `now` and not leased to anyone, oldest due first, now
   * leased to the caller until `now + leaseMillis` — atomically, so two callers never claim one.
   */
  readonly claimDue: (
    now: number,
    limit: number,
    leaseMillis: number
  ) => Effect.Effect<ReadonlyArray<ClaimedDelivery>, WebhookStoreError>
  /** Keeps the attempt and stores the delivery as it is after it (`Webhook.afterAttempt`), releasing
   * the lease; nothing if the delivery was removed meanwhile. */
  readonly recordAttempt: (
    attempt: DeliveryAttempt,
    delivery: WebhookDelivery
  ) => Effect.Effect<void, WebhookStoreError>
  readonly listDeliveries: (query: DeliveryQuery) => Effect.Effect<Page<WebhookDelivery>, WebhookStoreError>
  /** The delivery's attempts, first first. */
  readonly listAttempts: (
    deliveryId: string
  ) => Effect.Effect<ReadonlyArray<DeliveryAttempt>, WebhookStoreError>
}

/** Deliveries' order when listed: newest first, then by id (descending). */
export const deliveryOrder = (a: WebhookDelivery, b: WebhookDelivery): number =>
  b.dateCreated - a.dateCreated || (a.deliveryId < b.deliveryId ? 1 : a.deliveryId > b.deliveryId ? -1 : 0)

/** A page boundary in the delivery list: opaque to clients. */
export const deliveryCursor = (delivery: Pick<WebhookDelivery, "dateCreated" | "deliveryId">): string =>
  `${delivery.dateCreated}:${delivery.deliveryId}`

/** The position a cursor names, or `undefined` when it was not made by `deliveryCursor`. */
export const parseDeliveryCursor = (
  cursor: string
): { readonly dateCreated: number; readonly deliveryId: string } | undefined => {
  const match = /^(\d{1,16}):([A-Za-z0-9_.-]{1,160})$/u.exec(cursor)
  return match === null ? undefined : { dateCreated: Number(match[1]), deliveryId: match[2] as string }
}

interface State {
  readonly endpoints: ReadonlyArray<WebhookEndpoint>
  readonly deliveries: ReadonlyMap<string, WebhookDelivery & { readonly leaseUntil: number }>
  readonly attempts: ReadonlyMap<string, ReadonlyArray<DeliveryAttempt>>
}

export class WebhookStore extends Context.Service<WebhookStore, WebhookStoreShape>()(
  "@senderid/domain/WebhookStore"
) {
  /** In-process, for one node and for tests. */
  static readonly layerMemory: Layer.Layer<WebhookStore> = Layer.effect(
    WebhookStore,
    Effect.gen(function* () {
      const state = yield* Ref.make<State>({ endpoints: [], deliveries: new Map(), attempts: new Map() })
      return WebhookStore.of({
        addEndpoint: (endpoint) =>
          Ref.update(state, (s) => ({ ...s, endpoints: [...s.endpoints, endpoint] })),
        listEndpoints: (accountId) =>
          Ref.get(state).pipe(
            Effect.map((s) =>
              s.endpoints
                .filter((e) => e.accountId === accountId)
                .sort((a, b) => a.dateCreated - b.dateCreated || (a.endpointId < b.endpointId ? -1 : 1))
            )
          ),
        removeEndpoint: (accountId, endpointId) =>
          Ref.modify(state, (s) => {
            const found = s.endpoints.find((e) => e.accountId === accountId && e.endpointId === endpointId)
            if (found === undefined) return [Option.none(), s]
            const deliveries = new Map([...s.deliveries].filter(([, d]) => d.endpointId !== endpointId))
            const attempts = new Map([...s.attempts].filter(([id]) => deliveries.has(id)))
            return [
              Option.some(found),
              { endpoints: s.endpoints.filter((e) => e !== found), deliveries, attempts }
            ]
          }),
        enqueue: (deliveries) =>
          Ref.update(state, (s) => {
            const next = new Map(s.deliveries)
            for (const d of deliveries)
              if (!next.has(d.deliveryId)) next.set(d.deliveryId, { ...d, leaseUntil: 0 })
            return { ...s, deliveries: next }
          }),
        claimDue: (now, limit, leaseMillis) =>
          Ref.modify(state, (s) => {
            const due = [...s.deliveries.values()]
              .filter((d) => d.status === "PENDING" && d.nextAttemptAt <= now && d.leaseUntil <= now)
              .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.deliveryId < b.deliveryId ? -1 : 1))
              .slice(0, limit)
            const next = new Map(s.deliveries)
            const claimed: Array<ClaimedDelivery> = []
            for (const { leaseUntil: _, ...delivery } of due) {
              const endpoint = s.endpoints.find((e) => e.endpointId === delivery.endpointId)
              if (endpoint === undefined) continue
              next.set(delivery.deliveryId, { ...delivery, leaseUntil: now + leaseMillis })
              claimed.push({ delivery, endpoint })
            }
            return [claimed, { ...s, deliveries: next }]
          }),
        recordAttempt: (attempt, delivery) =>
          Ref.update(state, (s) => {
            if (!s.deliveries.has(delivery.deliveryId)) return s
            const deliveries = new Map(s.deliveries).set(delivery.deliveryId, { ...delivery, leaseUntil: 0 })
            const attempts = new Map(s.attempts).set(delivery.deliveryId, [
              ...(s.attempts.get(delivery.deliveryId) ?? []),
              attempt
            ])
            return { ...s, deliveries, attempts }
          }),
        listDeliveries: (query) =>
          Ref.get(state).pipe(
            Effect.map((s) => {
              const start = query.startKey === undefined ? undefined : parseDeliveryCursor(query.startKey)
              const matching = [...s.deliveries.values()]
                .map(({ leaseUntil: _, ...d }) => d)
                .filter(
                  (d) =>
                    (query.accountId === undefined || d.accountId === query.accountId) &&
                    (query.endpointId === undefined || d.endpointId === query.endpointId) &&
                    (query.status === undefined || d.status === query.status) &&
                    (start === undefined || deliveryOrder(d, { ...d, ...start }) >= 0)
                )
                .sort(deliveryOrder)
              const after = matching[query.limit]
              return { items: matching.slice(0, query.limit), nextKey: after ? deliveryCursor(after) : null }
            })
          ),
        listAttempts: (deliveryId) => Ref.get(state).pipe(Effect.map((s) => s.attempts.get(deliveryId) ?? []))
      })
    })
  )
}
