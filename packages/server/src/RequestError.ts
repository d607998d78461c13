/**
 * A request the server refuses before any use case runs (bad JSON, a missing or forbidden field, a
 * reused idempotency key…). It carries the error table's code and detail and is rendered in the
 * client's language only when the response is written.
 */
import { Data } from "effect"
import {
  type Language,
  type ServerErrorCode,
  type ServerErrorDetails,
  type WireError,
  wireError
} from "./ErrorTable.ts"

export class RequestRejected extends Data.TaggedError("RequestRejected")<{
  readonly code: ServerErrorCode
  readonly render: (language: Language) => WireError
  /** Response headers the refusal needs, such as `Retry-After`. */
  readonly headers?: Readonly<Record<string, string>>
}> {}

/** `reject("InvalidParameter", { field: "limit" })`: the detail is typed by the code's row. */
export const reject = <C extends ServerErrorCode>(
  code: C,
  ...detail: undefined extends ServerErrorDetails[C]
    ? [detail?: ServerErrorDetails[C]]
    : [detail: ServerErrorDetails[C]]
): RequestRejected =>
  new RequestRejected({ code, render: (language) => wireError(code, language, ...detail) })

/** 429 with the `Retry-After` the client should honour. */
export const tooManyRequests = (retryAfterSeconds: number): RequestRejected =>
  new RequestRejected({
    code: "TooManyRequests",
    render: (language) => wireError("TooManyRequests", language, { retryAfterSeconds }),
    headers: { "retry-after": String(retryAfterSeconds) }
  })
