/**
 * The one keymap table: no two bindings that listen together share a key, every binding says what
 * it does, and key events map to the names the table uses.
 */
import type { Key } from "ink"
import { describe, expect, it } from "vitest"
import { actionFor, bindingsOf, KEYMAP, keyName, SCREEN_SCOPES, type Scope } from "../src/keymap.ts"

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false
}

describe("keymap", () => {
  it("never binds one key twice among the scopes a screen listens to", () => {
    for (const [screen, scopes] of Object.entries(SCREEN_SCOPES)) {
      const keys = bindingsOf([...scopes, "global"] as ReadonlyArray<Scope>).flatMap((b) => b.keys)
      expect(new Set(keys).size, `duplicate key on ${screen}`).toBe(keys.length)
    }
  })

  it("describes every binding and finds it by key", () => {
    for (const binding of KEYMAP) {
      expect(binding.description.length).toBeGreaterThan(3)
      expect(binding.description.length, binding.description).toBeLessThanOrEqual(24)
      for (const key of binding.keys) expect(actionFor([binding.scope], key)).toBe(binding.action)
    }
  })

  it("names key events the way the table writes them", () => {
    expect(keyName("a", noKey)).toBe("a")
    expect(keyName("G", { ...noKey, shift: true })).toBe("G")
    expect(keyName("", { ...noKey, upArrow: true })).toBe("<up>")
    expect(keyName("", { ...noKey, return: true })).toBe("<enter>")
    expect(keyName("", { ...noKey, tab: true, shift: true })).toBe("<S-tab>")
    expect(keyName("u", { ...noKey, ctrl: true })).toBe("<C-u>")
    expect(keyName("x", { ...noKey, meta: true })).toBeUndefined()
    expect(actionFor(["list", "numbers", "global"], "f")).toBe("cycleFilter")
    expect(actionFor(["list", "numbers", "global"], "1")).toBe("gotoDashboard")
  })
})
