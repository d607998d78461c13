/**
 * Turns a request body (or a JSON header) into a schema's value or a precise refusal: malformed JSON
 * is `InvalidJSON`, a missing field `MissingRequiredParameter`, a wrong type, a bad value, a control
 * character in text, a key given twice, an unknown or a forbidden field `InvalidParameter` naming the
 * field. Decoding is strict: unknown fields fail.
 */
import { Requests, SafeText } from "@senderid/contract"
import { Effect, Result, Schema, type SchemaAST, type SchemaIssue } from "effect"
import { duplicateKeyPath } from "./DuplicateKeys.ts"
import type { Expected } from "./ErrorTable.ts"
import { type RequestRejected, reject } from "./RequestError.ts"
import { exampleOf, expectationOf } from "./SchemaExpectation.ts"

const fieldName = (path: ReadonlyArray<PropertyKey>, prefix: string | undefined): string => {
  let name = prefix ?? ""
  for (const key of path) {
    if (typeof key === "number") name += `[${key}]`
    else name += name === "" ? String(key) : `.${String(key)}`
  }
  return name === "" ? "body" : name
}

/** The first problem in an issue tree, as the error table's terms; `ast` is the schema of the value
 * the issue is about (the innermost composite's), for saying what that value must be. */
const describe = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey>,
  prefix: string | undefined,
  ast?: SchemaAST.AST
): RequestRejected => {
  const field = fieldName(path, prefix)
  const saying = (expected: Expected | undefined) => (expected === undefined ? {} : { expected })
  switch (issue._tag) {
    case "Pointer":
      return describe(issue.issue, [...path, ...issue.path], prefix)
    case "Encoding":
      return describe(issue.issue, path, prefix, ast)
    case "Composite":
      return describe(issue.issues[0], path, prefix, issue.ast)
    case "Filter": {
      if (SafeText.isSafeTextCheck(issue.filter.annotations)) {
        const character =
          issue.issue._tag === "InvalidValue"
            ? issue.issue.annotations?.[SafeText.REFUSED_CHARACTER]
            : undefined
        return reject("InvalidParameter", {
          field,
          problem: "controlCharacter",
          ...(typeof character === "string" ? { character } : {})
        })
      }
      const expected = ast === undefined ? undefined : expectationOf(ast, issue.filter)
      return reject("InvalidParameter", { field, problem: "value", ...saying(expected) })
    }
    case "MissingKey":
      return reject("MissingRequiredParameter", { field })
    case "UnexpectedKey": {
      const last = path.at(-1)
      const forbidden = typeof last === "string" && Requests.FORBIDDEN_FIELDS.includes(last)
      return reject("InvalidParameter", { field, problem: forbidden ? "forbidden" : "unknown" })
    }
    case "InvalidType":
    case "AnyOf": {
      const expected = expectationOf(issue.ast)
      // A value outside a closed list is a wrong value, whatever its type; the list says what fits.
      const problem = expected?._tag === "OneOf" ? "value" : "type"
      return reject("InvalidParameter", { field, problem, ...saying(expected) })
    }
    default:
      return reject("InvalidParameter", { field, problem: "value" })
  }
}

/** Decodes an already parsed value; `prefix` names where it came from (a header) in error messages. */
export const decodeValue = <S extends Schema.Decoder<unknown>>(
  schema: S,
  value: unknown,
  prefix?: string
) => {
  const decoded = Schema.decodeUnknownResult(schema)(value, { onExcessProperty: "error", errors: "first" })
  return Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success as S["Type"])
    : Effect.fail(describe(decoded.failure.issue, [], prefix))
}

/** Parses JSON text and decodes it. An empty body is read as `{}`, so its fields are reported missing;
 * a key given twice in one object is refused as ambiguous, wherever it is. */
export const decodeJson = <S extends Schema.Decoder<unknown>>(schema: S, text: string, prefix?: string) => {
  const parsed = text.trim() === "" ? Result.succeed({}) : Result.try((): unknown => JSON.parse(text))
  // A header (`x-mfa-data`) that is not a JSON object: say so, with the shape its schema documents.
  const notAnObject = () => {
    const example = exampleOf(schema)
    return prefix === undefined
      ? reject("InvalidParameter", {
          field: "body",
          problem: "type",
          expected: { _tag: "Type", type: "object" }
        })
      : reject("InvalidParameter", {
          field: prefix,
          problem: "type",
          expected: { _tag: "Json", ...(example === undefined ? {} : { example }) }
        })
  }
  if (Result.isFailure(parsed))
    return Effect.fail(prefix === undefined ? reject("InvalidJSON") : notAnObject())
  const value = parsed.success
  if (typeof value !== "object" || value === null || Array.isArray(value)) return Effect.fail(notAnObject())
  // JSON.parse kept the last of a repeated key; another reader of the same text may keep the first.
  const duplicate = duplicateKeyPath(text)
  if (duplicate !== undefined) {
    return Effect.fail(
      reject("InvalidParameter", { field: fieldName(duplicate, prefix), problem: "duplicate" })
    )
  }
  return decodeValue(schema, value, prefix)
}
