/**
 * The client for code that does not use Effect: `createClient({ apiKey, apiSecret, baseUrl })` has
 * the same methods, each returning a Promise that rejects with the same typed errors (`ApiError`,
 * `TransportError`, `TimeoutError`, `DecodeError`; check with `instanceof`). One runtime per client.
 */
import { Endpoints } from "@senderid/contract"
import { type Effect, ManagedRuntime } from "effect"
import type { ClientError } from "./ClientError.ts"
import {
  type CallInput,
  type CallOutput,
  type ClientOptions,
  type EndpointName,
  SenderIdClient
} from "./SenderIdClient.ts"

export type PromiseMethods = {
  readonly [N in EndpointName]: Record<never, never> extends CallInput<N>
    ? (input?: CallInput<N>) => Promise<CallOutput<N>>
    : (input: CallInput<N>) => Promise<CallOutput<N>>
}

export interface PromiseClient extends PromiseMethods {
  /** Releases the client's runtime; calls after it fail. */
  readonly close: () => Promise<void>
}

export const createClient = (options: ClientOptions): PromiseClient => {
  const runtime = ManagedRuntime.make(SenderIdClient.layerFetch(options))
  const run = <A>(effect: Effect.Effect<A, ClientError, SenderIdClient>) =>
    // The failure itself (an Error), not Effect's wrapper, is what `catch` receives.
    runtime.runPromiseExit(effect).then((exit) => {
      if (exit._tag === "Success") return exit.value
      const failure = exit.cause.reasons.find((r) => r._tag === "Fail")
      throw failure !== undefined ? failure.error : new Error(String(exit.cause))
    })
  const methods = new Proxy({} as Record<string, unknown>, {
    get: (_, name) =>
      name === "close"
        ? () => runtime.dispose()
        : // Only endpoint names are methods: answering `then` would make the client look like a
          // Promise, so `await`ing it, or returning it from an async function, would call `then`.
          typeof name === "string" && Object.hasOwn(Endpoints.endpoints, name)
          ? (input?: unknown) =>
              run(
                SenderIdClient.use((client) =>
                  (client[name as EndpointName] as (i?: unknown) => Effect.Effect<unknown, ClientError>)(
                    input
                  )
                )
              )
          : undefined
  })
  return methods as unknown as PromiseClient
}
