/**
 * The webhook routes: a customer registers endpoints (the signing secret is shown once), lists and
 * removes them, and reads its deliveries with every attempt; an operator reads deliveries across
 * accounts. Deliveries themselves are made by the deliverer the composition root schedules.
 */
import { WebhookWire } from "@senderid/contract"
import { parseDeliveryCursor, type Webhook, Webhooks } from "@senderid/domain"
import { Effect } from "effect"
import { generateWebhookSecret } from "../Credentials.ts"
import { pageLimit } from "../QueryParameters.ts"
import { reject } from "../RequestError.ts"
import type { Handlers } from "../Route.ts"

const DELIVERY_PAGE_DEFAULT = 20
const DELIVERY_PAGE_MAX = 100
const STATUSES: ReadonlyArray<string> = WebhookWire.DeliveryView.fields.status.literals

/** One page of deliveries with their attempts, from the query the route declares. */
const deliveryPage = (
  query: Readonly<Record<string, ReadonlyArray<string>>>,
  accountId: string | undefined
) =>
  Effect.gen(function* () {
    const limit = yield* pageLimit(query.limit, "limit", DELIVERY_PAGE_DEFAULT, DELIVERY_PAGE_MAX)
    const status = query.status?.[0]
    if (status !== undefined && !STATUSES.includes(status)) {
      return yield* reject("InvalidParameter", { field: "status", problem: "value" })
    }
    const startKey = query.startKey?.[0]
    if (startKey !== undefined && parseDeliveryCursor(startKey) === undefined) {
      return yield* reject("InvalidParameter", { field: "startKey", problem: "value" })
    }
    const endpointId = query.endpointId?.[0]
    const webhooks = yield* Webhooks
    const page = yield* webhooks.deliveries({
      limit,
      ...(accountId === undefined ? {} : { accountId }),
      ...(endpointId === undefined ? {} : { endpointId }),
      ...(status === undefined ? {} : { status: status as Webhook.DeliveryStatus }),
      ...(startKey === undefined ? {} : { startKey })
    })
    const deliveries = yield* Effect.forEach(page.items, (delivery) =>
      webhooks
        .attempts(delivery.deliveryId)
        .pipe(Effect.map((attempts) => WebhookWire.deliveryView(delivery, attempts)))
    )
    return { deliveries, nextKey: page.nextKey }
  })

export const webhookHandlers: Handlers<
  "registerWebhook" | "listWebhooks" | "deleteWebhook" | "listWebhookDeliveries" | "listAnyWebhookDeliveries"
> = {
  registerWebhook: ({ accountId, body }) =>
    generateWebhookSecret().pipe(
      Effect.flatMap((secret) => Webhooks.use((w) => w.addEndpoint(accountId, { ...body, secret }))),
      Effect.map((endpoint) => ({ ...WebhookWire.webhookEndpointView(endpoint), secret: endpoint.secret }))
    ),

  listWebhooks: ({ accountId }) =>
    Webhooks.use((w) => w.listEndpoints(accountId)).pipe(
      Effect.map((endpoints) => endpoints.map(WebhookWire.webhookEndpointView))
    ),

  deleteWebhook: ({ accountId, param }) =>
    Webhooks.use((w) => w.removeEndpoint(accountId, param("endpointId"))).pipe(
      Effect.map(WebhookWire.webhookEndpointView)
    ),

  listWebhookDeliveries: ({ accountId, query }) => deliveryPage(query, accountId),

  listAnyWebhookDeliveries: ({ query }) => deliveryPage(query, query.accountId?.[0])
}
