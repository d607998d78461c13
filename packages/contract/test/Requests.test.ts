import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import * as Endpoints from "../src/Endpoints.ts"
import * as Requests from "../src/Requests.ts"

const strict =
  <S extends Schema.Decoder<unknown>>(schema: S) =>
  (input: unknown) =>
    Schema.decodeUnknownResult(schema)(input, { onExcessProperty: "error" })

describe("Requests", () => {
  it("refuses every field a client may not set on a registration", () => {
    for (const field of Requests.FORBIDDEN_FIELDS) {
      const decoded = strict(Requests.RegisterNumber)({ phoneNumber: "0212345678", [field]: "x" })
      assert.isTrue(Result.isFailure(decoded), field)
    }
  })

  it("accepts SOLAPI's registration body and our optional additions", () => {
    assert.isTrue(Result.isSuccess(strict(Requests.RegisterNumber)({ phoneNumber: "0212345678" })))
    assert.isTrue(
      Result.isSuccess(
        strict(Requests.RegisterNumber)({
          phoneNumber: "02-1234-5678",
          documents: ["DOC1"],
          autoExtension: true
        })
      )
    )
  })

  it("bounds client strings and lists", () => {
    assert.isTrue(Result.isFailure(strict(Requests.RegisterNumber)({ phoneNumber: "0".repeat(41) })))
    assert.isTrue(Result.isFailure(strict(Requests.BulkRegister)({ numbers: [] })))
    const many = Array.from({ length: 101 }, () => ({ phoneNumber: "0212345678" }))
    assert.isTrue(Result.isFailure(strict(Requests.BulkRegister)({ numbers: many })))
  })

  it("reads the x-mfa-data header of both ARS steps", () => {
    const step1 = { authType: "ARS", extras: { phoneNumber: "0212345678" } }
    assert.isTrue(Result.isSuccess(strict(Requests.MfaData)(step1)))
    assert.isTrue(
      Result.isSuccess(strict(Requests.MfaData)({ ...step1, transactionId: "ARS1", token: "123456" }))
    )
    assert.isTrue(Result.isFailure(strict(Requests.MfaData)({ ...step1, authType: "SMS" })))
  })
})

describe("Endpoints", () => {
  const all = Object.values(Endpoints.endpoints) as ReadonlyArray<Endpoints.Endpoint>

  it("names each method and path once", () => {
    const keys = all.map((e) => `${e.method} ${e.path}`)
    assert.strictEqual(new Set(keys).size, keys.length)
  })

  it("keeps SOLAPI's 13 endpoints, reads under senderid:read and the rest under senderid:write", () => {
    const solapi = all.filter((e) => e.solapi)
    assert.strictEqual(solapi.length, 13)
    for (const e of solapi)
      assert.strictEqual(e.scope, e.method === "GET" ? "senderid:read" : "senderid:write")
  })
})
