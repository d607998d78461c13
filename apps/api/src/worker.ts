/**
 * The API on Cloudflare Workers: the same Hono app as on Node, over D1. The runtime is built once
 * per isolate, on the first request (bindings only exist then), and reused by every later request.
 * A Cron Trigger runs the expiry sweep, relays events and delivers the webhooks that are due.
 */

import { EventRelay, Expiry, Webhooks } from "@senderid/domain"
import { type App, makeApp } from "@senderid/server"
import { Effect, Layer, Logger, ManagedRuntime } from "effect"
import * as WorkerServices from "./WorkerServices.ts"

export type { WorkerEnv } from "./WorkerServices.ts"

const makeRuntime = (env: WorkerServices.WorkerEnv) =>
  ManagedRuntime.make(Layer.merge(WorkerServices.layer(env), Logger.layer([Logger.consoleJson])))

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
      app: makeApp(runtime, { log: (entry) => console.log(JSON.stringify(entry)) })
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

export default {
  fetch: (request: Request, env: WorkerServices.WorkerEnv, context: unknown) =>
    isolateFor(env).app.fetch(request, env, context as never),
  scheduled: (
    _controller: unknown,
    env: WorkerServices.WorkerEnv,
    context: { waitUntil: (p: Promise<unknown>) => void }
  ) => context.waitUntil(scheduled(env))
}
