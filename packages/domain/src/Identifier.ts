/**
 * Identifiers in SOLAPI's shape: a three-letter preamble naming the kind of record, the creation
 * time as `yyyyMMddHHmmss` in Korea time, and 15 random upper-case letters and digits (32 in all).
 * Time and randomness come from `Clock` and `Random`, so tests get the same identifiers every run.
 */
import { Clock, Effect, Random, Schema } from "effect"

/** `SED` sender ID (handleKey), `DOC` document, `APD` approval submission, `DUP` duplicate-unlock
 * request, `LID` limitation request; ours: `ARS` an ARS challenge's transaction id, `EVT` an event,
 * `WHK` a webhook endpoint. */
export const Preamble = Schema.Literals(["SED", "DOC", "APD", "DUP", "LID", "ARS", "EVT", "WHK"])
export type Preamble = typeof Preamble.Type

export const Identifier = Schema.String.check(
  Schema.isPattern(/^(?:SED|DOC|APD|DUP|LID|ARS|EVT|WHK)\d{14}[0-9A-Z]{15}$/u)
)

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const RANDOM_LENGTH = 15
// Korea has used UTC+9 without daylight saving since 1988, so a fixed offset is exact.
const KOREA_OFFSET_MS = 9 * 60 * 60 * 1000

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** Formats an instant as `yyyyMMddHHmmss` on the Korean wall clock. */
export const koreaTimestamp = (epochMillis: number): string => {
  const korea = new Date(epochMillis + KOREA_OFFSET_MS)
  return (
    pad(korea.getUTCFullYear(), 4) +
    pad(korea.getUTCMonth() + 1) +
    pad(korea.getUTCDate()) +
    pad(korea.getUTCHours()) +
    pad(korea.getUTCMinutes()) +
    pad(korea.getUTCSeconds())
  )
}

/** A fresh identifier of the given kind, stamped with the current `Clock` time. */
export const make = Effect.fn("Identifier.make")(function* (preamble: Preamble) {
  const now = yield* Clock.currentTimeMillis
  let suffix = ""
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    suffix += ALPHABET[yield* Random.nextIntBetween(0, ALPHABET.length, { halfOpen: true })]
  }
  return `${preamble}${koreaTimestamp(now)}${suffix}`
})
