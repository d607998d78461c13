/**
 * What a call can fail with, each its own type: the API's answer (`ApiError`, SOLAPI's
 * `{ errorCode, errorMessage }` with the status, unknown codes kept as they came), no answer at all
 * (`TransportError`: refused, reset, DNS), no answer in time (`TimeoutError`), or an answer that is
 * not what the contract says (`DecodeError`). All are `Error`s, so the Promise facade throws them.
 */
import { Schema } from "effect"

export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", {
  status: Schema.Number,
  errorCode: Schema.String,
  errorMessage: Schema.String,
  /** The whole error body: some errors carry more (ARS step one's `mfa.transactionId`). */
  body: Schema.Record(Schema.String, Schema.Unknown),
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  retryAfterSeconds: Schema.NullOr(Schema.Number),
  /** The server's `x-request-id`, to quote to its operators. */
  requestId: Schema.NullOr(Schema.String)
}) {
  override get message() {
    return `${this.status} ${this.errorCode}: ${this.errorMessage}`
  }
}

export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  /** What went wrong, in a few words (never a secret: the request's headers are not included). */
  reason: Schema.String,
  cause: Schema.Defect()
}) {
  override get message() {
    return `no response: ${this.reason}`
  }
}

export class TimeoutError extends Schema.TaggedError<TimeoutError>()("TimeoutError", {
  timeoutMillis: Schema.Number
}) {
  override get message() {
    return `no response within ${this.timeoutMillis} ms`
  }
}

export class DecodeError extends Schema.TaggedError<DecodeError>()("DecodeError", {
  status: Schema.Number,
  /** What did not match, from the schema's own report. */
  issue: Schema.String
}) {
  override get message() {
    return `the response (${this.status}) is not what the API documents: ${this.issue}`
  }
}

export type ClientError = ApiError | TransportError | TimeoutError | DecodeError
