/**
 * The served OpenAPI document against what the app really does: the routes Hono has registered,
 * the error table, the request schemas the server decodes with and a real response. A route added
 * without its endpoint-table row (or the reverse) fails here.
 */
import SwaggerParser from "@apidevtools/swagger-parser"
import { OperatorWire, Wire } from "@senderid/contract"
import { Schema } from "effect"
import { assert, beforeAll, describe, it } from "vitest"
import { statusByCode } from "../src/ErrorTable.ts"
import { type OpenApiDocument, type Operation, openApiDocument } from "../src/OpenApi.ts"
import { makeHarness } from "./support/harness.ts"

const { app, customer, issueKey, request } = makeHarness()

/** The app's own routes, not the document's: these two serve the documentation itself. */
const DOCUMENTATION_ROUTES = new Set(["GET /openapi.json", "GET /docs"])
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

interface MediaType {
  readonly schema?: unknown
}
interface Response {
  readonly description: string
  readonly content?: Readonly<Record<string, MediaType>>
}
interface Parameter {
  readonly name: string
  readonly in: string
  readonly required?: boolean
}

let document: OpenApiDocument

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation }))
  )

const responsesOf = (operation: Operation) => operation.responses as Readonly<Record<string, Response>>

/** The JSON schema a response documents; asserting it has one. */
const jsonSchemaOf = (response: Response | undefined, what: string): Record<string, unknown> => {
  const schema = response?.content?.["application/json"]?.schema
  assert.isDefined(schema, what)
  return schema as Record<string, unknown>
}

const schemaNamed = (name: string) => {
  const schema = document.components.schemas[name]
  assert.isDefined(schema, `components.schemas.${name}`)
  return schema as Record<string, unknown>
}

/** The schema a `$ref` (or an inline schema) stands for. */
const resolve = (schema: unknown): Record<string, unknown> => {
  const ref = (schema as { $ref?: string }).$ref
  return ref === undefined ? (schema as Record<string, unknown>) : schemaNamed(ref.split("/").at(-1) ?? "")
}

/** Every `$ref` anywhere in `value`, with where it was found. */
const refsIn = (value: unknown, at: string): Array<{ ref: string; at: string }> => {
  if (Array.isArray(value)) return value.flatMap((item, i) => refsIn(item, `${at}/${i}`))
  if (value === null || typeof value !== "object") return []
  return Object.entries(value).flatMap(([key, field]) =>
    key === "$ref" && typeof field === "string" ? [{ ref: field, at }] : refsIn(field, `${at}/${key}`)
  )
}

beforeAll(async () => {
  const response = await app.request("/openapi.json")
  assert.strictEqual(response.status, 200)
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/u)
  document = (await response.json()) as OpenApiDocument
})

describe("GET /openapi.json", () => {
  it("serves the document openApiDocument() builds, unchanged by JSON", () => {
    assert.deepStrictEqual(document, JSON.parse(JSON.stringify(openApiDocument())))
    assert.strictEqual(document.openapi, "3.1.0")
  })

  it("documents exactly the (method, path) pairs the Hono app has routes for", () => {
    const served = new Set(
      app.routes
        .filter((route) => route.method !== "ALL")
        .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z]+)/gu, "{$1}")}`)
        .filter((key) => !DOCUMENTATION_ROUTES.has(key))
    )
    const documented = new Set(operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`))
    assert.isAbove(served.size, 10)
    assert.sameMembers([...documented], [...served])
  })

  it("gives every operation a unique operationId, known methods and its path parameters", () => {
    const ids = operations().map(({ operation }) => operation.operationId)
    assert.strictEqual(new Set(ids).size, ids.length, "operationIds are unique")
    for (const { method, path, operation } of operations()) {
      assert.include(METHODS, method, path)
      const inPath = [...path.matchAll(/\{([A-Za-z]+)\}/gu)].map(([, name]) => name)
      const documented = (operation.parameters as ReadonlyArray<Parameter>).filter((p) => p.in === "path")
      assert.sameMembers(
        documented.map((p) => p.name),
        inPath,
        `${method} ${path}`
      )
      for (const p of documented) assert.isTrue(p.required, `${method} ${path} ${p.name} is required`)
    }
  })

  it("documents only errorCodes the error table has, each under its table status", () => {
    let documentedCodes = 0
    for (const { method, path, operation } of operations()) {
      for (const [status, response] of Object.entries(responsesOf(operation))) {
        if (status === "200") continue
        const codes = /^errorCode: (.+)$/u.exec(response.description)?.[1]?.split(", ")
        assert.isDefined(codes, `${method} ${path} ${status} names its errorCodes`)
        for (const code of codes ?? []) {
          documentedCodes++
          assert.strictEqual(statusByCode.get(code), Number(status), `${method} ${path}: ${code}`)
        }
      }
    }
    assert.isAbove(documentedCodes, 50)
  })

  it("answers every operation with a 200 that has a schema, and every error with one too", () => {
    for (const { method, path, operation } of operations()) {
      const responses = responsesOf(operation)
      const ok = responses["200"]
      assert.isDefined(ok, `${method} ${path} has a 200`)
      const media = Object.values(ok?.content ?? {})
      assert.isNotEmpty(media, `${method} ${path} 200 has content`)
      for (const m of media) assert.isDefined(m.schema, `${method} ${path} 200 has a schema`)
      for (const [status, response] of Object.entries(responses)) {
        if (status === "200") continue
        assert.isDefined(response.content?.["application/json"]?.schema, `${method} ${path} ${status}`)
      }
    }
  })

  it("resolves every $ref inside components.schemas", () => {
    const refs = refsIn(document, "#")
    assert.isAbove(refs.length, 20)
    for (const { ref, at } of refs) {
      assert.match(ref, /^#\/components\/schemas\/[A-Za-z]+$/u, at)
      assert.property(document.components.schemas, ref.split("/").at(-1) ?? "", `${ref} at ${at}`)
    }
  })

  it("describes POST /senderid/v1/numbers' body as closed, with phoneNumber required", () => {
    const body = document.paths["/senderid/v1/numbers"]?.post?.requestBody as {
      required: boolean
      content: Record<string, MediaType>
    }
    assert.isTrue(body.required)
    const schema = resolve(body.content["application/json"]?.schema)
    assert.strictEqual(schema.type, "object")
    assert.strictEqual(schema.additionalProperties, false)
    assert.include(schema.required as ReadonlyArray<string>, "phoneNumber")
    assert.property(schema.properties, "phoneNumber")
  })

  it("closes every request body object the server decodes", () => {
    for (const { method, path, operation } of operations()) {
      const body = operation.requestBody as { content: Record<string, MediaType> } | undefined
      if (body === undefined) continue
      const schema = resolve(body.content["application/json"]?.schema)
      assert.strictEqual(schema.additionalProperties, false, `${method} ${path}`)
    }
  })

  it("writes numbers as plain JSON numbers, never as Effect's non-finite strings", () => {
    assert.notInclude(JSON.stringify(document), "Infinity")
    const limit = (schemaNamed("AccountBook").properties as Record<string, unknown>).limit
    assert.deepStrictEqual(limit, { type: "number" })
  })

  it("is a valid OpenAPI 3.1 document (swagger-parser, offline)", async () => {
    // validate() dereferences in place: give it a copy.
    const api = await SwaggerParser.validate(structuredClone(document) as never)
    assert.strictEqual((api as { openapi?: string }).openapi, "3.1.0")
  })

  it("is rejected by the same validator when broken, so the check above can fail", async () => {
    const broken = structuredClone(document) as unknown as {
      paths: Record<string, Record<string, { responses: unknown }>>
    }
    const health = broken.paths["/health"]?.get
    assert.isDefined(health)
    if (health !== undefined) health.responses = "none"
    let error: unknown
    await SwaggerParser.validate(broken as never).catch((e: unknown) => {
      error = e
    })
    assert.instanceOf(error, Error)
  })
})

describe("the document against real responses", () => {
  it("POST /senderid/v1/numbers' 200 is the documented AccountBook, with no field more", async () => {
    const ok = document.paths["/senderid/v1/numbers"]?.post?.responses["200"] as Response | undefined
    assert.strictEqual(jsonSchemaOf(ok, "POST /numbers 200").$ref, "#/components/schemas/AccountBook")
    const who = await customer()
    const response = await request(who, "POST", "/senderid/v1/numbers", { phoneNumber: "010-2345-6789" })
    assert.strictEqual(response.status, 200)
    const body = (await response.json()) as Record<string, unknown>
    const book = Schema.decodeUnknownSync(Wire.AccountBook)(body, { onExcessProperty: "error" })
    assert.strictEqual(book.senderIds[0]?.phoneNumber, "01023456789")

    // And against the document itself: its required fields are there, nothing it lacks is.
    const schema = schemaNamed("AccountBook")
    assert.includeMembers(Object.keys(body), schema.required as Array<string>)
    assert.includeMembers(Object.keys(schema.properties as object), Object.keys(body))
    const senderId = schemaNamed("SenderId")
    const first = (body.senderIds as Array<Record<string, unknown>>)[0] ?? {}
    assert.includeMembers(Object.keys(first), senderId.required as Array<string>)
    assert.includeMembers(Object.keys(senderId.properties as object), Object.keys(first))
    // Our additions are sent every time, though optional in the schema for SOLAPI's own answers.
    assert.includeMembers(Object.keys(first), ["necessaryMeasures", "autoExtension"])
  })

  it("ARS step one's 403 is the documented MfaRequired, not the two-field Error", async () => {
    const who = await customer()
    await request(who, "POST", "/senderid/v1/numbers", { phoneNumber: "01023456789" })
    const response = await request(who, "PUT", "/senderid/v1/numbers/01023456789/authenticate", undefined, {
      "x-mfa-data": JSON.stringify({ authType: "ARS", extras: { phoneNumber: "01023456789" } })
    })
    assert.strictEqual(response.status, 403)
    const body = await response.json()
    const mfa = Schema.decodeUnknownSync(Wire.MfaRequired)(body, { onExcessProperty: "error" })
    assert.strictEqual(mfa.errorCode, "MFARequired")

    const documented = responsesOf(
      document.paths["/senderid/v1/numbers/{phoneNumber}/authenticate"]?.put as Operation
    )["403"]
    const oneOf = jsonSchemaOf(documented, "authenticate 403").oneOf as Array<{ $ref: string }>
    assert.includeMembers(
      oneOf.map((s) => s.$ref),
      ["#/components/schemas/MfaRequired", "#/components/schemas/Error"]
    )
  })

  it("an error answer is the documented Error shape under the documented status", async () => {
    const response = await request(undefined, "GET", "/senderid/v1/numbers")
    assert.strictEqual(response.status, 401)
    const body = await response.json()
    const error = Schema.decodeUnknownSync(Wire.ErrorBody)(body, { onExcessProperty: "error" })
    const documented = responsesOf(document.paths["/senderid/v1/numbers"]?.get as Operation)["401"]
    assert.include(documented?.description ?? "", error.errorCode)
  })

  it("GET /operator/v1/stats' 200 is the documented RegistryStats, every status and kind required", async () => {
    const operation = document.paths["/operator/v1/stats"]?.get as Operation
    assert.strictEqual(
      jsonSchemaOf(responsesOf(operation)["200"], "GET /stats 200").$ref,
      "#/components/schemas/RegistryStats"
    )
    assert.deepStrictEqual(
      (operation.parameters as ReadonlyArray<Parameter>).map((p) => [p.name, p.in]),
      [["weeks", "query"]]
    )
    const operator = await issueKey(["operator:read"], { operatorId: "dashboard" })
    const response = await request(operator, "GET", "/operator/v1/stats?weeks=2")
    assert.strictEqual(response.status, 200)
    const body = (await response.json()) as Record<string, Record<string, unknown>>
    const stats = Schema.decodeUnknownSync(OperatorWire.RegistryStats)(body, { onExcessProperty: "error" })
    assert.strictEqual(stats.expiries.length, 2)
    // A dashboard reads every count without checking for it: the document requires each.
    for (const [name, value] of [
      ["RegistryStats", body],
      ["SenderIdCounts", body.senderIds],
      ["ReviewCounts", body.reviews]
    ] as const) {
      const schema = schemaNamed(name)
      assert.sameMembers(schema.required as Array<string>, Object.keys(value ?? {}), name)
      assert.sameMembers(Object.keys(schema.properties as object), Object.keys(value ?? {}), name)
    }
  })

  it("GET /health's 200 is the documented Health", async () => {
    const response = await app.request("/health")
    assert.strictEqual(response.status, 200)
    Schema.decodeUnknownSync(Wire.Health)(await response.json(), { onExcessProperty: "error" })
  })
})
