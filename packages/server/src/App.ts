/**
 * `makeApp(runtime)`: the Hono application. Routes are registered from the contract's endpoint table,
 * each request runs as one Effect on the given `ManagedRuntime` (built once per process or isolate):
 * body limit → authentication (rate limited before the signature is claimed) and scope → idempotency →
 * decode → use case → JSON.
 * Every failure leaves as SOLAPI's `{ errorCode, errorMessage }`; internals only reach the log.
 */
import { type Endpoints as Contract, Endpoints } from "@senderid/contract"
import { Accounts, AuditEntry, SenderIdRepository } from "@senderid/domain"
import { Cause, Effect, Exit, type ManagedRuntime, type Schema } from "effect"
import { type Context, Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { requestId } from "hono/request-id"
import { authenticate } from "./Authentication.ts"
import { renderDocsPage } from "./DocsPage.ts"
import { languageOf } from "./ErrorTable.ts"
import { idempotent } from "./Idempotency.ts"
import type { LogLine } from "./LogLine.ts"
import { openApiDocument } from "./OpenApi.ts"
import { onlyDeclared } from "./QueryParameters.ts"
import { makeRateLimits, type RateLimitOptions } from "./RateLimit.ts"
import { decodeJson } from "./RequestBody.ts"
import { reject } from "./RequestError.ts"
import { type Failure, failureResponse, jsonResponse } from "./Responses.ts"
import type { AppServices, Handler, Handlers } from "./Route.ts"
import { documentHandlers } from "./routes/Documents.ts"
import { eligibilityHandlers } from "./routes/Eligibility.ts"
import { numberHandlers } from "./routes/Numbers.ts"
import { operatorAccountHandlers } from "./routes/OperatorAccounts.ts"
import { operatorReviewHandlers } from "./routes/OperatorReviews.ts"
import { operatorStatsHandlers } from "./routes/OperatorStats.ts"
import { paperHandlers } from "./routes/Papers.ts"
import { webhookHandlers } from "./routes/Webhooks.ts"
import type * as Signature from "./Signature.ts"

/** One line per request, in the shape of every log line (`LogLine`), with `message: "request"`.
 * Never carries a secret, a signature or a body. */
export interface RequestLogEntry extends LogLine {
  readonly level: "info" | "warn" | "error"
  readonly message: "request"
  readonly requestId: string
  readonly method: string
  readonly path: string
  readonly status: number
  readonly durationMs: number
  readonly apiKey?: string
  /** The client's own `X-Request-Id`, when it sent a well-formed one, to correlate with its logs. */
  readonly clientRequestId?: string
  readonly errorCode?: string
  /** The cause of a 500, for operators; the client never sees it. */
  readonly defect?: string
}

export interface AppOptions {
  /** Largest JSON body (bytes) outside uploads; default 64 KiB. */
  readonly maxBodyBytes?: number
  /** Largest upload body (bytes); default 1 MiB, room for a 700 KiB file in base64. */
  readonly maxUploadBytes?: number
  /**
   * Token buckets per key, and per client address for requests that fail authentication; default 20
   * requests/s with bursts of 100; `false` turns them off.
   */
  readonly rateLimit?: RateLimitOptions | false
  /**
   * The caller's address, for the limit on failed authentications: the composition root knows where
   * it comes from (the socket on Node, `CF-Connecting-IP` on Workers). Without it, or when it gives
   * nothing, every such failure counts against one shared address.
   */
  readonly clientAddress?: (c: Context) => string | undefined
  /** Receives one entry per request (`JsonLog.line` writes it like every other line); nothing is
   * logged without it. */
  readonly log?: (entry: RequestLogEntry) => void
  /** The rate limiter's clock (epoch ms); `Date.now` unless given. */
  readonly now?: () => number
  /**
   * Who is calling: SOLAPI's HMAC scheme against the `ApiKeys` store unless replaced. Only
   * composition roots set this (the HTTP benchmark measures HMAC's cost by comparing against a
   * fixed caller); never wire it to anything a client controls.
   */
  readonly authenticator?: typeof authenticate
  /**
   * `scheme://host[:port]` clients reach the API at, for the links in responses (a document's
   * `url`). Without it the request's own origin is used, which a client controls through `Host`.
   */
  readonly publicOrigin?: string
  /** HMAC-SHA256 for signature checks; WebCrypto's unless given (Node passes `node:crypto`'s, which is faster). */
  readonly hmacSha256?: Signature.HmacSha256
}

export interface Env {
  Variables: {
    requestId: string
    apiKey: string | undefined
    errorCode: string | undefined
    defect: string | undefined
  }
}

const handlers: Handlers<Contract.EndpointName> = {
  ...numberHandlers,
  ...paperHandlers,
  ...documentHandlers,
  ...eligibilityHandlers,
  ...operatorAccountHandlers,
  ...operatorReviewHandlers,
  ...operatorStatsHandlers,
  ...webhookHandlers,
  health: () =>
    SenderIdRepository.use((repository) => repository.findAccount("health-check")).pipe(
      Effect.as({ status: "ok", storage: "ok" } as const),
      Effect.catch(() =>
        Effect.succeed(
          jsonResponse(503, { status: "unavailable", storage: "unavailable" }, { "retry-after": "5" })
        )
      )
    )
}

// Exact, like the router: `/numbers/` is not `/numbers`, so it is a 404, not a 405.
const pathPattern = (path: string) => new RegExp(`^${path.replace(/:[A-Za-z]+/gu, "[^/]+")}$`, "u")

export const makeApp = <ER>(
  runtime: ManagedRuntime.ManagedRuntime<AppServices, ER>,
  options: AppOptions = {}
) => {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024
  const maxUploadBytes = options.maxUploadBytes ?? 1024 * 1024
  const now = options.now ?? Date.now
  const rateLimits =
    options.rateLimit === false
      ? undefined
      : makeRateLimits(options.rateLimit ?? { perSecond: 20, burst: 100 }, now)
  const clientAddress = options.clientAddress
  const log = options.log
  const authenticator = options.authenticator ?? authenticate
  const hmacSha256 = options.hmacSha256
  const publicOrigin = options.publicOrigin?.replace(/\/+$/u, "")
  // The OpenAPI document and the docs page are built at their first request, not at start: deriving
  // JSON Schemas from every endpoint's schemas is a fifth of the server's start-up, for two pages.
  let document: ReturnType<typeof openApiDocument> | undefined
  let docsPage: string | undefined
  const documentOnce = () => {
    document ??= openApiDocument()
    return document
  }

  const app = new Hono<Env>()
  // Always ours, never the client's `X-Request-Id`: audit entries quote it, so a client must not
  // be able to choose it (or reuse another request's).
  app.use(requestId({ headerName: "", generator: () => crypto.randomUUID() }))
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    // Handlers answer with their own Response objects, which do not carry headers set on the context.
    c.res.headers.set("x-request-id", c.get("requestId"))
    if (log === undefined) return
    const status = c.res.status
    const apiKey = c.get("apiKey")
    const errorCode = c.get("errorCode")
    const defect = c.get("defect")
    const clientRequestId = c.req.header("x-request-id")
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      message: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(clientRequestId !== undefined && /^[\w\-=]{1,255}$/u.test(clientRequestId)
        ? { clientRequestId }
        : {}),
      ...(errorCode === undefined ? {} : { errorCode }),
      ...(defect === undefined ? {} : { defect })
    }
    // The request has been answered: a failing log sink must not turn that answer into a 500.
    try {
      log(entry)
    } catch {
      // Nowhere left to report it; the response stands.
    }
  })

  const fail = (c: Context<Env>, failure: Failure): Response => {
    c.set("errorCode", failure.errorCode)
    if (failure.defect !== undefined) c.set("defect", failure.defect)
    return failure.response
  }

  const route = (endpoint: Contract.Endpoint, handler: Handler<Contract.Endpoint>) => {
    const limit = endpoint === Endpoints.endpoints.uploadDocument ? maxUploadBytes : maxBodyBytes
    const limitBody = bodyLimit({
      maxSize: limit,
      onError: (c) => {
        const response = fail(
          c as Context<Env>,
          failureResponse(
            Cause.fail(reject("PayloadTooLarge", { maxBytes: limit })),
            languageOf(c.req.header("accept-language"))
          )
        )
        // The rest of the body was never read: the connection cannot carry another request.
        response.headers.set("connection", "close")
        return response
      }
    })
    const handle = async (c: Context<Env>) => {
      const language = languageOf(c.req.header("accept-language"))
      const program = Effect.gen(function* () {
        let accountId = ""
        let operatorId = ""
        let serviceId = ""
        let apiKey: string | undefined
        if (endpoint.scope !== null) {
          const { scope, serviceScope } = endpoint
          const credentials = yield* authenticator(
            c.req.header("authorization"),
            (key) => (key.serviceId !== null && serviceScope !== undefined ? serviceScope : scope),
            hmacSha256,
            rateLimits === undefined
              ? undefined
              : { rateLimits, clientAddress: clientAddress?.(c) ?? "unknown" }
          )
          c.set("apiKey", credentials.apiKey)
          apiKey = credentials.apiKey
          // A key is a customer's, an operator's or a service's, never two: each reaches only its
          // own routes, whatever scopes were written on it.
          if (scope.startsWith("operator:")) {
            if (credentials.operatorId === null) return yield* reject("Forbidden", { scope })
            operatorId = credentials.operatorId
          } else if (credentials.serviceId !== null) {
            // A service key acts for no account: only routes with a service scope take it, and
            // their handlers read the account asked about from the request.
            if (serviceScope === undefined) return yield* reject("Forbidden", { scope })
            serviceId = credentials.serviceId
          } else {
            if (credentials.accountId === null) return yield* reject("Forbidden", { scope })
            accountId = credentials.accountId
            yield* Accounts.use((accounts) => accounts.assertNotSuspended(accountId))
          }
        }
        // A read takes only the query parameters its endpoint declares (one check for every route).
        if (endpoint.method === "GET") yield* onlyDeclared(c.req.queries(), endpoint.query ?? [])
        const text =
          endpoint.body === undefined
            ? ""
            : yield* Effect.tryPromise({ try: () => c.req.text(), catch: () => reject("InvalidJSON") })
        const produce = Effect.gen(function* () {
          const body =
            endpoint.body === undefined
              ? undefined
              : yield* decodeJson(endpoint.body as Schema.Decoder<unknown>, text)
          const reply = yield* handler({
            accountId,
            operatorId,
            serviceId,
            // The table pairs each endpoint with its handler; the loop below loses that pairing for TypeScript.
            body: body as never,
            param: (name) => c.req.param(name) ?? "",
            // Parsed only by the handlers that read them.
            get query() {
              return c.req.queries()
            },
            header: (name) => c.req.header(name),
            get origin() {
              return publicOrigin ?? new URL(c.req.url).origin
            }
          })
          return reply instanceof Response ? reply : jsonResponse(200, reply)
        }).pipe(
          // Every audit entry this request writes names the request and the key it was signed with.
          Effect.provideService(AuditEntry.RequestContext, { requestId: c.get("requestId"), apiKey }),
          Effect.catchCause((cause) => Effect.sync(() => fail(c, failureResponse(cause, language))))
        )
        const key = endpoint.idempotent === true ? c.req.header("idempotency-key") : undefined
        if (key === undefined) return yield* produce
        return yield* idempotent(
          { accountId, key, method: endpoint.method, path: c.req.path, body: text },
          produce
        )
      })
      const exit = await runtime.runPromiseExit(program)
      return Exit.isSuccess(exit) ? exit.value : fail(c, failureResponse(exit.cause, language))
    }
    // Routes without a body never read one, so they go without the limit's stream wrapper.
    if (endpoint.body === undefined) app.on(endpoint.method, endpoint.path, handle)
    else app.on(endpoint.method, endpoint.path, limitBody, handle)
  }

  for (const name of Object.keys(Endpoints.endpoints) as Array<Contract.EndpointName>) {
    route(Endpoints.endpoints[name], handlers[name] as Handler<Contract.Endpoint>)
  }

  app.get("/openapi.json", (c) => c.json(documentOnce()))
  app.get("/docs", (c) => {
    docsPage ??= renderDocsPage(documentOnce())
    return c.html(docsPage, 200, {
      // The page is self-contained: it may load nothing from anywhere, not even from this server.
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    })
  })

  const known = Object.values(Endpoints.endpoints).map((e) => ({
    method: e.method,
    pattern: pathPattern(e.path)
  }))
  app.notFound((c) => {
    const language = languageOf(c.req.header("accept-language"))
    const allowed = known.filter((k) => k.pattern.test(c.req.path)).map((k) => k.method)
    if (allowed.length === 0) return fail(c, failureResponse(Cause.fail(reject("NotFound")), language))
    const failure = failureResponse(Cause.fail(reject("MethodNotAllowed")), language)
    failure.response.headers.set("allow", [...new Set(allowed)].join(", "))
    return fail(c, failure)
  })
  app.onError((error, c) =>
    fail(c, failureResponse(Cause.die(error), languageOf(c.req.header("accept-language"))))
  )
  return app
}

export type App = ReturnType<typeof makeApp>
