/**
 * Table cells for list rows, measured in terminal columns (Hangul and other wide characters take
 * two): cut with `…` or padded to the width, always leaving one blank column before the next cell
 * so values never run together; and dates shown the short way operators read them (UTC).
 */
import stringWidth from "string-width"
import { safeText } from "../SafeText.ts"

/** `text` in exactly `width` columns, the last of them blank. Cells hold data, so control
 * characters are made visible first (`safeText`): measured as they will be drawn. */
export const cell = (text: string, width: number): string => {
  const room = Math.max(0, width - 1)
  const safe = safeText(text)
  let shown = safe
  if (stringWidth(safe) > room) {
    shown = ""
    for (const char of safe) {
      if (stringWidth(`${shown}${char}`) > room - 1) break
      shown += char
    }
    shown += "…"
  }
  return shown + " ".repeat(Math.max(0, width - stringWidth(shown)))
}

/** `2026-11-29 14:05` (UTC) from an ISO date, or `—`. */
export const shortDate = (iso: string | null | undefined): string =>
  iso === null || iso === undefined ? "—" : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`

/** `3d`, `5h`, `12m` since (or until, when negative) an ISO date. */
export const age = (iso: string, now: number): string => {
  const minutes = Math.round(Math.abs(now - Date.parse(iso)) / 60_000)
  if (minutes < 60) return `${minutes}m`
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)}h`
  return `${Math.round(minutes / 1440)}d`
}
