/**
 * How a request's outcome becomes a `Response`: JSON with the right content type, and for a failure
 * SOLAPI's `{ errorCode, errorMessage }` by the error table, with `Retry-After` where the client
 * should come back later. Internals (a defect's cause) are returned for the log, never sent.
 */
import { Cause, Option } from "effect"
import { type Language, toWire, type WireError, wireError } from "./ErrorTable.ts"
import { RequestRejected } from "./RequestError.ts"
import { ArsCallPlaced } from "./routes/Numbers.ts"

export const jsonResponse = (
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>
): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers }
  })

export interface Failure {
  readonly response: Response
  readonly errorCode: string
  readonly defect?: string
}

/** The response for a failed request: the first expected error by the table, anything else a bare 500. */
export const failureResponse = (cause: Cause.Cause<unknown>, language: Language): Failure => {
  const error = Cause.findErrorOption(cause)
  if (Option.isSome(error)) {
    const e = error.value
    if (e instanceof ArsCallPlaced) {
      const wire = wireError("MFARequired", language)
      return {
        response: jsonResponse(wire.status, { ...wire.body, mfa: e.mfa }),
        errorCode: wire.body.errorCode
      }
    }
    const wire: WireError = e instanceof RequestRejected ? e.render(language) : toWire(e, language)
    const headers =
      e instanceof RequestRejected
        ? e.headers
        : wire.status === 503
          ? { "retry-after": "5" }
          : retryAfterOf(e)
    return {
      response: jsonResponse(wire.status, wire.body, headers),
      errorCode: wire.body.errorCode,
      ...(wire.status >= 500 && !(e instanceof RequestRejected) ? { defect: Cause.pretty(cause) } : {})
    }
  }
  // Interrupted (the process is shutting down) is not the client's fault and worth a retry.
  const wire = Cause.hasInterruptsOnly(cause)
    ? wireError("ServiceUnavailable", language)
    : wireError("InternalError", language)
  return {
    response: jsonResponse(wire.status, wire.body),
    errorCode: wire.body.errorCode,
    defect: Cause.pretty(cause)
  }
}

/** A domain refusal that says when to come back (a rationed ARS call) becomes `Retry-After`. */
const retryAfterOf = (error: unknown): Record<string, string> | undefined =>
  typeof error === "object" &&
  error !== null &&
  "retryAfterSeconds" in error &&
  typeof error.retryAfterSeconds === "number"
    ? { "retry-after": String(error.retryAfterSeconds) }
    : undefined
