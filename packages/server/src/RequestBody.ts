/**
 * Turns a request body (or a JSON header) into a schema's value or a precise refusal: malformed JSON
 * is `InvalidJSON`, a missing field `MissingRequiredParameter`, a wrong type, a bad value, a control
 * character in text, a key given twice, an unknown or a forbidden field `InvalidParameter` naming the
 * field. Decoding is strict: unknown fields fail.
 */
import { Requests, SafeText } from "@senderid/contract"
import { Effect, Result, Schema, type SchemaIssue } from "effect"
import { duplicateKeyPath } from "./DuplicateKeys.ts"
import { type RequestRejected, reject } from "./RequestError.ts"

const fieldName = (path: ReadonlyArray<PropertyKey>, prefix: string | undefined): string => {
  let name = prefix ?? ""
  for (const key of path) {
    if (typeof key === "number") name += `[${key}]`
    else name += name === "" ? String(key) : `.${String(key)}`
  }
  return name === "" ? "body" : name
}

/** The first problem in an issue tree, as the error table's terms. */
const describe = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey>,
  prefix: string | undefined
): RequestRejected => {
  switch (issue._tag) {
    case "Pointer":
      return describe(issue.issue, [...path, ...issue.path], prefix)
    case "Encoding":
      return describe(issue.issue, path, prefix)
    case "Filter": {
      if (SafeText.isSafeTextCheck(issue.filter.annotations)) {
        const character =
          issue.issue._tag === "InvalidValue"
            ? issue.issue.annotations?.[SafeText.REFUSED_CHARACTER]
            : undefined
        return reject("InvalidParameter", {
          field: fieldName(path, prefix),
          problem: "controlCharacter",
          ...(typeof character === "string" ? { character } : {})
        })
      }
      return reject("InvalidParameter", { field: fieldName(path, prefix), problem: "value" })
    }
    case "Composite":
      return describe(issue.issues[0], path, prefix)
    case "MissingKey":
      return reject("MissingRequiredParameter", { field: fieldName(path, prefix) })
    case "UnexpectedKey": {
      const last = path.at(-1)
      const forbidden = typeof last === "string" && Requests.FORBIDDEN_FIELDS.includes(last)
      return reject("InvalidParameter", {
        field: fieldName(path, prefix),
        problem: forbidden ? "forbidden" : "unknown"
      })
    }
    case "InvalidType":
    case "AnyOf":
      return reject("InvalidParameter", { field: fieldName(path, prefix), problem: "type" })
    default:
      return reject("InvalidParameter", { field: fieldName(path, prefix), problem: "value" })
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
  if (Result.isFailure(parsed)) {
    return Effect.fail(
      prefix === undefined
        ? reject("InvalidJSON")
        : reject("InvalidParameter", { field: prefix, problem: "type" })
    )
  }
  const value = parsed.success
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return Effect.fail(reject("InvalidParameter", { field: prefix ?? "body", problem: "type" }))
  }
  // JSON.parse kept the last of a repeated key; another reader of the same text may keep the first.
  const duplicate = duplicateKeyPath(text)
  if (duplicate !== undefined) {
    return Effect.fail(
      reject("InvalidParameter", { field: fieldName(duplicate, prefix), problem: "duplicate" })
    )
  }
  return decodeValue(schema, value, prefix)
}
