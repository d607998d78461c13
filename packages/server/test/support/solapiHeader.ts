/**
 * Captures a real request of the official SOLAPI Node SDK over a socket, to prove our `verify` accepts
 * what SOLAPI's customers already send. The SDK has no base-URL or fetcher option (`baseUrl` is a field
 * fixed to https://api.solapi.com), so during the capture the global `fetch` it calls is pointed at a
 * local node:http server; any other destination is refused, so nothing leaves the machine.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect } from "effect"
import { SolapiMessageService } from "solapi"

const SOLAPI_ORIGIN = "https://api.solapi.com"

export interface CapturedRequest {
  readonly method: string
  readonly path: string
  readonly authorization: string
}

const listen = Effect.acquireRelease(
  Effect.callback<{ readonly origin: string; readonly requests: Array<CapturedRequest>; close: () => void }>(
    (resume) => {
      const requests: Array<CapturedRequest> = []
      const server = createServer((request, response) => {
        requests.push({
          method: request.method ?? "",
          path: request.url ?? "",
          authorization: request.headers.authorization ?? ""
        })
        // The smallest body the SDK's getBalance schema accepts.
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify({ point: 0, balance: 0 }))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(
          Effect.succeed({
            origin: `http://127.0.0.1:${port}`,
            requests,
            close: () => server.close()
          })
        )
      })
    }
  ),
  ({ close }) => Effect.sync(close)
)

const redirectFetch = (origin: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const original = globalThis.fetch
      globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
        const url = input instanceof Request ? input.url : String(input)
        if (!url.startsWith(`${SOLAPI_ORIGIN}/`)) {
          return Promise.reject(new Error(`unexpected request to ${url} during the SOLAPI capture`))
        }
        return original(origin + url.slice(SOLAPI_ORIGIN.length), init)
      }
      return original
    }),
    (original) =>
      Effect.sync(() => {
        globalThis.fetch = original
      })
  )

// Node re-reads the zone when process.env.TZ is assigned or deleted, so `new Date()` in the SDK follows it.
const withTimeZone = (timeZone: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const original = process.env.TZ
      process.env.TZ = timeZone
      return original
    }),
    (original) =>
      Effect.sync(() => {
        if (original === undefined) delete process.env.TZ
        else process.env.TZ = original
      })
  )

/** The one request `SolapiMessageService.getBalance()` makes, as our server would receive it. */
export const captureSolapiRequest = (options: {
  readonly apiKey: string
  readonly apiSecret: string
  readonly timeZone: string
}): Effect.Effect<CapturedRequest> =>
  Effect.scoped(
    Effect.gen(function* () {
      yield* withTimeZone(options.timeZone)
      const server = yield* listen
      yield* redirectFetch(server.origin)
      const service = new SolapiMessageService(options.apiKey, options.apiSecret)
      yield* Effect.promise(() => service.getBalance())
      const [request, ...more] = server.requests
      if (request === undefined || more.length > 0) {
        return yield* Effect.die(new Error(`expected one request, got ${server.requests.length}`))
      }
      return request
    })
  )
