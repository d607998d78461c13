/**
 * The domain must run in browsers and Workers: its sources may import only `effect` and each
 * other — no `node:*`, no HTTP framework, no database driver, no `process` global.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"

const SRC = join(import.meta.dirname, "..", "src")
const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))
// The testing entry also runs the conformance suite on vitest, which adapters install anyway.
const ALLOWED = /^(?:effect(?:\/[a-z-]+)?|@effect\/vitest|\.{1,2}\/.*)$/u

describe("domain purity", () => {
  it("has sources to check", () => assert.isAbove(files.length, 10))

  for (const file of files) {
    it(`${file} imports only effect and the domain itself`, () => {
      const source = readFileSync(join(SRC, file), "utf8")
      const specifiers = [...source.matchAll(/\bfrom\s+"([^"]+)"/gu)].map((m) => m[1] as string)
      for (const specifier of specifiers) assert.match(specifier, ALLOWED, `${file} imports ${specifier}`)
      assert.notMatch(source, /\bprocess\.|\bBuffer\b|\brequire\(/u, `${file} uses a Node global`)
      if (!file.startsWith("testing"))
        assert.notInclude(source, "@effect/vitest", `${file} imports a test library`)
    })
  }
})
