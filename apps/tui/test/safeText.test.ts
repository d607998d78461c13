/**
 * `safeText`, the one function every string the console draws goes through: each control a
 * terminal would obey becomes a visible stand-in, everything else (Hangul, emoji) is left alone,
 * and cells measure the text as it will be drawn.
 */
import stringWidth from "string-width"
import { describe, expect, it } from "vitest"
import { cell } from "../src/components/Columns.ts"
import { safeText } from "../src/SafeText.ts"

describe("safeText", () => {
  it("shows C0 controls and DEL as their Control Pictures", () => {
    expect(safeText("a\u001B[2Jb")).toBe("a␛[2Jb")
    expect(safeText("line\nnext\r\t\u0007\u0000\u007F")).toBe("line␊next␍␉␇␀␡")
  })

  it("replaces C1 controls, bidi controls and line separators with U+FFFD", () => {
    expect(safeText("\u009B31m\u0085")).toBe("\uFFFD31m\uFFFD")
    expect(safeText("abc\u202Egnp.exe\u2066x\u2069\u200E\u200F\u061C\u2028\u2029")).toBe(
      "abc\uFFFDgnp.exe\uFFFDx\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"
    )
  })

  it("leaves ordinary text alone, Hangul and emoji included", () => {
    for (const text of ["사업자등록증.pdf", "ACME · 0212345678", "👩‍💻 café", ""])
      expect(safeText(text)).toBe(text)
  })

  it("leaves no ESC in an OSC 8 hyperlink", () => {
    const link = "\u001B]8;;https://evil.example/\u001B\\click\u001B]8;;\u001B\\"
    expect(safeText(link)).not.toContain("\u001B")
    expect(safeText(link)).toBe("␛]8;;https://evil.example/␛\\click␛]8;;␛\\")
  })
})

describe("cell", () => {
  it("measures data as drawn: control characters take their stand-in's column", () => {
    const shown = cell("a\u001B]8;;x\u001B\\b", 12)
    expect(shown).toBe("a␛]8;;x␛\\b  ")
    expect(stringWidth(shown)).toBe(12)
    expect(stringWidth(cell("\u001B".repeat(20), 8))).toBe(8)
  })
})
