import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { duplicateKeyPath } from "../src/DuplicateKeys.ts"

/** A JSON document as written, where an object may repeat a key (what `JSON.parse` would hide). */
type Node =
  | { readonly kind: "object"; readonly entries: ReadonlyArray<readonly [string, Node]> }
  | { readonly kind: "array"; readonly items: ReadonlyArray<Node> }
  | { readonly kind: "value"; readonly value: string | number | boolean | null }

/** Characters that look like structure, escapes and non-ASCII, so strings exercise the scanner. */
const tricky = fc.string({
  unit: fc.constantFrom("a", "d", "{", "}", "[", "]", ",", ":", '"', "\\", "é", "\n", "한", "😀")
})
const key = fc.oneof(fc.constantFrom("a", "b", "d", "phoneNumber", "", '"', "\\", "é"), tricky)

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .oneof(tricky, fc.integer(), fc.boolean(), fc.constant(null))
      .map((value): Node => ({ kind: "value", value })),
    fc
      .array(fc.tuple(key, tie("node")), { maxLength: 5 })
      .map((entries): Node => ({ kind: "object", entries })),
    fc.array(tie("node"), { maxLength: 5 }).map((items): Node => ({ kind: "array", items }))
  )
}))

/** Every UTF-16 unit as `\uXXXX`: the same key, spelt so that only unescaping can tell. */
const escapedKey = (k: string) =>
  `"${Array.from({ length: k.length }, (_, i) => `\\u${k.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")}"`

const serialize = (n: Node, space: string, escapeKeys: boolean): string => {
  switch (n.kind) {
    case "value":
      return JSON.stringify(n.value)
    case "array":
      return `[${space}${n.items.map((item) => serialize(item, space, escapeKeys)).join(`${space},${space}`)}${space}]`
    case "object":
      return `{${space}${n.entries
        .map(([k, v], i) => {
          const spelt = escapeKeys && i % 2 === 1 ? escapedKey(k) : JSON.stringify(k)
          return `${spelt}${space}:${space}${serialize(v, space, escapeKeys)}`
        })
        .join(`${space},${space}`)}${space}}`
  }
}

/** The answer by construction: the first key seen twice within one object, in text order. */
const expected = (
  n: Node,
  path: ReadonlyArray<string | number>
): ReadonlyArray<string | number> | undefined => {
  if (n.kind === "array") {
    for (const [i, item] of n.items.entries()) {
      const found = expected(item, [...path, i])
      if (found !== undefined) return found
    }
  }
  if (n.kind === "object") {
    const seen = new Set<string>()
    for (const [k, v] of n.entries) {
      if (seen.has(k)) return [...path, k]
      seen.add(k)
      const found = expected(v, [...path, k])
      if (found !== undefined) return found
    }
  }
  return undefined
}

describe("duplicateKeyPath", () => {
  it("finds the phone number given twice (issue #12's example)", () => {
    assert.deepStrictEqual(duplicateKeyPath('{"phoneNumber":"x","phoneNumber":"01023456784"}'), [
      "phoneNumber"
    ])
  })

  it("finds a repeat at any depth, inside arrays, and spelt with escapes", () => {
    assert.deepStrictEqual(
      duplicateKeyPath('{"numbers":[{"phoneNumber":"1"},{"phoneNumber":"2","documents":[],"documents":[]}]}'),
      ["numbers", 1, "documents"]
    )
    assert.deepStrictEqual(duplicateKeyPath('{"a":{"d":1,"\\u0064":2}}'), ["a", "d"])
    assert.deepStrictEqual(duplicateKeyPath('[{"k":1},{"k":2},{"x":1,"x":2}]'), [2, "x"])
  })

  it("is not fooled by keys in other objects, by strings that look like keys, or by escaped quotes", () => {
    for (const text of [
      '{"a":1,"b":{"a":2}}',
      '[{"a":1},{"a":1}]',
      '{"a":"\\",\\"a\\":1","b":"a"}',
      '{"a\\\\":1,"a":2}',
      '{"a":"}{[,","b":"\\\\"}',
      '{"file":"data:application/pdf;base64,JVBERi0=","name":"a\\"b.pdf"}',
      "{}",
      '"just a string"',
      '{"":1,"\\"":2}'
    ]) {
      assert.isUndefined(duplicateKeyPath(text), text)
    }
    assert.deepStrictEqual(duplicateKeyPath('{"":1,"":2}'), [""])
  })

  it("agrees with the document it was written from, for any document and any spelling", () => {
    fc.assert(
      fc.property(node, fc.constantFrom("", " ", "\n\t "), fc.boolean(), (n, space, escapeKeys) => {
        const text = serialize(n, space, escapeKeys)
        JSON.parse(text) // the scanner's precondition: text JSON.parse accepts
        assert.deepStrictEqual(duplicateKeyPath(text), expected(n, []), text)
      }),
      { numRuns: 2000 }
    )
  })
})
