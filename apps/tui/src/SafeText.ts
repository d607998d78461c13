/**
 * Text that came from outside the console (the server's answers, a CSV file) is data, and data may
 * hold characters a terminal obeys instead of showing: ESC opening an escape sequence (an OSC 8
 * hyperlink, a cursor move, a window title), the other C0 and C1 controls, DEL, and the bidi
 * controls that reorder a line. The console never writes one: each is replaced by a visible
 * stand-in, so the operator sees that something was there and nothing happens. C0 controls and DEL
 * become their Control Pictures (ESC → ␛, a newline → ␊: one column each, and telling); C1, bidi
 * and line/paragraph separators become U+FFFD.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu

const standIn = (char: string): string => {
  const code = char.charCodeAt(0)
  if (code < 0x20) return String.fromCharCode(0x2400 + code)
  if (code === 0x7f) return "\u2421"
  return "\uFFFD"
}

/** `text` with every control character replaced by a visible stand-in: safe to write to a terminal. */
export const safeText = (text: string): string => text.replace(UNSAFE, standIn)
