/**
 * `Idempotency-Key` on POSTs: the first request with a key runs and its response (success or a 4xx
 * refusal) is kept; a retry with the same key and body gets that response again, marked
 * `Idempotent-Replayed: true`; the same key with another body is 422; a retry while the first still
 * runs is 409. Keys are scoped per account, and 5xx answers are not kept so a retry may run.
 */
import { IdempotencyKeys } from "@senderid/domain"
import { Effect } from "effect"
import { reject } from "./RequestError.ts"

const KEY = /^[!-~]{1,255}$/u
const encoder = new TextEncoder()

const sha256Hex = (text: string) =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", encoder.encode(text))).pipe(
    Effect.map((digest) =>
      Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
    )
  )

/** Headers worth replaying: the ones that describe the body, not the connection or the request. */
const KEPT_HEADERS = ["content-type", "retry-after"]

export interface IdempotentRequest {
  readonly accountId: string
  readonly key: string
  readonly method: string
  readonly path: string
  readonly body: string
}

/** Runs `produce` at most once per (account, key), replaying its response to retries. */
export const idempotent = <E, R>(request: IdempotentRequest, produce: Effect.Effect<Response, E, R>) =>
  Effect.gen(function* () {
    if (!KEY.test(request.key)) {
      return yield* reject("InvalidParameter", { field: "Idempotency-Key", problem: "value" })
    }
    const keys = yield* IdempotencyKeys
    const hash = yield* sha256Hex(`${request.method} ${request.path}\n${request.body}`)
    const outcome = yield* keys.begin(request.accountId, request.key, hash)
    switch (outcome._tag) {
      case "InFlight":
        return yield* reject("IdempotencyKeyInUse")
      case "Mismatch":
        return yield* reject("IdempotencyKeyReused")
      case "Replay":
        return new Response(outcome.response.body, {
          status: outcome.response.status,
          headers: { ...outcome.response.headers, "idempotent-replayed": "true" }
        })
      case "Started":
        break
    }
    const response = yield* produce.pipe(
      Effect.onExit((exit) =>
        exit._tag === "Success" && exit.value.status < 500
          ? Effect.void
          : Effect.ignore(keys.abandon(request.accountId, request.key))
      )
    )
    if (response.status >= 500) return response
    const body = yield* Effect.promise(() => response.clone().text())
    const headers: Record<string, string> = {}
    for (const name of KEPT_HEADERS) {
      const value = response.headers.get(name)
      if (value !== null) headers[name] = value
    }
    // The request has happened: answer it even if the store cannot keep the answer, and release the key.
    yield* keys
      .complete(request.accountId, request.key, { status: response.status, body, headers })
      .pipe(Effect.catch(() => Effect.ignore(keys.abandon(request.accountId, request.key))))
    return response
  })
