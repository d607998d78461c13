/**
 * `WebhookStore` on the real engines: the domain's conformance suite on SQLite and PostgreSQL (D1
 * in `d1/webhooks.workerd.ts`), then what a single client cannot show — two instances, each with
 * its own client on one database, claiming one queue at once, and an endpoint removed while
 * attempts of its deliveries are recorded. On SQLite the claim race also runs across processes:
 * node:sqlite runs statements synchronously, so only separate processes really overlap. And the
 * claim and the delivery list are served by indexes in their order, never a sort of the table.
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { type RegistryEvent, Webhook, WebhookStore, type WebhookStoreShape } from "@senderid/domain"
import { Fixture, webhookStoreConformance } from "@senderid/domain/testing"
import { Context, Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import * as Postgres from "../../src/postgres.ts"
import * as Sqlite from "../../src/sqlite.ts"
import * as WebhookStores from "../../src/webhooks.ts"
import { freshDatabase } from "../support/postgres.ts"
import { planOf, statementsOf } from "../support/queryPlans.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-webhooks-"))

const onSqlite = (filename: string) =>
  WebhookStores.layerSql.pipe(Layer.provideMerge(Sqlite.layerClient({ filename: join(directory, filename) })))
const onPostgres = (url: string) =>
  WebhookStores.layerSql.pipe(Layer.provideMerge(Postgres.layerClient({ url })))

webhookStoreConformance("SQLite", onSqlite("conformance.db"))
webhookStoreConformance("PostgreSQL", onPostgres(freshDatabase("webhooks")))

/** Due at this time: the deliveries of a race are due by then, and nobody else's are in its database. */
const NOW = 1_000_000

interface Instance {
  readonly store: WebhookStoreShape
  readonly sql: SqlClient.SqlClient
}

/** Two instances with their own clients, built one after the other as two servers would start. */
const pair = <E>(make: () => Layer.Layer<WebhookStore | SqlClient.SqlClient, E>) => {
  const instance = Layer.build(make()).pipe(
    Effect.map(
      (context): Instance => ({
        store: Context.get(context, WebhookStore),
        sql: Context.get(context, SqlClient.SqlClient)
      })
    )
  )
  return Effect.all([instance, instance])
}

let serial = 0
/** An endpoint of a fresh account and `count` deliveries to it, due one after another before `NOW`. */
const queueOf = (count: number) => {
  const accountId = Fixture.accountId()
  const endpoint: Webhook.WebhookEndpoint = {
    endpointId: `WHK${++serial}${accountId.replace(/\W/gu, "")}`,
    accountId,
    url: "https://hooks.example.com/senderid",
    events: ["senderid.registered"],
    secret: "whsec_test",
    dateCreated: 1
  }
  const deliveries = Array.from({ length: count }, (_, i) => {
    const event: RegistryEvent.RegistryEvent = {
      eventId: `EVT${++serial}`,
      type: "senderid.registered",
      accountId,
      occurredAt: i,
      data: { phoneNumber: "01023456789" }
    }
    return { ...Webhook.deliveryOf(event, endpoint, i), nextAttemptAt: NOW - count + i }
  })
  return { endpoint, deliveries }
}

/** Claims small batches until nothing is due, and returns the ids it got. */
const claimUntilEmpty = (store: WebhookStoreShape) =>
  Effect.gen(function* () {
    const ids: Array<string> = []
    for (;;) {
      const claimed = yield* store.claimDue(NOW, 7, 600_000)
      if (claimed.length === 0) return ids
      ids.push(...claimed.map((c) => c.delivery.deliveryId))
    }
  })

const assertClaimedOnce = (
  claimed: ReadonlyArray<string>,
  deliveries: ReadonlyArray<Webhook.WebhookDelivery>
) => {
  assert.strictEqual(new Set(claimed).size, claimed.length, "a delivery was claimed twice")
  assert.deepStrictEqual(
    [...claimed].sort(),
    deliveries.map((d) => d.deliveryId).sort(),
    "every due delivery was claimed"
  )
}

const twoInstances = <E>(engine: string, make: () => Layer.Layer<WebhookStore | SqlClient.SqlClient, E>) =>
  describe(`WebhookStore on ${engine}, two instances`, () => {
    // Live clock: connection pools time their waits, and a busy SQLite file is retried on a timer.
    it.live("give each of 300 due deliveries to exactly one of 16 claimers", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        const { endpoint, deliveries } = queueOf(300)
        yield* a.store.addEndpoint(endpoint)
        yield* a.store.enqueue(deliveries)
        const perClaimer = yield* Effect.all(
          Array.from({ length: 16 }, (_, i) => claimUntilEmpty((i % 2 === 0 ? a : b).store)),
          { concurrency: "unbounded" }
        )
        assertClaimedOnce(perClaimer.flat(), deliveries)
        assert.isAbove(perClaimer.filter((_, i) => i % 2 === 0).flat().length, 0, "instance a claimed")
        assert.isAbove(perClaimer.filter((_, i) => i % 2 === 1).flat().length, 0, "instance b claimed")
      })
    )

    it.live("keep no attempt of an endpoint removed while attempts are recorded", () =>
      Effect.gen(function* () {
        const [a, b] = yield* pair(make)
        for (let round = 0; round < 5; round++) {
          const { endpoint, deliveries } = queueOf(60)
          yield* a.store.addEndpoint(endpoint)
          yield* a.store.enqueue(deliveries)
          const record = (delivery: Webhook.WebhookDelivery) => {
            const attempt = {
              deliveryId: delivery.deliveryId,
              attempt: 1,
              at: NOW,
              durationMs: 3,
              httpStatus: 204,
              error: null
            }
            return a.store.recordAttempt(
              attempt,
              Webhook.afterAttempt(delivery, attempt, Webhook.defaultRetryPolicy, 0)
            )
          }
          const [before, after] = [deliveries.slice(0, 30), deliveries.slice(30)]
          yield* Effect.all(
            [
              ...before.map(record),
              b.store.removeEndpoint(endpoint.accountId, endpoint.endpointId),
              ...after.map(record)
            ],
            { concurrency: "unbounded" }
          )
          const orphans = yield* a.sql<{ readonly n: unknown }>`SELECT COUNT(*) AS n FROM webhook_attempts
            WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.delivery_id = webhook_attempts.delivery_id)`
          assert.strictEqual(Number(orphans[0]?.n), 0, `round ${round}: an attempt outlived its delivery`)
          const left = yield* b.store.listDeliveries({ accountId: endpoint.accountId, limit: 100 })
          assert.deepStrictEqual(left.items, [], `round ${round}`)
        }
      })
    )
  })

twoInstances("SQLite", () => onSqlite("instances.db"))
const instancesUrl = freshDatabase("webhook_instances")
twoInstances("PostgreSQL", () => onPostgres(instancesUrl))

const CLAIMER = join(import.meta.dirname, "..", "support", "webhookClaimer.ts")

/** A claimer process on `filename`, started and ready (killed with the test's scope if it is still
 * running); `go` lets it claim, and returns what it claimed once it is done. */
const claimerProcess = (filename: string) =>
  Effect.gen(function* () {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(process.execPath, [CLAIMER, filename, String(NOW), "7"], { stdio: "pipe" })),
      (child) => Effect.sync(() => child.kill("SIGKILL"))
    )
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    const exited = new Promise<number | null>((done) => child.once("exit", done))
    const failed = (what: string, code: number | null) =>
      new Error(`claimer ${what} (exit ${code}): ${stderr}`)
    yield* Effect.tryPromise({
      try: () =>
        new Promise<void>((ready, fail) => {
          child.stdout.on("data", () => {
            if (stdout.startsWith("ready\n")) ready()
          })
          void exited.then((code) => fail(failed("exited before it was ready", code)))
        }),
      catch: (error) => error as Error
    })
    return {
      go: Effect.tryPromise({
        try: async () => {
          child.stdin.end("go\n")
          const code = await exited
          if (code !== 0) throw failed("failed", code)
          return stdout.split("\n").slice(1, -1)
        },
        catch: (error) => error as Error
      })
    }
  })

describe("WebhookStore on SQLite, separate processes", () => {
  it.live("give each of 600 due deliveries to exactly one of 4 claiming processes", () =>
    Effect.gen(function* () {
      const filename = join(directory, "processes.db")
      const { endpoint, deliveries } = queueOf(600)
      yield* Effect.gen(function* () {
        const store = yield* WebhookStore
        yield* store.addEndpoint(endpoint)
        yield* store.enqueue(deliveries)
      }).pipe(Effect.provide(WebhookStores.layerSql.pipe(Layer.provide(Sqlite.layerClient({ filename })))))
      const claimers = yield* Effect.all(
        Array.from({ length: 4 }, () => claimerProcess(filename)),
        {
          concurrency: "unbounded"
        }
      )
      const perProcess = yield* Effect.all(
        claimers.map((claimer) => claimer.go),
        { concurrency: "unbounded" }
      )
      assertClaimedOnce(perProcess.flat(), deliveries)
    })
  )
})

/** The engine's plan (`planOf`) of each statement `effect` runs on `webhook_deliveries`, one line
 * per step. */
const plansOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const plans: Array<string> = []
    for (const [text, params] of (yield* statementsOf(effect)).filter(([text]) =>
      /FROM webhook_deliveries|UPDATE/u.test(text)
    )) {
      plans.push((yield* planOf(text, params)).join("\n"))
    }
    return plans
  })

/** Read through `index`, with no full scan of the table and no sort of the result. */
const servedBy = (plans: ReadonlyArray<string>, index: string) => {
  assert.lengthOf(plans, 1)
  const plan = plans[0] as string
  assert.include(plan, index, plan)
  assert.notMatch(
    plan,
    /^SCAN webhook_deliveries$|USE TEMP B-TREE FOR ORDER BY|Seq Scan|^\s*(->\s+)?Sort$/mu,
    plan
  )
}

const plansUrl = freshDatabase("webhook_plans")
describe.each([
  ["SQLite", () => onSqlite("plans.db")],
  ["PostgreSQL", () => onPostgres(plansUrl)]
] as const)("WebhookStore on %s, plans", (_, make) => {
  it.live("claim along the due index, and list each filter along its index, newest first", () =>
    Effect.gen(function* () {
      const store = yield* WebhookStore
      const startKey = "5:EVT1.WHK1"
      servedBy(yield* plansOf(store.claimDue(NOW, 10, 60_000)), "webhook_deliveries_due")
      servedBy(yield* plansOf(store.listDeliveries({ limit: 10, startKey })), "webhook_deliveries_by_age")
      servedBy(
        yield* plansOf(store.listDeliveries({ accountId: "a", limit: 10, startKey })),
        "webhook_deliveries_by_account"
      )
      servedBy(
        yield* plansOf(store.listDeliveries({ endpointId: "e", limit: 10, startKey })),
        "webhook_deliveries_by_endpoint"
      )
      servedBy(
        yield* plansOf(store.listDeliveries({ status: "FAILED", limit: 10, startKey })),
        "webhook_deliveries_by_status"
      )
    }).pipe(Effect.provide(make()))
  )
})
