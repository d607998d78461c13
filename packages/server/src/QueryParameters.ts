/**
 * Reading query parameters the same way on every route: a page size within bounds, and the
 * refusal of names a route does not declare in the endpoint table (ignoring a misspelt filter would
 * answer with records the client asked to leave out). Values arrive as strings; each refusal names
 * the parameter, and an unknown one the parameters the route takes.
 */
import { Requests } from "@senderid/contract"
import { Effect } from "effect"
import { reject } from "./RequestError.ts"

/** A positive integer query value within `max`, or a refusal naming the parameter. */
export const pageLimit = (
  values: ReadonlyArray<string> | undefined,
  name: string,
  fallback: number,
  max: number
) => {
  const raw = values?.[0]
  if (raw === undefined) return Effect.succeed(fallback)
  const limit = /^\d{1,7}$/u.test(raw) ? Number(raw) : Number.NaN
  return limit >= 1 && limit <= max
    ? Effect.succeed(limit)
    : Effect.fail(
        reject("InvalidParameter", {
          field: name,
          problem: "value",
          expected: { _tag: "Range", minimum: 1, maximum: max, integer: true }
        })
      )
}

/** Refuses the first query parameter the endpoint does not declare, naming the ones it does: every
 * read goes through it before its handler runs, so no route can ignore a misspelt filter. */
export const onlyDeclared = (
  query: Readonly<Record<string, ReadonlyArray<string>>>,
  declared: ReadonlyArray<Requests.QueryParameter>
): Effect.Effect<void, ReturnType<typeof reject>> => {
  const allowed = Requests.querySpellings(declared)
  const unknown = Object.keys(query).find((name) => !allowed.includes(name))
  return unknown === undefined
    ? Effect.void
    : Effect.fail(
        reject("InvalidParameter", {
          field: unknown,
          problem: "unknown",
          allowed: declared.map((p) => p.name)
        })
      )
}
