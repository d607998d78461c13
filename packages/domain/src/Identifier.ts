/**
 * Identifiers in SOLAPI's shape: a three-letter preamble naming the kind of record, the creation
 * time as `yyyyMMddHHmmss` in Korea time, and 15 random upper-case letters and digits (32 in all).
 * The random part comes from the CSPRNG (`RandomText`): an identifier names a record in URLs and
 * challenges, so it must not be predictable from the ones before it. Time comes from `Clock`; a
 * test that wants the same identifiers every run gives a seeded `SecureRandom` and a `TestClock`.
 */
import { Clock, Effect, Schema } from "effect"
import * as RandomText from "./RandomText.ts"

/** `SED` sender ID (handleKey), `DOC` document, `APD` approval submission, `DUP` duplicate-unlock
 * request, `LID` limitation request; ours: `ARS` an ARS challenge's transaction id, `EVT` an event,
 * `WHK` a webhook endpoint. */
export const Preamble = Schema.Literals(["SED", "DOC", "APD", "DUP", "LID", "ARS", "EVT", "WHK"])
export type Preamble = typeof Preamble.Type

export const Identifier = Schema.String.check(
  Schema.isPattern(/^(?:SED|DOC|APD|DUP|LID|ARS|EVT|WHK)\d{14}[0-9A-Z]{15}$/u)
)

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

/** A fresh identifier of the given kind, stamped with the current `Clock` time, its random part
 * drawn from `SecureRandom`. */
export const make = Effect.fn("Identifier.make")(function* (preamble: Preamble) {
  const now = yield* Clock.currentTimeMillis
  return `${preamble}${koreaTimestamp(now)}${yield* RandomText.draw(RandomText.ALPHANUMERIC, RANDOM_LENGTH)}`
})
