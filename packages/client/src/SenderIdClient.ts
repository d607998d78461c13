/**
 * The senderid client as an Effect service over `effect/http`'s `HttpClient` (fetch by default, so
 * it runs in Node, Workers and browsers): one method per endpoint of the contract's table, typed by
 * the same schemas the server validates with. Every request is freshly signed (SOLAPI's HMAC), given
 * a timeout, and retried with backoff and jitter on 429, 5xx and lost connections — but only where a
 * retry cannot do a thing twice: GET, PUT, DELETE, POSTs that only read (eligibility), and POSTs
 * that carry an `Idempotency-Key`.
 * Answers are decoded against the contract; failures are typed (`ClientError`). Pointed at SOLAPI's
 * public API, the SOLAPI-compatible methods work unchanged (same paths, shapes and signature).
 */
import { Endpoints, Wire } from "@senderid/contract"
import { Clock, Context, Duration, Effect, Layer, Random, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { ApiError, type ClientError, DecodeError, TimeoutError, TransportError } from "./ClientError.ts"
import { authorization } from "./Signing.ts"

type Table = typeof Endpoints.endpoints
export type EndpointName = Endpoints.EndpointName

/** `:name` segments of a path, as a union of names. */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never

type ParamsInput<P extends string> = [ParamNames<P>] extends [never]
  ? unknown
  : { readonly params: { readonly [K in ParamNames<P>]: string } }

type BodyInput<E> = E extends { readonly body: infer S extends Schema.Top }
  ? { readonly body: S["Encoded"] }
  : unknown

/** What a call takes: its path parameters and body where the endpoint has them, and optionally
 * query parameters, an idempotency key (POSTs that create) and extra headers (`x-mfa-data`). */
export type CallInput<N extends EndpointName> = ParamsInput<Table[N]["path"]> &
  BodyInput<Table[N]> & {
    readonly query?: Readonly<Record<string, string | number | boolean | undefined>>
    readonly idempotencyKey?: string
    readonly headers?: Readonly<Record<string, string>>
  }

/** A document's bytes, as the download endpoints answer. */
export interface DownloadedFile {
  readonly bytes: Uint8Array
  readonly contentType: string
}

export type CallOutput<N extends EndpointName> = Table[N]["success"] extends typeof Wire.DocumentFile
  ? DownloadedFile
  : Table[N]["success"]["Type"]

type NoInput = Record<never, never>

/** One method per endpoint; those whose input is all optional can be called without one. */
export type Methods = {
  readonly [N in EndpointName]: NoInput extends CallInput<N>
    ? (input?: CallInput<N>) => Effect.Effect<CallOutput<N>, ClientError>
    : (input: CallInput<N>) => Effect.Effect<CallOutput<N>, ClientError>
}

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  readonly times?: number
  /** The first wait; each later one doubles, with jitter (default 200 ms). */
  readonly initialDelay?: Duration.Input
  /** The longest wait, `Retry-After` included (default 10 s). */
  readonly maxDelay?: Duration.Input
}

export interface ClientOptions {
  /** `https://api.example.com` (SOLAPI: `https://api.solapi.com`); no trailing path. */
  readonly baseUrl: string
  readonly apiKey: string
  readonly apiSecret: string
  /** Per attempt (default 10 s). */
  readonly timeout?: Duration.Input
  /** `false` turns retries off. */
  readonly retry?: RetryOptions | false
  /** `Accept-Language` for error messages: `ko` (SOLAPI's default) or `en`. */
  readonly language?: "ko" | "en"
}

const isDownload = (endpoint: Endpoints.Endpoint) => endpoint.success === Wire.DocumentFile

/** Whether repeating the request cannot do its work twice. */
const isRetrySafe = (endpoint: Endpoints.Endpoint, idempotencyKey: string | undefined) =>
  endpoint.method !== "POST" || endpoint.readOnly === true || idempotencyKey !== undefined

const pathOf = (endpoint: Endpoints.Endpoint, params: Readonly<Record<string, string>> | undefined) =>
  endpoint.path.replace(/:([A-Za-z]+)/gu, (_, name: string) => encodeURIComponent(params?.[name] ?? ""))

/** A refusal worth another try: slow down (429), or the server's or a proxy's trouble (5xx). */
const isRetryableStatus = (status: number) => status === 429 || status >= 500

const retryAfterOf = (response: HttpClientResponse.HttpClientResponse): number | null => {
  const raw = response.headers["retry-after"]
  if (raw === undefined) return null
  const seconds = Number(raw)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds
  const at = Date.parse(raw)
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000)
}

const toApiError = (response: HttpClientResponse.HttpClientResponse, text: string): ApiError => {
  let body: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>
  } catch {
    // Not JSON (a proxy's HTML page): kept as the message below.
  }
  return new ApiError({
    status: response.status,
    errorCode: typeof body.errorCode === "string" ? body.errorCode : `HTTP${response.status}`,
    errorMessage: typeof body.errorMessage === "string" ? body.errorMessage : text.slice(0, 200),
    body,
    retryAfterSeconds: retryAfterOf(response),
    requestId: response.headers["x-request-id"] ?? null
  })
}

/** Why no answer came, from the error and its chain of causes (fetch nests the system error). */
const transportReason = (error: unknown): string => {
  const parts: Array<string> = []
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 6; depth++) {
    parts.push(String(e), String((e as { code?: unknown }).code ?? ""))
    e = (e as { cause?: unknown; reason?: unknown }).cause ?? (e as { reason?: unknown }).reason
  }
  const text = parts.join(" ")
  if (/ECONNREFUSED/u.test(text)) return "connection refused"
  if (/ECONNRESET|socket hang up|other side closed|UND_ERR_SOCKET/u.test(text)) return "connection reset"
  if (/ENOTFOUND|EAI_AGAIN/u.test(text)) return "host not found"
  return "network error"
}

export const make = (options: ClientOptions) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const baseUrl = options.baseUrl.replace(/\/+$/u, "")
    const timeout = Duration.fromInputUnsafe(options.timeout ?? Duration.seconds(10))
    const retry = options.retry === false ? undefined : options.retry
    const times = retry === undefined ? 0 : (retry.times ?? 3)
    const initialDelay = Duration.toMillis(
      Duration.fromInputUnsafe(retry?.initialDelay ?? Duration.millis(200))
    )
    const maxDelay = Duration.toMillis(Duration.fromInputUnsafe(retry?.maxDelay ?? Duration.seconds(10)))

    /** One signed attempt: the decoded answer, or why there is none. */
    const attempt = (endpoint: Endpoints.Endpoint, input: Record<string, unknown>) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const query = Object.entries((input.query ?? {}) as Record<string, unknown>).flatMap(([k, v]) =>
          v === undefined ? [] : [[k, String(v)] as const]
        )
        let request = HttpClientRequest.make(endpoint.method)(
          `${baseUrl}${pathOf(endpoint, input.params as Record<string, string> | undefined)}`
        ).pipe(
          HttpClientRequest.setUrlParams(query),
          HttpClientRequest.setHeaders({
            ...(input.headers as Record<string, string> | undefined),
            authorization: yield* authorization(options.apiKey, options.apiSecret, now),
            "accept-language": options.language ?? "ko",
            ...(input.idempotencyKey === undefined ? {} : { "idempotency-key": String(input.idempotencyKey) })
          })
        )
        if (endpoint.body !== undefined) {
          request = HttpClientRequest.bodyText(request, JSON.stringify(input.body ?? {}), "application/json")
        }
        const response = yield* http.execute(request).pipe(
          Effect.timeoutOrElse({
            duration: timeout,
            orElse: () => Effect.fail(new TimeoutError({ timeoutMillis: Duration.toMillis(timeout) }))
          }),
          Effect.catchTag("HttpClientError", (error) =>
            Effect.fail(new TransportError({ reason: transportReason(error), cause: error }))
          )
        )
        if (isDownload(endpoint) && response.status === 200) {
          const bytes = yield* response.arrayBuffer.pipe(
            Effect.catch((error) =>
              Effect.fail(new TransportError({ reason: transportReason(error), cause: error }))
            )
          )
          return {
            bytes: new Uint8Array(bytes),
            contentType: response.headers["content-type"] ?? "application/octet-stream"
          } satisfies DownloadedFile as unknown
        }
        const text = yield* response.text.pipe(
          Effect.catch((error) =>
            Effect.fail(new TransportError({ reason: transportReason(error), cause: error }))
          )
        )
        if (response.status < 200 || response.status >= 300) return yield* toApiError(response, text)
        return yield* Schema.decodeUnknownEffect(
          Schema.fromJsonString(endpoint.success as Schema.Codec<unknown>)
        )(text).pipe(
          Effect.mapError(
            (error) => new DecodeError({ status: response.status, issue: String(error.message) })
          )
        )
      })

    /** Whether to try again after `error`, and how long to wait first. */
    const nextDelay = (error: ClientError, retried: number) =>
      Effect.gen(function* () {
        const retryable =
          error._tag === "TransportError" ||
          error._tag === "TimeoutError" ||
          (error._tag === "ApiError" && isRetryableStatus(error.status))
        if (!retryable || retried >= times) return undefined
        const backoff = initialDelay * 2 ** retried * (0.5 + (yield* Random.next) / 2)
        const asked =
          error._tag === "ApiError" && error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : 0
        return Math.min(maxDelay, Math.max(backoff, asked))
      })

    const call = (name: EndpointName, input: Record<string, unknown> = {}) => {
      const endpoint: Endpoints.Endpoint = Endpoints.endpoints[name]
      const safe = isRetrySafe(endpoint, input.idempotencyKey as string | undefined)
      const loop = (retried: number): Effect.Effect<unknown, ClientError> =>
        attempt(endpoint, input).pipe(
          Effect.catch((error) =>
            Effect.gen(function* () {
              const delay = safe ? yield* nextDelay(error, retried) : undefined
              if (delay === undefined) return yield* Effect.fail(error)
              yield* Effect.sleep(Duration.millis(delay))
              return yield* loop(retried + 1)
            })
          )
        )
      return loop(0).pipe(Effect.withSpan(`SenderIdClient.${name}`))
    }

    return Object.fromEntries(
      (Object.keys(Endpoints.endpoints) as Array<EndpointName>).map((name) => [
        name,
        (input?: Record<string, unknown>) => call(name, input)
      ])
    ) as unknown as Methods
  })

/** The client for one key at one server, as a service. */
export class SenderIdClient extends Context.Service<SenderIdClient, Methods>()(
  "@senderid/client/SenderIdClient"
) {
  /** Over the `HttpClient` in context (provide `FetchHttpClient.layer`, or your own). */
  static readonly layer = (
    options: ClientOptions
  ): Layer.Layer<SenderIdClient, never, HttpClient.HttpClient> => Layer.effect(SenderIdClient, make(options))

  /** Over the platform's `fetch`. */
  static readonly layerFetch = (options: ClientOptions): Layer.Layer<SenderIdClient> =>
    SenderIdClient.layer(options).pipe(Layer.provide(FetchHttpClient.layer))
}
