/**
 * Who changed what: every change to a sender ID or an account appends one audit entry
 * `{ createAt, message, actor }` (SOLAPI's `log[]` plus the actor — with the API key it acted
 * through — the request that made the change, and the status before and after). Entries are only
 * ever appended; nothing in the domain rewrites or removes one.
 */
import { Context, Schema } from "effect"

/** The customer account acting through its API key, an operator, or the registry itself (sweeps).
 * `apiKey` names the key a request was signed with, when the change came through the API. */
export const Actor = Schema.Union([
  Schema.Struct({
    type: Schema.Literal("ACCOUNT"),
    id: Schema.String,
    apiKey: Schema.optionalKey(Schema.String)
  }),
  Schema.Struct({
    type: Schema.Literal("OPERATOR"),
    id: Schema.String,
    apiKey: Schema.optionalKey(Schema.String)
  }),
  Schema.Struct({ type: Schema.Literal("SYSTEM"), id: Schema.String })
])
export type Actor = typeof Actor.Type

export const accountActor = (accountId: string): Actor => ({ type: "ACCOUNT", id: accountId })
export const operatorActor = (operatorId: string): Actor => ({ type: "OPERATOR", id: operatorId })
export const systemActor: Actor = { type: "SYSTEM", id: "senderid" }

export const AuditEntry = Schema.Struct({
  /** Epoch milliseconds. */
  createAt: Schema.Number,
  message: Schema.String,
  actor: Actor,
  /** Status before and after the change; equal when the change kept the status. */
  statusBefore: Schema.NullOr(Schema.String),
  statusAfter: Schema.NullOr(Schema.String),
  /** The request (its `x-request-id`) that made the change; absent for changes made outside one. */
  requestId: Schema.optionalKey(Schema.String),
  /** What the operator noted with the change (an approval's note), for operators: the customer's
   * `log[]` shows `createAt` and `message` only. */
  note: Schema.optionalKey(Schema.String)
})
export type AuditEntry = typeof AuditEntry.Type

/** The request a change is made in, as the HTTP layer knows it; nothing outside a request. */
export class RequestContext extends Context.Reference<{
  readonly requestId?: string | undefined
  readonly apiKey?: string | undefined
}>("@senderid/domain/RequestContext", { defaultValue: () => ({}) }) {}

/** The moment and the author of a change, and the request it was made in. */
export interface At {
  readonly now: number
  readonly actor: Actor
  readonly requestId?: string | undefined
}

/** The entry recording a change made at `at`, with the operator's note on it if there is one. */
export const entry = (
  at: At,
  message: string,
  statusBefore: string | null,
  statusAfter: string | null,
  note?: string | undefined
): AuditEntry => ({
  createAt: at.now,
  message,
  actor: at.actor,
  statusBefore,
  statusAfter,
  ...(at.requestId === undefined ? {} : { requestId: at.requestId }),
  ...(note === undefined ? {} : { note })
})
