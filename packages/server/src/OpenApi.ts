/**
 * The OpenAPI 3.1 document of the API, generated from the contract's endpoint table and the same
 * schemas the server decodes requests with, and the error table's statuses: what is documented is
 * what is served. Built once per app.
 */
import { Endpoints, Wire } from "@senderid/contract"
import { DocumentFile } from "@senderid/domain"
import { Schema } from "effect"
import { statusByCode } from "./ErrorTable.ts"

/** Codes every authenticated route may answer with, documented once per route. */
const AUTH_CODES = [
  "Unauthorized",
  "InvalidAuthorization",
  "InvalidAPIKey",
  "SignatureDoesNotMatch",
  "RequestTimeTooSkewed",
  "DuplicatedSignature",
  "Forbidden",
  "TooManyRequests"
]
/** Codes for a request the server reads a JSON body from. */
const BODY_CODES = ["MissingRequiredParameter", "InvalidParameter", "InvalidJSON", "PayloadTooLarge"]
/** Query values are checked by the route (`limit=abc`, an unknown filter). */
const QUERY_CODES = ["InvalidParameter"]
/** Headers a route reads (`x-mfa-data`, `Idempotency-Key`) can be missing or malformed. */
const HEADER_CODES = ["MissingRequiredParameter", "InvalidParameter"]
const ALWAYS = ["ServiceUnavailable", "InternalError"]

export interface OpenApiDocument {
  readonly openapi: "3.1.0"
  readonly info: { readonly title: string; readonly version: string; readonly description: string }
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>
  readonly components: {
    readonly schemas: Readonly<Record<string, unknown>>
    readonly securitySchemes: Readonly<Record<string, unknown>>
  }
}

export interface Operation {
  readonly operationId: string
  readonly summary: string
  readonly tags: ReadonlyArray<string>
  readonly security: ReadonlyArray<Readonly<Record<string, ReadonlyArray<string>>>>
  readonly "x-scope"?: string
  /** The scope a service key needs on the endpoint, which takes the account asked about per request. */
  readonly "x-service-scope"?: string
  readonly parameters: ReadonlyArray<unknown>
  readonly requestBody?: unknown
  readonly responses: Readonly<Record<string, unknown>>
}

/** `/numbers/:phoneNumber` → `/numbers/{phoneNumber}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z]+)/gu, "{$1}")

const PATH_PARAMETER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  phoneNumber: "The sender number, digits only (as registered).",
  documentId: "A document's `documentId`."
}

const isNonFiniteNumberUnion = (value: Record<string, unknown>): boolean => {
  const anyOf = value.anyOf
  if (!Array.isArray(anyOf) || anyOf.length !== 2 || Object.keys(value).length !== 1) return false
  const [number, strings] = anyOf as Array<Record<string, unknown>>
  return (
    JSON.stringify(number) === '{"type":"number"}' &&
    JSON.stringify(strings) === '{"type":"string","enum":["Infinity","-Infinity","NaN"]}'
  )
}

/**
 * From Effect's JSON Schema to the document's: `$defs` references point into `components.schemas`,
 * and `Schema.Number`'s canonical JSON form (a number, or the strings `"Infinity"`, `"-Infinity"`,
 * `"NaN"`) becomes a plain number, because responses are written with `JSON.stringify`, which never
 * writes those strings (the wire's numbers are counts, limits and sizes, always finite).
 */
const rewrite = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(rewrite)
  if (value === null || typeof value !== "object") return value
  const record = value as Record<string, unknown>
  if (isNonFiniteNumberUnion(record)) return { type: "number" }
  return Object.fromEntries(
    Object.entries(record).map(([key, field]) => [
      key,
      key === "$ref" && typeof field === "string"
        ? field.replace(/^#\/\$defs\//u, "#/components/schemas/")
        : rewrite(field)
    ])
  )
}

const retryAfter = {
  "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } }
}

export const openApiDocument = (): OpenApiDocument => {
  const schemas: Record<string, unknown> = {}
  const toSchema = (schema: Schema.Top): unknown => {
    const document = Schema.toJsonSchemaDocument(schema, { onExcessProperty: "error" })
    for (const [name, definition] of Object.entries(document.definitions)) schemas[name] = rewrite(definition)
    return rewrite(document.schema)
  }
  const errorSchema = toSchema(Wire.ErrorBody)
  // ARS step one answers 403 MFARequired with the call's transaction beside the usual two fields.
  const mfaRequiredSchema = toSchema(Wire.MfaRequired)
  const fileResponse = {
    description: "The file's bytes, served with the content type its contents showed at upload.",
    content: Object.fromEntries(
      DocumentFile.FileType.literals.map((type) => [
        DocumentFile.mimeType(type),
        { schema: { type: "string", format: "binary" } }
      ])
    )
  }

  const paths: Record<string, Record<string, Operation>> = {}
  for (const [name, endpoint] of Object.entries(Endpoints.endpoints) as Array<[string, Endpoints.Endpoint]>) {
    const pathParameters = [...endpoint.path.matchAll(/:([A-Za-z]+)/gu)].map(([, param = ""]) => ({
      name: param,
      in: "path",
      required: true,
      ...(PATH_PARAMETER_DESCRIPTIONS[param] === undefined
        ? {}
        : { description: PATH_PARAMETER_DESCRIPTIONS[param] }),
      schema: { type: "string" }
    }))
    const parameters = [
      ...pathParameters,
      ...(endpoint.query ?? []).map((q) => ({
        name: q.name,
        in: "query",
        required: false,
        description: q.description,
        schema: { type: "string" }
      })),
      ...(endpoint.headers ?? []).map((h) => ({
        name: h.name,
        in: "header",
        required: h.required ?? false,
        description: h.description,
        schema: { type: "string" }
      }))
    ]
    const codes = [
      ...endpoint.errors,
      ...(endpoint.scope === null ? [] : AUTH_CODES),
      // A suspended account's keys are refused on every customer route.
      ...(endpoint.scope?.startsWith("senderid:") ? ["AccountSuspended"] : []),
      ...(endpoint.body === undefined ? [] : BODY_CODES),
      ...(endpoint.query === undefined ? [] : QUERY_CODES),
      ...(endpoint.headers === undefined ? [] : HEADER_CODES),
      ...ALWAYS
    ]
    const byStatus = new Map<number, Array<string>>()
    for (const code of new Set(codes)) {
      const status = statusByCode.get(code)
      if (status === undefined)
        throw new Error(`endpoint ${name} documents ${code}, which the error table does not have`)
      byStatus.set(status, [...(byStatus.get(status) ?? []), code])
    }
    const success =
      endpoint.success === Wire.DocumentFile
        ? fileResponse
        : { description: "Success", content: { "application/json": { schema: toSchema(endpoint.success) } } }
    const responses: Record<string, unknown> = { "200": success }
    for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
      const schema = statusCodes.includes("MFARequired")
        ? { oneOf: [mfaRequiredSchema, errorSchema] }
        : // The health check answers 503 with its own body when storage is unreachable.
          status === 503 && endpoint.success === Wire.Health
          ? { oneOf: [toSchema(Wire.Health), errorSchema] }
          : errorSchema
      responses[String(status)] = {
        description: `errorCode: ${statusCodes.join(", ")}`,
        ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
        content: { "application/json": { schema } }
      }
    }
    const operation: Operation = {
      operationId: name,
      summary: endpoint.summary,
      tags: [endpoint.solapi ? "SOLAPI senderid v1" : "Additions"],
      security: endpoint.scope === null ? [] : [{ solapiHmac: [] }],
      ...(endpoint.scope === null ? {} : { "x-scope": endpoint.scope }),
      ...(endpoint.serviceScope === undefined ? {} : { "x-service-scope": endpoint.serviceScope }),
      parameters,
      ...(endpoint.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { "application/json": { schema: toSchema(endpoint.body) } }
            }
          }),
      responses
    }
    const path = openApiPath(endpoint.path)
    paths[path] = { ...paths[path], [endpoint.method.toLowerCase()]: operation }
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "senderid",
      version: "1",
      description:
        "A Korean sender-number (발신번호) registry, wire-compatible with SOLAPI's senderid v1. Errors are `{ errorCode, errorMessage }`, Korean by default, English with `Accept-Language: en`."
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        solapiHmac: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          description:
            "`HMAC-SHA256 apiKey=<key>, date=<ISO 8601>, salt=<12–64 chars>, signature=hex(HMAC-SHA256(secret, date + salt))`; `HMAC-MD5` is also accepted. The date must be within 15 minutes of the server's clock and each signature is accepted once."
        }
      }
    }
  }
}
