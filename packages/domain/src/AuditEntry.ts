/**
 * Who changed what: every change to a sender ID or an account appends one audit entry
 * `{ createAt, message, actor }` (SOLAPI's `log[]` plus the actor and the status before and after).
 * Entries are only ever appended; nothing in the domain rewrites or removes one.
 */
import { Schema } from "effect"

/** The customer account acting through its API key, an operator, or the registry itself (sweeps). */
export const Actor = Schema.Union([
  Schema.Struct({ type: Schema.Literal("ACCOUNT"), id: Schema.String }),
  Schema.Struct({ type: Schema.Literal("OPERATOR"), id: Schema.String }),
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
  statusAfter: Schema.NullOr(Schema.String)
})
export type AuditEntry = typeof AuditEntry.Type

/** The moment and the author of a change. */
export interface At {
  readonly now: number
  readonly actor: Actor
}

/** The entry recording a change made at `at`. */
export const entry = (
  at: At,
  message: string,
  statusBefore: string | null,
  statusAfter: string | null
): AuditEntry => ({ createAt: at.now, message, actor: at.actor, statusBefore, statusAfter })
