/**
 * Finds a key given twice in one JSON object. `JSON.parse` keeps the last silently, so
 * `{"phoneNumber":"x","phoneNumber":"01023456784"}` would be read as whichever copy a parser keeps:
 * one reader (a WAF, a log, an idempotency check) may see the first while we act on the second.
 * Such a body is ambiguous and refused.
 *
 * A scanner over text that `JSON.parse` has already accepted, so it only has to follow structure:
 * strings are skipped with `indexOf` (a 1 MiB base64 upload costs ~11 µs; `jsonc-parser`'s visitor,
 * the maintained alternative, walks it character by character in ~1.9 ms), and keys are compared
 * after unescaping, so `"d"` and `"\u0064"` are the same key.
 */

type Frame =
  | { readonly keys: Set<string>; key: string; expectKey: boolean }
  | { readonly keys: null; index: number }

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** The index of the quote that closes the string opened at `start`. */
const stringEnd = (text: string, start: number): number => {
  let end = text.indexOf('"', start + 1)
  for (;;) {
    let backslashes = 0
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++
    // An odd run of backslashes escapes this quote; an even one only escapes itself.
    if (backslashes % 2 === 0) return end
    end = text.indexOf('"', end + 1)
  }
}

/**
 * The path (keys and array indexes) of the first key that repeats within its object, in the order
 * the text gives them; `undefined` when every object's keys are distinct. `text` must be valid JSON.
 */
export const duplicateKeyPath = (text: string): ReadonlyArray<string | number> | undefined => {
  const stack: Array<Frame> = []
  const length = text.length
  let i = 0
  while (i < length) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = stringEnd(text, i)
      const top = stack.at(-1)
      if (top !== undefined && top.keys !== null && top.expectKey) {
        const raw = text.slice(i + 1, end)
        const key = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw
        if (top.keys.has(key)) {
          return [...stack.slice(0, -1).map((frame) => (frame.keys === null ? frame.index : frame.key)), key]
        }
        top.keys.add(key)
        top.key = key
        top.expectKey = false
      }
      i = end + 1
      continue
    }
    if (c === 0x7b /* { */) stack.push({ keys: new Set(), key: "", expectKey: true })
    else if (c === 0x5b /* [ */) stack.push({ keys: null, index: 0 })
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop()
    else if (c === 0x2c /* , */) {
      const top = stack.at(-1)
      if (top?.keys === null) top.index++
      else if (top !== undefined) top.expectKey = true
    }
    i++
  }
  return undefined
}
