/**
 * An operator's hold on an account or a number, with the reason the customer is told. A suspended
 * account's keys are refused on every customer route; a suspended number is INACTIVE, and neither
 * its owner's switch, a deletion nor a new verification can undo that — only the operator lifting it.
 */
import { Schema } from "effect"

export const Suspension = Schema.Struct({
  reason: Schema.String,
  operatorId: Schema.String,
  /** Epoch milliseconds. */
  since: Schema.Number
})
export type Suspension = typeof Suspension.Type
