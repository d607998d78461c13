/**
 * One shape for every line the API logs — each request's line, Effect's logs (the event relay, the
 * expiry sweep, webhook attempts, the development ARS calls), the start and stop lines — so one query
 * reads them all: a JSON object per line, `{ time, level, message, ...fields }`, `time` in ISO 8601.
 * `makeJsonLog(write)` is the one logger a composition root builds: `line` for lines it writes itself
 * (and `makeApp`'s request log), `logger` for Effect's `Logger.layer`, both ending in `write`.
 */
import { Cause, type LogLevel as EffectLogLevel, Formatter, Inspectable, Logger, References } from "effect"

export type LogLevel = "debug" | "info" | "warn" | "error"

export interface LogLine {
  /** ISO 8601, UTC. */
  readonly time: string
  readonly level: LogLevel
  /** What happened, fixed per kind of line (`request`, `registry event`, …); details go in fields. */
  readonly message: string
  readonly [field: string]: unknown
}

const LEVELS: Readonly<Record<EffectLogLevel.LogLevel, LogLevel>> = {
  All: "debug",
  Trace: "debug",
  Debug: "debug",
  Info: "info",
  Warn: "warn",
  Error: "error",
  Fatal: "error",
  None: "info"
}

// JSON.stringify escapes C0 controls but writes DEL, C1 controls (U+009B is a CSI to some terminals),
// bidirectional controls and U+2028/U+2029 as they are. They can only stand inside JSON strings, so
// writing them as `\uXXXX` keeps the line the same JSON while `tail -f` shows them instead of acting.
const RAW_CONTROLS = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu
const escapeControl = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`

/** The line as one line of JSON text (cycles, bigints and errors handled as Effect's formatter does). */
export const formatLogLine = (line: LogLine): string =>
  Formatter.formatJson(line).replace(RAW_CONTROLS, escapeControl)

export interface JsonLog {
  /** Writes one line. A failing sink is swallowed: a log line must never fail what it reports on. */
  readonly line: (line: LogLine) => void
  /** Effect's logs as the same lines: annotations become fields, a cause is `cause` (pretty-printed),
   * message parts after the first are `details`. */
  readonly logger: Logger.Logger<unknown, void>
}

export const makeJsonLog = (write: (text: string) => void): JsonLog => {
  const line = (entry: LogLine) => {
    try {
      write(formatLogLine(entry))
    } catch {
      // Nowhere left to report it.
    }
  }
  const logger = Logger.make<unknown, void>(({ cause, date, fiber, logLevel, message }) => {
    const [first, ...rest] = Array.isArray(message) ? message : [message]
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(fiber.getRef(References.CurrentLogAnnotations))) {
      fields[key] = Inspectable.toJson(value)
    }
    line({
      ...fields,
      ...(rest.length === 0 ? {} : { details: rest.map(Inspectable.toJson) }),
      ...(cause.reasons.length === 0 ? {} : { cause: Cause.pretty(cause) }),
      // Last, so an annotation can never pass for the line's own time, level or message.
      time: date.toISOString(),
      level: LEVELS[logLevel],
      message: typeof first === "string" ? first : Inspectable.toStringUnknown(first, 0)
    })
  })
  return { line, logger }
}
