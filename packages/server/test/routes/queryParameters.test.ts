/**
 * Every read takes only the query parameters its endpoint declares: any other name is the same
 * 400 `InvalidParameter` on every route, naming the parameter and the ones the route takes, before
 * the handler runs — a misspelt filter is never silently ignored. SOLAPI's `field[op]` spellings
 * pass where an endpoint declares them, and a page key this server did not hand out is refused.
 */
import { assert, describe, it } from "@effect/vitest"
import { Endpoints, type Wire } from "@senderid/contract"
import { makeHarness, PNG_BASE64 } from "../support/harness.ts"
import { DOCUMENTS, EN, expectError, expectOk } from "./routeSupport.ts"

const EVIDENCE = { file: PNG_BASE64, category: "SENDERID_APPROVAL" }

const setUp = async () => {
  const h = makeHarness()
  const customer = await h.customer()
  const operator = await h.issueKey(["operator:read", "operator:write"], { operatorId: "alice" })
  return { h, customer, operator }
}

const reads = Object.entries(Endpoints.endpoints).filter(([, e]) => e.method === "GET")

describe("query parameters on every read", () => {
  it("covers every GET endpoint of the table", () => {
    assert.isAtLeast(reads.length, 20)
  })

  for (const [name, endpoint] of reads) {
    const declared = (endpoint as Endpoints.Endpoint).query?.map((p) => p.name) ?? []
    const takes = declared.length === 0 ? "none" : declared.join(", ")
    it(`${name}: refuses ?bogus=1 on GET ${endpoint.path}, naming what it takes (${takes})`, async () => {
      const { h, customer, operator } = await setUp()
      const who =
        endpoint.scope === null ? undefined : endpoint.scope.startsWith("operator:") ? operator : customer
      const path = endpoint.path.replace(/:[A-Za-z]+/gu, "X1")
      const error = await expectError(
        await h.request(who, "GET", `${path}?bogus=1`, undefined, EN),
        400,
        "InvalidParameter"
      )
      assert.strictEqual(
        error.errorMessage,
        declared.length === 0
          ? "The parameter bogus is not a known parameter; this endpoint takes none."
          : `The parameter bogus is not a known parameter; this endpoint takes ${takes}.`
      )
    })
  }

  it("says it in Korean too, with the parameters the route takes", async () => {
    const { h, customer } = await setUp()
    const error = await expectError(
      await h.request(customer, "GET", "/senderid/v1/numbers?statu=ACTIVE"),
      400,
      "InvalidParameter"
    )
    assert.strictEqual(
      error.errorMessage,
      "statu: 알 수 없는 파라미터입니다. (사용 가능: limit, startKey, status)"
    )
  })
})

describe("GET /senderid/v1/documents", () => {
  it("reads SOLAPI's declared field[op] spellings and refuses the others", async () => {
    const { h, customer } = await setUp()
    await expectOk(await h.request(customer, "POST", DOCUMENTS, EVIDENCE))
    for (const query of ["category[eq]=SENDERID_APPROVAL", "dateCreated[gte]=2020-01-01", "use[eq]=false"]) {
      const page = await expectOk<Wire.DocumentPage>(
        await h.request(customer, "GET", `${DOCUMENTS}?${query}`)
      )
      assert.lengthOf(page.data, 1, query)
    }
    for (const query of ["category[ne]=SENDERID_APPROVAL", "limit[eq]=5", "dateCreated[in]=2020-01-01"]) {
      const error = await expectError(
        await h.request(customer, "GET", `${DOCUMENTS}?${query}`, undefined, EN),
        400,
        "InvalidParameter"
      )
      assert.include(error.errorMessage, query.split("=")[0] as string)
    }
  })

  it("refuses a startKey it did not hand out instead of echoing it, and echoes one it did", async () => {
    const { h, customer } = await setUp()
    for (let i = 0; i < 3; i++) await expectOk(await h.request(customer, "POST", DOCUMENTS, EVIDENCE))
    const error = await expectError(
      await h.request(customer, "GET", `${DOCUMENTS}?startKey=%3Cscript%3E`, undefined, EN),
      400,
      "InvalidParameter"
    )
    assert.strictEqual(error.errorMessage, "The parameter startKey has an invalid value.")
    assert.notInclude(JSON.stringify(error), "script")
    const first = await expectOk<Wire.DocumentPage>(await h.request(customer, "GET", `${DOCUMENTS}?limit=2`))
    assert.isString(first.nextKey)
    const rest = await expectOk<Wire.DocumentPage>(
      await h.request(customer, "GET", `${DOCUMENTS}?limit=2&startKey=${first.nextKey}`)
    )
    assert.strictEqual(rest.startKey, first.nextKey)
    assert.lengthOf(rest.data, 1)
  })
})
