/**
 * `WebhookStore` in three tables through `SqlClient` (SQLite, PostgreSQL, D1), shared by every
 * instance on the database. A claim is one statement that picks the due deliveries and leases them,
 * so two instances never claim the same delivery. A write that spans tables (an attempt with its
 * delivery, an endpoint with its deliveries) is all-or-nothing: a transaction, or on D1, which has
 * no interactive transactions, one batch. Each statement of such a write guards itself (it finds
 * the rows it needs or changes nothing), so the same statements serve both.
 */
import {
  type ClaimedDelivery,
  type DeliveryQuery,
  deliveryCursor,
  parseDeliveryCursor,
  Webhook,
  WebhookStore,
  WebhookStoreError
} from "@senderid/domain"
import { Array as Arr, Effect, Layer, Option, Schedule, Schema, SchemaTransformation } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"
import type { Statement } from "effect/sql/Statement"

const storeError = (cause: unknown) => new WebhookStoreError({ cause })

/** Epoch milliseconds and counts: SQLite returns numbers; PostgreSQL's BIGINT arrives as a bigint
 * (`@effect/sql-pg`) or a string (other drivers' default). */
const Integer = Schema.Union([
  Schema.Finite,
  Schema.FiniteFromString,
  Schema.BigInt.pipe(
    Schema.decodeTo(
      Schema.Finite,
      SchemaTransformation.transform({ decode: Number, encode: (n: number) => globalThis.BigInt(n) })
    )
  )
])

// Rows are decoded strictly, through the domain's schemas for event types and statuses: a corrupt
// row fails the read with a typed error instead of travelling on as a half-valid record.
const EndpointRow = Schema.Struct({
  endpoint_id: Schema.String,
  account_id: Schema.String,
  url: Schema.String,
  events: Schema.fromJsonString(Webhook.WebhookEndpoint.fields.events),
  secret: Schema.String,
  date_created: Integer
})

const DeliveryRow = Schema.Struct({
  delivery_id: Schema.String,
  endpoint_id: Schema.String,
  account_id: Schema.String,
  event_id: Schema.String,
  event_type: Webhook.WebhookDelivery.fields.eventType,
  payload: Schema.String,
  status: Webhook.DeliveryStatus,
  attempts: Integer,
  next_attempt_at: Integer,
  date_created: Integer,
  date_updated: Integer
})

const AttemptRow = Schema.Struct({
  delivery_id: Schema.String,
  attempt: Integer,
  at: Integer,
  duration_ms: Integer,
  http_status: Schema.NullOr(Integer),
  error: Schema.NullOr(Schema.String)
})

const decodeEndpoints = Schema.decodeUnknownEffect(Schema.Array(EndpointRow))
const decodeDeliveries = Schema.decodeUnknownEffect(Schema.Array(DeliveryRow))
const decodeAttempts = Schema.decodeUnknownEffect(Schema.Array(AttemptRow))

const endpointOf = (row: typeof EndpointRow.Type): Webhook.WebhookEndpoint => ({
  endpointId: row.endpoint_id,
  accountId: row.account_id,
  url: row.url,
  events: row.events,
  secret: row.secret,
  dateCreated: row.date_created
})

const deliveryOf = (row: typeof DeliveryRow.Type): Webhook.WebhookDelivery => ({
  deliveryId: row.delivery_id,
  endpointId: row.endpoint_id,
  accountId: row.account_id,
  eventId: row.event_id,
  eventType: row.event_type,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  dateCreated: row.date_created,
  dateUpdated: row.date_updated
})

const attemptOf = (row: typeof AttemptRow.Type): Webhook.DeliveryAttempt => ({
  deliveryId: row.delivery_id,
  attempt: row.attempt,
  at: row.at,
  durationMs: row.duration_ms,
  httpStatus: row.http_status,
  error: row.error
})

/** A delivery as inserted; `lease_until` takes its default, 0 (not leased). */
const deliveryRow = (delivery: Webhook.WebhookDelivery) => ({
  delivery_id: delivery.deliveryId,
  endpoint_id: delivery.endpointId,
  account_id: delivery.accountId,
  event_id: delivery.eventId,
  event_type: delivery.eventType,
  payload: delivery.payload,
  status: delivery.status,
  attempts: delivery.attempts,
  next_attempt_at: delivery.nextAttemptAt,
  date_created: delivery.dateCreated,
  date_updated: delivery.dateUpdated
})

/** D1 refuses a statement with more than 100 bound parameters. Every engine gets statements that
 * fit, so nothing here tells the engines apart for it (see `usedSignatures.ts`). */
const MAX_PARAMETERS = 100
/** Ids per `IN (…)` list, with room for the statement's other parameters. */
const IDS_PER_LOOKUP = 90

/** `@effect/sql-d1`'s `D1Client.TypeId`: D1's client is recognised by it without importing that
 * optional package, so this module loads on Node without it. */
const D1_CLIENT = "~@effect/sql-d1/D1Client"

/** What D1's client adds to `SqlClient`: its statements as one atomic request, rolled back whole if
 * one fails. (Its `withTransaction` dies: D1 has no interactive transactions.) */
interface Batching {
  readonly batch: (
    statements: ReadonlyArray<Statement<object>>
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<object>>, SqlError>
}

/** Engine hiccups worth another try (busy files, deadlocks, dropped connections). A write replayed
 * after a commit whose answer was lost does no harm: inserts skip rows already there, updates set
 * the same values, deletes find nothing, and a claim finds its deliveries leased, so they wait for
 * the lease to run out (delivery is at least once anyway). */
const transient = (error: SqlError) => error.isRetryable

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const pg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
  const batching = D1_CLIENT in sql ? (sql as unknown as Batching) : undefined

  const retried = <A>(effect: Effect.Effect<A, SqlError>) =>
    effect.pipe(
      // A COMMIT the engine refuses is raised by `withTransaction` as a defect: still this write's
      // engine failure, so a typed error (as in `SqlRepository`).
      Effect.catchDefect((defect) => (isSqlError(defect) ? Effect.fail(defect) : Effect.die(defect))),
      Effect.retry({
        while: transient,
        times: 5,
        schedule: Schedule.spaced("20 millis").pipe(Schedule.jittered)
      })
    )

  /** The statements' rows, all applied or none. */
  const atomically = (statements: ReadonlyArray<Statement<object>>) =>
    retried(
      batching !== undefined
        ? batching.batch(statements)
        : sql.withTransaction(Effect.forEach(statements, (statement) => statement))
    )

  /** The endpoints with these ids, in lists short enough for D1. */
  const endpointsById = (ids: ReadonlyArray<string>) =>
    Effect.forEach(Arr.chunksOf(ids, IDS_PER_LOOKUP), (chunk) =>
      retried(sql`SELECT * FROM webhook_endpoints WHERE ${sql.in("endpoint_id", chunk)}`)
    ).pipe(
      Effect.flatMap((chunks) => decodeEndpoints(chunks.flat())),
      Effect.map(Arr.map(endpointOf))
    )

  const addEndpoint = Effect.fn("WebhookStore.addEndpoint")(function* (endpoint: Webhook.WebhookEndpoint) {
    yield* retried(
      sql`INSERT INTO webhook_endpoints ${sql.insert({
        endpoint_id: endpoint.endpointId,
        account_id: endpoint.accountId,
        url: endpoint.url,
        events: JSON.stringify(endpoint.events),
        secret: endpoint.secret,
        date_created: endpoint.dateCreated
      })}`
    )
  }, Effect.mapError(storeError))

  const listEndpoints = Effect.fn("WebhookStore.listEndpoints")(function* (accountId: string) {
    const rows = yield* retried(
      sql`SELECT * FROM webhook_endpoints WHERE account_id = ${accountId} ORDER BY date_created, endpoint_id`
    )
    return (yield* decodeEndpoints(rows)).map(endpointOf)
  }, Effect.mapError(storeError))

  const removeEndpoint = Effect.fn("WebhookStore.removeEndpoint")(function* (
    accountId: string,
    endpointId: string
  ) {
    // Deliveries and attempts go only with an endpoint of this account, so a batch (which cannot
    // branch on the endpoint's delete) needs no check in between.
    const owned = sql`EXISTS (SELECT 1 FROM webhook_endpoints
      WHERE endpoint_id = ${endpointId} AND account_id = ${accountId})`
    const results = yield* atomically([
      // PostgreSQL: lock the deliveries first, which waits out an attempt being recorded on one of
      // them, so the deletes after it see that attempt; an attempt recorded later finds no
      // delivery and writes nothing.
      ...(pg
        ? [
            sql`SELECT delivery_id FROM webhook_deliveries WHERE endpoint_id = ${endpointId} AND ${owned} FOR UPDATE`
          ]
        : []),
      sql`DELETE FROM webhook_attempts WHERE delivery_id IN
        (SELECT delivery_id FROM webhook_deliveries WHERE endpoint_id = ${endpointId} AND ${owned})`,
      sql`DELETE FROM webhook_deliveries WHERE endpoint_id = ${endpointId} AND ${owned}`,
      sql`DELETE FROM webhook_endpoints WHERE endpoint_id = ${endpointId} AND account_id = ${accountId}
        RETURNING *`
    ])
    const [removed] = (yield* decodeEndpoints(results.at(-1) ?? [])).map(endpointOf)
    return Option.fromNullishOr(removed)
  }, Effect.mapError(storeError))

  const enqueue = Effect.fn("WebhookStore.enqueue")(function* (
    deliveries: ReadonlyArray<Webhook.WebhookDelivery>
  ) {
    // The first of a repeated id wins, as in the memory adapter (and the rest of the statement
    // conflicts with it harmlessly).
    const rows = Arr.dedupeWith(deliveries, (a, b) => a.deliveryId === b.deliveryId).map(deliveryRow)
    if (!Arr.isReadonlyArrayNonEmpty(rows)) return
    // 11 columns a row: 9 rows (99 parameters) an insert. One request for all of them, so an
    // enqueue is stored whole or not at all.
    const perInsert = Math.floor(MAX_PARAMETERS / Object.keys(rows[0]).length)
    yield* atomically(
      Arr.chunksOf(rows, perInsert).map(
        (chunk) =>
          sql`INSERT INTO webhook_deliveries ${sql.insert(chunk)} ON CONFLICT (delivery_id) DO NOTHING`
      )
    )
  }, Effect.mapError(storeError))

  const claimDue = Effect.fn("WebhookStore.claimDue")(function* (
    now: number,
    limit: number,
    leaseMillis: number
  ) {
    const take = Math.trunc(limit)
    if (take < 1) return []
    // `webhook_deliveries_due` holds the PENDING deliveries in claim order: a claim reads a range of
    // it and stops at `take`. A delivery whose endpoint is gone is never claimed, so it takes no
    // one's place in the batch.
    const due = sql`status = 'PENDING' AND next_attempt_at <= ${now} AND lease_until <= ${now}`
    // PostgreSQL runs claims side by side: the picked rows are locked until the statement commits,
    // rows another claim holds are skipped rather than waited for, and a row claimed (and committed)
    // since this statement's snapshot is re-read when locked, which the outer WHERE then refuses.
    // SQLite and D1 run one writer at a time, so there the pick and the lease are one step already.
    const rows = yield* retried(
      sql`UPDATE webhook_deliveries SET lease_until = ${now + leaseMillis}
        WHERE delivery_id IN (
          SELECT delivery_id FROM webhook_deliveries d WHERE ${due}
            AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.endpoint_id = d.endpoint_id)
          ORDER BY next_attempt_at, delivery_id LIMIT ${take}
          ${sql.literal(pg ? "FOR UPDATE OF d SKIP LOCKED" : "")})
        ${pg ? sql`AND ${due}` : sql.literal("")}
        RETURNING *`
    )
    // RETURNING promises no order.
    const claimed = (yield* decodeDeliveries(rows))
      .map(deliveryOf)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.deliveryId < b.deliveryId ? -1 : 1))
    const endpoints = new Map(
      (yield* endpointsById([...new Set(claimed.map((d) => d.endpointId))])).map((e) => [e.endpointId, e])
    )
    // An endpoint removed since the claim takes its deliveries with it: nothing left to attempt.
    return claimed.flatMap((delivery): ReadonlyArray<ClaimedDelivery> => {
      const endpoint = endpoints.get(delivery.endpointId)
      return endpoint === undefined ? [] : [{ delivery, endpoint }]
    })
  }, Effect.mapError(storeError))

  const recordAttempt = Effect.fn("WebhookStore.recordAttempt")(function* (
    attempt: Webhook.DeliveryAttempt,
    delivery: Webhook.WebhookDelivery
  ) {
    yield* atomically([
      // First, so that on PostgreSQL the delivery's row lock is held (or its removal waited out)
      // before the attempt is written.
      sql`UPDATE webhook_deliveries SET status = ${delivery.status}, attempts = ${delivery.attempts},
          next_attempt_at = ${delivery.nextAttemptAt}, date_updated = ${delivery.dateUpdated}, lease_until = 0
        WHERE delivery_id = ${delivery.deliveryId}`,
      // A delivery removed meanwhile keeps no attempt.
      sql`INSERT INTO webhook_attempts (delivery_id, attempt, at, duration_ms, http_status, error)
        SELECT ${delivery.deliveryId}, ${attempt.attempt}, ${attempt.at}, ${attempt.durationMs},
          ${attempt.httpStatus}, ${attempt.error}
        WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE delivery_id = ${delivery.deliveryId})
        ON CONFLICT (delivery_id, attempt) DO NOTHING`
    ])
  }, Effect.mapError(storeError))

  // Each filter has an index in the list's order (`webhook_deliveries_by_*`); `delivery_id` is
  // bytewise on every engine (PostgreSQL declares it "C"), so pages match the memory adapter's.
  const listDeliveries = Effect.fn("WebhookStore.listDeliveries")(function* (query: DeliveryQuery) {
    // An unparseable start key lists from the start, as the memory adapter does.
    const start = query.startKey === undefined ? undefined : parseDeliveryCursor(query.startKey)
    const conditions = [
      ...(query.accountId === undefined ? [] : [sql`account_id = ${query.accountId}`]),
      ...(query.endpointId === undefined ? [] : [sql`endpoint_id = ${query.endpointId}`]),
      ...(query.status === undefined ? [] : [sql`status = ${query.status}`]),
      // The leading `<=` is implied by the rest; it gives the engines a range to seek to.
      ...(start === undefined
        ? []
        : [
            sql`date_created <= ${start.dateCreated}`,
            sql`(date_created < ${start.dateCreated} OR (date_created = ${start.dateCreated}
              AND delivery_id <= ${start.deliveryId}))`
          ])
    ]
    const limit = Math.max(0, Math.trunc(query.limit))
    // One row past the page tells whether there is a next page and where it starts.
    const rows = yield* retried(
      sql`SELECT * FROM webhook_deliveries WHERE ${sql.and(conditions)}
        ORDER BY date_created DESC, delivery_id DESC LIMIT ${limit + 1}`
    )
    const deliveries = (yield* decodeDeliveries(rows)).map(deliveryOf)
    const after = deliveries[limit]
    return { items: deliveries.slice(0, limit), nextKey: after === undefined ? null : deliveryCursor(after) }
  }, Effect.mapError(storeError))

  const listAttempts = Effect.fn("WebhookStore.listAttempts")(function* (deliveryId: string) {
    const rows = yield* retried(
      sql`SELECT * FROM webhook_attempts WHERE delivery_id = ${deliveryId} ORDER BY attempt`
    )
    return (yield* decodeAttempts(rows)).map(attemptOf)
  }, Effect.mapError(storeError))

  return WebhookStore.of({
    addEndpoint,
    listEndpoints,
    removeEndpoint,
    enqueue,
    claimDue,
    recordAttempt,
    listDeliveries,
    listAttempts
  })
})

/** `WebhookStore` over the `SqlClient` in context: every instance on the same database shares it.
 * Its tables come from the `6_webhooks` migration, applied by each engine's `layerClient`. */
export const layerSql: Layer.Layer<WebhookStore, never, SqlClient.SqlClient> = Layer.effect(
  WebhookStore,
  make
)
