/**
 * What a request schema accepts at one field, read from the schema itself (its literals, its range
 * and length checks), so a refusal names what would have been valid — the allowed categories, a
 * limit's range — and cannot drift from what the decoder really checks.
 */
import { Schema, type SchemaAST } from "effect"
import type { Expected } from "./ErrorTable.ts"

interface Bounds {
  minimum?: number | undefined
  maximum?: number | undefined
}

const payloadOf = (check: SchemaAST.Check<unknown>): { readonly id?: unknown; readonly payload?: unknown } =>
  (check.annotations?.representation ?? {}) as { readonly id?: unknown; readonly payload?: unknown }

const numberAt = (payload: unknown, key: string): number | undefined => {
  const value = (payload as Record<string, unknown> | null | undefined)?.[key]
  return typeof value === "number" ? value : undefined
}

/** The bounds the checks put on a number (`integer`: whether `isInt` is among them). */
const rangeOf = (checks: ReadonlyArray<SchemaAST.Check<unknown>>): Bounds & { integer: boolean } => {
  const integer = checks.some((check) => payloadOf(check).id === "effect/schema/isInt")
  // Exclusive bounds are said as inclusive ones for whole numbers, the only ones the API has.
  const step = integer ? 1 : 0
  const range: Bounds & { integer: boolean } = { integer }
  for (const check of checks) {
    const { payload } = payloadOf(check)
    const above = numberAt(payload, "exclusiveMinimum")
    const below = numberAt(payload, "exclusiveMaximum")
    range.minimum = numberAt(payload, "minimum") ?? (above === undefined ? range.minimum : above + step)
    range.maximum = numberAt(payload, "maximum") ?? (below === undefined ? range.maximum : below - step)
  }
  return range
}

const lengthOf = (checks: ReadonlyArray<SchemaAST.Check<unknown>>): Bounds => {
  const length: Bounds = {}
  for (const check of checks) {
    const { id, payload } = payloadOf(check)
    if (id === "effect/schema/isMinLength") length.minimum = numberAt(payload, "minLength")
    if (id === "effect/schema/isMaxLength") length.maximum = numberAt(payload, "maxLength")
  }
  return length
}

const hasBounds = (bounds: Bounds) => bounds.minimum !== undefined || bounds.maximum !== undefined

const literalsOf = (ast: SchemaAST.AST): ReadonlyArray<string> | undefined => {
  if (ast._tag === "Literal") return [String(ast.literal)]
  if (ast._tag !== "Union") return undefined
  const values = ast.types.map((t) => (t._tag === "Literal" ? String(t.literal) : undefined))
  return values.every((v) => v !== undefined) ? (values as ReadonlyArray<string>) : undefined
}

/**
 * What the value at `ast` must be. `failed` is the check that refused it, when one did: a pattern
 * or a check of its own says nothing a length or a range would, so nothing is claimed then.
 */
export const expectationOf = (
  ast: SchemaAST.AST,
  failed?: SchemaAST.Check<unknown>
): Expected | undefined => {
  const literals = literalsOf(ast)
  if (literals !== undefined) return { _tag: "OneOf", values: literals }
  const failedId = failed === undefined ? undefined : payloadOf(failed).id
  const checks = ast.checks ?? []
  switch (ast._tag) {
    case "Number": {
      const range = rangeOf(checks)
      return hasBounds(range) || range.integer
        ? { _tag: "Range", ...range }
        : { _tag: "Type", type: "number" }
    }
    case "String": {
      if (
        failed !== undefined &&
        failedId !== "effect/schema/isMinLength" &&
        failedId !== "effect/schema/isMaxLength"
      )
        return undefined
      const length = lengthOf(checks)
      return failed !== undefined && hasBounds(length)
        ? { _tag: "Length", unit: "characters", ...length }
        : { _tag: "Type", type: "string" }
    }
    case "Arrays": {
      const length = lengthOf(checks)
      return failed !== undefined && hasBounds(length)
        ? { _tag: "Length", unit: "items", ...length }
        : { _tag: "Type", type: "array" }
    }
    case "Boolean":
      return { _tag: "Type", type: "boolean" }
    case "Objects":
      return { _tag: "Type", type: "object" }
    default:
      return undefined
  }
}

/** The first example a schema documents, as JSON, to show a client the shape it expects. */
export const exampleOf = (schema: Schema.Top): string | undefined => {
  const examples = Schema.resolveAnnotations(schema)?.examples
  return Array.isArray(examples) && examples.length > 0 ? JSON.stringify(examples[0]) : undefined
}
