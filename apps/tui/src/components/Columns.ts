/**
 * Fixed-width table cells for list rows: padded or cut to the width so columns line up at 80
 * columns, and dates shown the short way operators read them.
 */
export const cell = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width)

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
