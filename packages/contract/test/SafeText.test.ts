import { assert, describe, it } from "@effect/vitest"
import { DocumentFile } from "@senderid/domain"
import { Effect, Exit, Result, Schema, SchemaAST } from "effect"
import * as Endpoints from "../src/Endpoints.ts"
import * as OperatorRequests from "../src/OperatorRequests.ts"
import * as Requests from "../src/Requests.ts"
import { isSafeTextCheck, refusedCharacter, SafeText } from "../src/SafeText.ts"

const ESC = "\u001b"
/** An OSC 8 hyperlink, the attack of issue #12: a clickable link planted in the review queue. */
const OSC8 = `${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`

interface StringField {
  readonly path: string
  readonly ast: SchemaAST.String
}

/** Every string a schema decodes, wherever it sits (struct fields, list items, union members). */
const stringFields = (ast: SchemaAST.AST, path: string): ReadonlyArray<StringField> => {
  switch (ast._tag) {
    case "String":
      return [{ path, ast }]
    case "Objects":
      return [
        ...ast.propertySignatures.flatMap((p) => stringFields(p.type, `${path}.${String(p.name)}`)),
        ...ast.indexSignatures.flatMap((s) => stringFields(s.type, `${path}[key]`))
      ]
    case "Arrays":
      return [...ast.elements, ...ast.rest].flatMap((a) => stringFields(a, `${path}[]`))
    case "Union":
      return ast.types.flatMap((t) => stringFields(t, path))
    default:
      return []
  }
}

const isSchema = (value: unknown): value is Schema.Top => Schema.isSchema(value)

const exportedSchemas = (module: string, exports: object): Array<readonly [string, Schema.Top]> =>
  Object.entries(exports).flatMap(
    ([name, value]): Array<readonly [string, Schema.Top]> =>
      isSchema(value) ? [[`${module}.${name}`, value]] : []
  )

/** Every request body in the endpoint table, and every request schema the contract exports (the
 * `x-mfa-data` header's JSON among them), so a field added anywhere is in this list. */
const requestSchemas: ReadonlyArray<readonly [string, Schema.Top]> = [
  ...Object.entries(Endpoints.endpoints).flatMap(
    ([name, e]): Array<readonly [string, Schema.Top]> =>
      "body" in e && e.body !== undefined ? [[name, e.body]] : []
  ),
  ...exportedSchemas("Requests", Requests),
  ...exportedSchemas("OperatorRequests", OperatorRequests)
]

const fields = requestSchemas.flatMap(([name, schema]) => stringFields(schema.ast, name))
const isEncodedBytes = (ast: SchemaAST.AST) => SchemaAST.resolve(ast)?.contentEncoding === "base64"

describe("SafeText", () => {
  it("finds the request strings this test is about (so an empty walk cannot pass)", () => {
    const paths = new Set(fields.map((f) => f.path))
    for (const path of [
      "uploadDocument.name",
      "requestUnlock.reason",
      "requestUnlock.name",
      "decideEvidence.reason",
      "suspendAccount.reason",
      "registerWebhook.url",
      "Requests.MfaData.extras.phoneNumber",
      "registerNumbers.numbers[].phoneNumber",
      "openAccount.accountId"
    ]) {
      assert.isTrue(paths.has(path), `${path} in ${[...paths].join(", ")}`)
    }
  })

  it("is on every string field of every request: ESC and an OSC 8 link are refused by it", () => {
    for (const { path, ast } of fields.filter((f) => !isEncodedBytes(f.ast))) {
      assert.isTrue(
        (ast.checks ?? []).some((check) => isSafeTextCheck(check.annotations)),
        `${path} has no SafeText check`
      )
      const decode = Schema.decodeUnknownResult(Schema.make<typeof Schema.String>(ast))
      for (const text of [`a${ESC}b`, OSC8]) assert.isTrue(Result.isFailure(decode(text)), path)
    }
  })

  it("leaves only encoded bytes unchecked, and the domain refuses a control character in them", () => {
    const unchecked = fields.filter((f) => isEncodedBytes(f.ast)).map((f) => f.path)
    assert.deepStrictEqual([...new Set(unchecked)].sort(), [
      "Requests.UploadDocument.file",
      "uploadDocument.file"
    ])
    const exit = Effect.runSyncExit(DocumentFile.decodeUpload(`iVBORw0KGgo${ESC}AAAA`))
    assert.isTrue(Exit.isFailure(exit))
  })

  it("refuses C0, DEL, C1 and bidirectional controls, and line breaks outside multi-line text", () => {
    const refused = [
      "\u0000",
      "\u0007",
      "\u0008",
      "\t",
      "\n",
      "\r",
      ESC,
      "\u007f",
      "\u0080",
      "\u009b",
      "\u009d",
      "\u009f",
      "\u061c",
      "\u200e",
      "\u200f",
      "\u2028",
      "\u2029",
      "\u202a",
      "\u202e",
      "\u2066",
      "\u2069"
    ]
    for (const c of refused) {
      const code = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`
      assert.strictEqual(refusedCharacter(`사유 ${c} 끝`), code)
      if (c !== "\n") assert.strictEqual(refusedCharacter(`x${c}`, { lineBreaks: true }), code)
    }
    assert.strictEqual(refusedCharacter("첫 줄\n둘째 줄", { lineBreaks: true }), undefined)
  })

  it("accepts what people write: Korean, emoji with joiners, accents, right-to-left script", () => {
    const text = SafeText({ maxLength: 200 })
    for (const ok of [
      "사업자등록증 사본.pdf",
      "👩‍💻 개발팀",
      "Café Señor",
      "שלום עולם",
      "مرحبا",
      "a\u00a0b", // NO-BREAK SPACE, just past C1
      "\u200d" // ZERO WIDTH JOINER: emoji and some scripts need it
    ]) {
      assert.isTrue(Result.isSuccess(Schema.decodeUnknownResult(text)(ok)), ok)
    }
  })

  it("documents the rule in JSON Schema as a pattern that agrees with the check", () => {
    const document = Schema.toJsonSchemaDocument(Requests.UploadDocument)
    const definitions = document.definitions as Record<string, { properties: { name: { pattern?: string } } }>
    const name = definitions.UploadDocumentRequest?.properties.name ?? {}
    assert.isString(name.pattern)
    const pattern = new RegExp(name.pattern ?? "", "u")
    assert.isTrue(pattern.test("scan.pdf"))
    assert.isFalse(pattern.test(`scan${ESC}.pdf`))
    assert.isFalse(pattern.test("scan\u202e.pdf"))
  })
})
