/**
 * The API on Cloudflare Workers: the same Hono app as on Node, over D1. The runtime is built once
 * per isolate, on the first request (bindings only exist then), and reused by every later request.
 * After each request that may change something, the isolate relays the events and delivers the
 * webhooks that are due (`waitUntil`); a Cron Trigger runs the expiry sweep and catches up on both.
 */

import { EventRelay, Expiry, Webhooks } from "@senderid/domain"
import { type App, LogLine, makeApp } from "@senderid/server"
import { Effect, Layer, Logger, ManagedRuntime, References } from "effect"
import * as WorkerServices from "./WorkerServices.ts"

export type { WorkerEnv } from "./WorkerServices.ts"

// One logger for every line, requests and Effect's logs alike, in one JSON shape.
const log = LogLine.makeJsonLog((text) => console.log(text))

const makeRuntime = (env: WorkerServices.WorkerEnv) =>
  // No tracer exports spans here, so none are made.
  ManagedRuntime.make(
    Layer.mergeAll(
      WorkerServices.layer(env),
      Logger.layer([log.logger]),
      Layer.succeed(References.TracerEnabled, false)
    )
  )

let isolate:
  | { readonly db: unknown; readonly runtime: ReturnType<typeof makeRuntime>; readonly app: App }
  | undefined

/** The isolate's runtime and app, built on first use; tests reach the runtime to issue keys. */
export const isolateFor = (env: WorkerServices.WorkerEnv) => {
  if (isolate === undefined || isolate.db !== env.DB) {
    const runtime = makeRuntime(env)
    isolate = {
      db: env.DB,
      runtime,
      app: makeApp(runtime, {
        log: log.line,
        // Set by Cloudflare's edge, which replaces any value the client sent; absent only in local tests.
        clientAddress: (c) => c.req.header("cf-connecting-ip")
      })
    }
  }
  return isolate
}

/** The Cron Trigger's work (`wrangler.jsonc`): the expiry sweep, the event relay, then the webhook
 * deliveries that are due (new ones and retries). */
export const scheduled = (env: WorkerServices.WorkerEnv) =>
  isolateFor(env).runtime.runPromise(
    Effect.gen(function* () {
      const report = yield* Expiry.use((expiry) => expiry.sweep())
      yield* EventRelay.use((relay) => relay.drain())
      yield* Webhooks.use((webhooks) => webhooks.deliverDue())
      return report
    })
  )

/** After a request that may have changed something: relay its events and deliver the webhooks that
 * are due now, instead of waiting for the next Cron Trigger. A failure here is only logged: the
 * outbox and the deliveries stay for the cron to pick up. */
export const afterChange = (env: WorkerServices.WorkerEnv) =>
  isolateFor(env).runtime.runPromise(
    Effect.gen(function* () {
      yield* EventRelay.use((relay) => relay.drain())
      return yield* Webhooks.use((webhooks) => webhooks.deliverDue())
    }).pipe(
      Effect.catchCause((cause) =>
        Effect.logWarning("relay after a request failed", cause).pipe(Effect.as(undefined))
      )
    )
  )

interface ExecutionContext {
  readonly waitUntil?: (promise: Promise<unknown>) => void
}

export default {
  fetch: async (request: Request, env: WorkerServices.WorkerEnv, context: ExecutionContext) => {
    const response = await isolateFor(env).app.fetch(request, env, context as never)
    // Reads change nothing; after the rest the isolate keeps running to send what the change caused.
    if (request.method !== "GET" && request.method !== "HEAD") context?.waitUntil?.(afterChange(env))
    return response
  },
  scheduled: (
    _controller: unknown,
    env: WorkerServices.WorkerEnv,
    context: { waitUntil: (p: Promise<unknown>) => void }
  ) => context.waitUntil(scheduled(env))
}
