/**
 * Text a client sends that people will later read — in the operators' console, in logs, in answers —
 * must be shown as it is, not acted on. Refused, never stripped (a silently altered name or reason
 * is worse than a clear refusal):
 * - C0 controls U+0000–U+001F and DEL: ESC starts every terminal escape sequence (colours, cursor
 *   moves, OSC 8 hyperlinks, window titles), CR rewrites the start of a line, BS erases;
 * - C1 controls U+0080–U+009F: U+009B is a one-character CSI and U+009D an OSC on terminals that
 *   honour 8-bit controls;
 * - bidirectional controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C: they reorder what
 *   is displayed (`\u202Efdp.exe` reads as `exe.pdf`), so a review queue would show something else
 *   than what was stored; and U+2028/U+2029, line breaks that most tools do not expect.
 * Multi-line text (reasons) may hold LF, the one line break every renderer treats alike; TAB and CR
 * are refused there too (CR overwrites, TAB breaks the console's column widths).
 */
import { Schema, SchemaIssue } from "effect"

/** On the failed filter's annotations, so the server can tell this refusal from any other. */
export const SAFE_TEXT = "senderid/SafeText"
/** On the issue: the first refused character, as `U+XXXX`. */
export const REFUSED_CHARACTER = "senderid/SafeText/character"

const CONTROLS =
  "\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069"
const SINGLE_LINE = new RegExp(`[${CONTROLS}\\u000a]`, "u")
const MULTI_LINE = new RegExp(`[${CONTROLS}]`, "u")

const codePoint = (character: string): string =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`

/** The first character `text` may not hold, as `U+XXXX`; `undefined` when it is safe to show. */
export const refusedCharacter = (text: string, options?: { readonly lineBreaks?: boolean }) => {
  const found = (options?.lineBreaks === true ? MULTI_LINE : SINGLE_LINE).exec(text)
  return found === null ? undefined : codePoint(found[0])
}

const safeText = (lineBreaks: boolean) =>
  Schema.makeFilter<string>(
    (text) => {
      const character = refusedCharacter(text, { lineBreaks })
      return character === undefined
        ? undefined
        : new SchemaIssue.InvalidValue({ message: `contains ${character}`, [REFUSED_CHARACTER]: character })
    },
    {
      expected: lineBreaks
        ? "text without control characters other than LF, and without bidirectional controls"
        : "text without control characters or bidirectional controls",
      [SAFE_TEXT]: true,
      // OpenAPI readers get the same rule as a pattern.
      toJsonSchema: () => ({ pattern: `^[^${CONTROLS}${lineBreaks ? "" : "\\u000a"}]*$` })
    }
  )

const SINGLE_LINE_CHECK = safeText(false)
const MULTI_LINE_CHECK = safeText(true)

export interface TextOptions {
  readonly minLength?: number
  readonly maxLength: number
  /** LF allowed (a reason written over several lines); single-line otherwise. */
  readonly lineBreaks?: boolean
}

/** A bounded string that is safe to show; every free-text field of a request is one. */
export const SafeText = (options: TextOptions) => {
  const safe = options.lineBreaks === true ? MULTI_LINE_CHECK : SINGLE_LINE_CHECK
  const max = Schema.isMaxLength(options.maxLength)
  // The cheap length checks first: a megabyte of text is refused before it is scanned.
  return options.minLength === undefined
    ? Schema.String.check(max, safe)
    : Schema.String.check(Schema.isMinLength(options.minLength), max, safe)
}

/** Whether a schema filter is this module's check (the server words its refusal differently). */
export const isSafeTextCheck = (annotations: Schema.Annotations.Annotations | undefined): boolean =>
  annotations?.[SAFE_TEXT] === true
