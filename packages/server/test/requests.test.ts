import { assert, describe, it } from "@effect/vitest"
import {
  Accounts,
  ApiKeys,
  AuditEntry,
  IdempotencyKeys,
  SenderIdRepository,
  UsedSignatures
} from "@senderid/domain"
import { registryOn } from "@senderid/domain/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { makeApp, type RequestLogEntry } from "../src/App.ts"
import * as Signature from "../src/Signature.ts"
import {
  type Customer,
  type Harness,
  layerMemoryWebhooks,
  makeHarness,
  PNG_BASE64
} from "./support/harness.ts"

const NUMBERS = "/senderid/v1/numbers"
const DOCUMENTS = "/senderid/v1/documents"
const hangul = /[가-힣]/u

interface ErrorBody {
  readonly errorCode: string
  readonly errorMessage: string
}

/** Checks the error contract (JSON, exactly `errorCode` and `errorMessage`) and returns the body. */
const expectError = async (response: Response, status: number, errorCode: string): Promise<ErrorBody> => {
  const text = await response.text()
  assert.strictEqual(response.status, status, text)
  assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/u)
  const body = JSON.parse(text) as ErrorBody
  assert.deepStrictEqual(Object.keys(body).sort(), ["errorCode", "errorMessage"])
  assert.strictEqual(body.errorCode, errorCode)
  assert.isString(body.errorMessage)
  assert.isAbove(body.errorMessage.length, 0)
  return body
}

/** A raw body, not JSON-encoded by the harness. */
const post = (h: Harness, who: Customer, path: string, body: string, headers: Record<string, string> = {}) =>
  h.request(who, "POST", path, body, headers)

describe("request bodies", () => {
  it("refuses malformed JSON with 400 InvalidJSON", async () => {
    const h = makeHarness()
    const who = await h.customer()
    for (const body of ['{"phoneNumber": ', "{phoneNumber: '01023456789'}", "nope", '{"a":1}}']) {
      await expectError(await post(h, who, NUMBERS, body), 400, "InvalidJSON")
    }
  })

  it("refuses JSON that is not an object (array, number, string, null) with 400 InvalidParameter", async () => {
    const h = makeHarness()
    const who = await h.customer()
    for (const body of ['[{"phoneNumber":"01023456789"}]', "42", '"01023456789"', "null", "true"]) {
      await expectError(await post(h, who, NUMBERS, body), 400, "InvalidParameter")
    }
  })

  it("reads an empty body on POST /numbers as missing fields: 400 MissingRequiredParameter", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const empty = await h.app.request(NUMBERS, {
      method: "POST",
      headers: { authorization: await h.authorization(who) }
    })
    const body = await expectError(empty, 400, "MissingRequiredParameter")
    assert.include(body.errorMessage, "phoneNumber")
    await expectError(await post(h, who, NUMBERS, "{}"), 400, "MissingRequiredParameter")
  })

  it("refuses unknown, forbidden and mistyped fields with 400 InvalidParameter naming the field", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const en = { "accept-language": "en" }
    const unknown = await expectError(
      await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789", colour: "red" }, en),
      400,
      "InvalidParameter"
    )
    assert.include(unknown.errorMessage, "colour")
    const forbidden = await expectError(
      await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789", status: "ACTIVE" }, en),
      400,
      "InvalidParameter"
    )
    assert.include(forbidden.errorMessage, "status")
    const mistyped = await expectError(
      await h.request(who, "POST", NUMBERS, { phoneNumber: 1023456789 }, en),
      400,
      "InvalidParameter"
    )
    assert.include(mistyped.errorMessage, "phoneNumber")
    const book = (await (await h.request(who, "GET", NUMBERS)).json()) as {
      senderIds: ReadonlyArray<unknown>
    }
    assert.deepStrictEqual(book.senderIds, [])
  })

  it("refuses a key given twice, at any depth, as ambiguous instead of keeping the last", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const en = { "accept-language": "en" }
    const twice = await expectError(
      await post(h, who, NUMBERS, '{"phoneNumber":"x","phoneNumber":"01023456784"}', en),
      400,
      "InvalidParameter"
    )
    assert.strictEqual(
      twice.errorMessage,
      "The parameter phoneNumber is given more than once, so which value counts would be ambiguous; send each field once."
    )
    const korean = await expectError(
      await post(h, who, NUMBERS, '{"phoneNumber":"x","phoneNumber":"01023456784"}'),
      400,
      "InvalidParameter"
    )
    assert.match(korean.errorMessage, hangul)
    const nested = await expectError(
      await post(
        h,
        who,
        `${NUMBERS}/bulk`,
        '{"numbers":[{"phoneNumber":"0212345678"},{"phoneNumber":"0212345679","phoneNumber":"0212345670"}]}',
        en
      ),
      400,
      "InvalidParameter"
    )
    assert.include(nested.errorMessage, "numbers[1].phoneNumber")
    const header = await expectError(
      await h.request(who, "PUT", `${NUMBERS}/01023456789/authenticate`, undefined, {
        "x-mfa-data": '{"authType":"ARS","extras":{"phoneNumber":"01023456789","phoneNumber":"0212345678"}}',
        ...en
      }),
      400,
      "InvalidParameter"
    )
    assert.include(header.errorMessage, "x-mfa-data.extras.phoneNumber")
    const book = (await (await h.request(who, "GET", NUMBERS)).json()) as {
      senderIds: ReadonlyArray<unknown>
    }
    assert.deepStrictEqual(book.senderIds, [])
  })

  it("refuses a JSON body over 64 KiB with 413 PayloadTooLarge in the error shape", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const oversize = JSON.stringify({ phoneNumber: "01023456789", padding: "x".repeat(64 * 1024) })
    const response = await post(h, who, NUMBERS, oversize)
    await expectError(response, 413, "PayloadTooLarge")
    assert.isNotNull(response.headers.get("x-request-id"))
    // The unread rest of the body would be taken for the next request on a kept-alive connection.
    assert.strictEqual(response.headers.get("connection"), "close")
  })

  it("gives uploads a larger body limit than other JSON requests", async () => {
    const h = makeHarness()
    const who = await h.customer()
    // 100 KiB of PNG-signed bytes: over the JSON limit, well under the upload limit.
    const bytes = new Uint8Array(100 * 1024)
    bytes.set(Buffer.from(PNG_BASE64, "base64").subarray(0, 8))
    const response = await h.request(who, "POST", DOCUMENTS, {
      file: Buffer.from(bytes).toString("base64"),
      category: "SENDERID_APPROVAL"
    })
    assert.strictEqual(response.status, 200, await response.clone().text())
  })
})

describe("text that reaches operators", () => {
  const ESC = "\u001b"
  const OSC8 = `${ESC}]8;;https://evil.example/${ESC}\\click here${ESC}]8;;${ESC}\\`

  it("refuses an OSC 8 link in a document name, naming the field and the character in both languages", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const body = { file: PNG_BASE64, category: "SENDERID_APPROVAL", name: `scan${OSC8}.png` }
    const en = await expectError(
      await h.request(who, "POST", DOCUMENTS, body, { "accept-language": "en" }),
      400,
      "InvalidParameter"
    )
    assert.strictEqual(
      en.errorMessage,
      "The parameter name contains a control character (U+001B); control characters and bidirectional text controls (such as U+202E) are not allowed."
    )
    const ko = await expectError(await h.request(who, "POST", DOCUMENTS, body), 400, "InvalidParameter")
    assert.match(ko.errorMessage, hangul)
    assert.include(ko.errorMessage, "name")
    assert.include(ko.errorMessage, "U+001B")
    const list = (await (await h.request(who, "GET", DOCUMENTS)).json()) as { data: ReadonlyArray<unknown> }
    assert.deepStrictEqual(list.data, [])
  })

  it("refuses a right-to-left override in a name and a C1 CSI in an operator's reason", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const spoofed = { file: PNG_BASE64, category: "SENDERID_APPROVAL", name: "invoice\u202Egnp.exe" }
    const bidi = await expectError(
      await h.request(who, "POST", DOCUMENTS, spoofed, { "accept-language": "en" }),
      400,
      "InvalidParameter"
    )
    assert.include(bidi.errorMessage, "U+202E")
    const operator = await h.issueKey(["operator:read", "operator:write"], { operatorId: "ops" })
    const suspend = `/operator/v1/accounts/${who.accountId}/suspension`
    const c1 = await expectError(
      await h.request(
        operator,
        "POST",
        suspend,
        { reason: "unpaid \u009b31m invoices" },
        { "accept-language": "en" }
      ),
      400,
      "InvalidParameter"
    )
    assert.include(c1.errorMessage, "reason")
    assert.include(c1.errorMessage, "U+009B")
    // A reason may run over several lines; nothing else about it changes.
    const multiLine = await h.request(operator, "POST", suspend, { reason: "미납 요금\n2026년 11월분" })
    assert.strictEqual(multiLine.status, 200, await multiLine.clone().text())
  })

  it("refuses a control character in the x-mfa-data header's JSON as a field of it", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const mfa = JSON.stringify({ authType: "ARS", extras: { phoneNumber: `01023456789${ESC}[2J` } })
    const refused = await expectError(
      await h.request(who, "PUT", `${NUMBERS}/01023456789/authenticate`, undefined, {
        "x-mfa-data": mfa,
        "accept-language": "en"
      }),
      400,
      "InvalidParameter"
    )
    assert.include(refused.errorMessage, "x-mfa-data.extras.phoneNumber")
    assert.include(refused.errorMessage, "U+001B")
  })
})

describe("routing", () => {
  it("answers an unknown route with 404 NotFound", async () => {
    const h = makeHarness()
    const who = await h.customer()
    for (const path of [
      "/senderid/v1/nothing",
      "/senderid/v2/numbers",
      "/",
      "/senderid/v1/documents/a/b/c",
      // A trailing slash is another path, as for the router: not a 405 for the path without it.
      "/senderid/v1/numbers/",
      "/senderid/v1/numbers/active/"
    ]) {
      await expectError(await h.request(who, "GET", path), 404, "NotFound")
    }
    // Without credentials too: an unknown route is not an authentication question.
    await expectError(await h.app.request("/senderid/v1/nothing"), 404, "NotFound")
  })

  it("answers a wrong method on a known path with 405 MethodNotAllowed and an Allow header", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const cases: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
      ["PATCH", DOCUMENTS, ["DELETE", "GET", "POST"]],
      ["PUT", NUMBERS, ["GET", "POST"]],
      ["POST", "/senderid/v1/numbers/01023456789/authenticate", ["PUT"]],
      ["DELETE", "/senderid/v1/papers/limitation", ["POST"]],
      ["POST", "/health", ["GET"]]
    ]
    for (const [method, path, allowed] of cases) {
      const response = await h.request(who, method, path)
      await expectError(response, 405, "MethodNotAllowed")
      const allow = (response.headers.get("allow") ?? "").split(",").map((m) => m.trim())
      assert.deepStrictEqual([...allow].sort(), [...allowed], `${method} ${path}`)
    }
  })
})

describe("refusals that say what is valid", () => {
  const EN = { "accept-language": "en" }
  const CATEGORIES = "SENDERID_APPROVAL, SENDERID_LIMITATION, SENDERID_IDENTIFICATION, SENDERID_CONSIGNMENT"

  /** The English and the Korean message of one refused request, both checked for the code. */
  const messages = async (send: (headers: Record<string, string>) => Promise<Response>) => {
    const en = await expectError(await send(EN), 400, "InvalidParameter")
    const ko = await expectError(await send({}), 400, "InvalidParameter")
    assert.match(ko.errorMessage, hangul)
    return { en: en.errorMessage, ko: ko.errorMessage }
  }

  it("names the allowed categories, in a body and in a query", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const body = await messages((headers) =>
      h.request(who, "POST", DOCUMENTS, { file: PNG_BASE64, category: "APPROVAL" }, headers)
    )
    assert.strictEqual(
      body.en,
      `The parameter category has an invalid value; it must be one of ${CATEGORIES}.`
    )
    assert.strictEqual(body.ko, `category: 값이 올바르지 않습니다. 허용되는 값: ${CATEGORIES}.`)
    const query = await messages((headers) =>
      h.request(who, "GET", `${DOCUMENTS}?category=APPROVAL`, undefined, headers)
    )
    assert.strictEqual(query.en, body.en)
    assert.strictEqual(query.ko, body.ko)
  })

  it("names a number's range, whether the value is out of it or not a number at all", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const limitation = "/senderid/v1/papers/limitation"
    for (const limit of [0, 1_000_001, 2.5, "10"]) {
      const refused = await messages((headers) =>
        h.request(who, "POST", limitation, { documents: ["DOC1"], limit }, headers)
      )
      assert.match(
        refused.en,
        /^The parameter limit has (an invalid value|the wrong type); it must be a whole number from 1 to 1000000\.$/u
      )
      assert.include(refused.ko, "1부터 1000000까지의 정수여야 합니다.")
    }
    const page = await messages((headers) =>
      h.request(who, "GET", `${DOCUMENTS}?limit=500`, undefined, headers)
    )
    assert.strictEqual(
      page.en,
      "The parameter limit has an invalid value; it must be a whole number from 1 to 100."
    )
    assert.strictEqual(page.ko, "limit: 값이 올바르지 않습니다. 1부터 100까지의 정수여야 합니다.")
  })

  it("names lengths of text and of lists", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const name = await messages((headers) =>
      h.request(
        who,
        "POST",
        DOCUMENTS,
        { file: PNG_BASE64, category: "SENDERID_APPROVAL", name: "" },
        headers
      )
    )
    assert.strictEqual(
      name.en,
      "The parameter name has an invalid value; it must be 1 to 255 characters long."
    )
    assert.include(name.ko, "1자부터 255자까지")
    const documents = await messages((headers) =>
      h.request(who, "POST", "/senderid/v1/papers/approval/0212345678", { documents: [] }, headers)
    )
    assert.strictEqual(
      documents.en,
      "The parameter documents has an invalid value; it must have 1 to 20 items."
    )
    assert.include(documents.ko, "1개부터 20개까지")
  })

  it("says x-mfa-data must be JSON, shows its shape, and that its number must be the path's", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const path = `${NUMBERS}/01023456789/authenticate`
    const example = '{"authType":"ARS","extras":{"phoneNumber":"01023456789"}}'
    for (const header of ["ARS 01023456789", "[]", '"ARS"']) {
      const notJson = await messages((headers) =>
        h.request(who, "PUT", path, undefined, { "x-mfa-data": header, ...headers })
      )
      assert.strictEqual(
        notJson.en,
        `The parameter x-mfa-data has the wrong type; it must be a JSON object such as ${example}.`
      )
      assert.strictEqual(
        notJson.ko,
        `x-mfa-data: 형식이 올바르지 않습니다. JSON 객체여야 합니다. 예: ${example}`
      )
    }
    const sms = await messages((headers) =>
      h.request(who, "PUT", path, undefined, {
        "x-mfa-data": '{"authType":"SMS","extras":{"phoneNumber":"01023456789"}}',
        ...headers
      })
    )
    assert.strictEqual(
      sms.en,
      "The parameter x-mfa-data.authType has an invalid value; it must be one of ARS."
    )
    const mismatch = await messages((headers) =>
      h.request(who, "PUT", path, undefined, {
        "x-mfa-data": '{"authType":"ARS","extras":{"phoneNumber":"0212345678"}}',
        ...headers
      })
    )
    assert.strictEqual(
      mismatch.en,
      "The parameter x-mfa-data.extras.phoneNumber has an invalid value; it must be the phone number in the path (01023456789)."
    )
    assert.strictEqual(
      mismatch.ko,
      "x-mfa-data.extras.phoneNumber: 값이 올바르지 않습니다. 요청 경로의 전화번호(01023456789)와 같아야 합니다."
    )
  })
})

describe("error responses", () => {
  it("always carry JSON with exactly errorCode and errorMessage", async () => {
    const h = makeHarness()
    const who = await h.customer()
    await expectError(await h.app.request(NUMBERS), 401, "Unauthorized")
    await expectError(
      await h.request({ apiKey: "NCSNOSUCHKEY", secret: "x".repeat(32) }, "GET", NUMBERS),
      403,
      "InvalidAPIKey"
    )
    await expectError(
      await h.request(who, "POST", NUMBERS, { phoneNumber: "123" }),
      400,
      "InvalidPhoneNumber"
    )
    await expectError(await h.request(who, "GET", `${DOCUMENTS}/DOCNOSUCH`), 400, "InvalidDocumentId")
    await expectError(await h.request(who, "GET", `${DOCUMENTS}?limit=0`), 400, "InvalidParameter")
    await expectError(
      await h.request(who, "PUT", `${NUMBERS}/01023456789`, { status: "ACTIVE" }),
      400,
      "InvalidSenderId"
    )
  })

  it("add only mfa for the ARS call placed", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const registered = await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" })
    assert.strictEqual(registered.status, 200)
    const response = await h.request(who, "PUT", `${NUMBERS}/01023456789/authenticate`, undefined, {
      "x-mfa-data": JSON.stringify({ authType: "ARS", extras: { phoneNumber: "01023456789" } })
    })
    assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/u)
    const body = (await response.json()) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(body).sort(), ["errorCode", "errorMessage", "mfa"])
    assert.strictEqual(body.errorCode, "MFARequired")
  })

  it("are in Korean by default and in English with Accept-Language: en", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const send = (headers: Record<string, string>) =>
      h.request(who, "POST", NUMBERS, { phoneNumber: "123" }, headers)
    const korean = await expectError(await send({}), 400, "InvalidPhoneNumber")
    assert.match(korean.errorMessage, hangul)
    for (const language of ["en", "en-US", "en-GB,en;q=0.9,ko;q=0.8"]) {
      const english = await expectError(
        await send({ "accept-language": language }),
        400,
        "InvalidPhoneNumber"
      )
      assert.notMatch(english.errorMessage, hangul, language)
    }
    const preferKorean = await expectError(
      await send({ "accept-language": "ko,en;q=0.5" }),
      400,
      "InvalidPhoneNumber"
    )
    assert.match(preferKorean.errorMessage, hangul)

    const notFound = await expectError(
      await h.app.request("/nowhere", { headers: { "accept-language": "en" } }),
      404,
      "NotFound"
    )
    assert.notMatch(notFound.errorMessage, hangul)
    const malformed = await expectError(
      await post(h, who, NUMBERS, "{", { "accept-language": "en" }),
      400,
      "InvalidJSON"
    )
    assert.notMatch(malformed.errorMessage, hangul)
  })
})

describe("request ids", () => {
  it("are on every response, success or error, and differ between requests", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const responses = [
      await h.request(who, "GET", NUMBERS),
      await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" }),
      await h.request(who, "POST", DOCUMENTS, { file: PNG_BASE64, category: "SENDERID_APPROVAL" }),
      await h.request(who, "POST", NUMBERS, "{"),
      await h.request(who, "POST", NUMBERS, { phoneNumber: "123" }),
      await h.app.request(NUMBERS),
      await h.request(who, "GET", "/nowhere"),
      await h.request(who, "PATCH", NUMBERS),
      await post(h, who, NUMBERS, JSON.stringify({ padding: "x".repeat(70 * 1024) })),
      await h.app.request("/health")
    ]
    const ids = responses.map((r) => r.headers.get("x-request-id"))
    for (const [i, id] of ids.entries()) {
      assert.isNotNull(id, `response ${i} (${responses[i]?.status})`)
      assert.isAbove(id?.length ?? 0, 0)
    }
    assert.strictEqual(new Set(ids).size, ids.length)
  })

  it("carries the request id on replays and on rate-limited answers", async () => {
    const h = makeHarness({ rateLimit: { perSecond: 1, burst: 2 }, now: () => 0 })
    const who = await h.customer()
    const key = { "idempotency-key": "rid" }
    await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" }, key)
    const replay = await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" }, key)
    assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
    assert.isNotNull(replay.headers.get("x-request-id"))
    const limited = await h.request(who, "GET", NUMBERS)
    assert.strictEqual(limited.status, 429)
    assert.isNotNull(limited.headers.get("x-request-id"))
  })

  it("are always the server's own, never a client's X-Request-Id (audit entries quote them); the log keeps the client's", async () => {
    const entries: Array<RequestLogEntry> = []
    const h = makeHarness({ rateLimit: false, log: (entry) => entries.push(entry) })
    const who = await h.customer()
    const ok = await h.request(who, "GET", NUMBERS, undefined, { "x-request-id": "client-trace-42" })
    const ours = ok.headers.get("x-request-id")
    assert.match(ours ?? "", /^[0-9a-f-]{36}$/u)
    const logged = entries.at(-1)
    assert.strictEqual(logged?.requestId, ours)
    assert.strictEqual(logged?.clientRequestId, "client-trace-42")
    const failed = await h.request(who, "POST", NUMBERS, "{", { "x-request-id": "client-trace-43" })
    assert.strictEqual(failed.status, 400)
    assert.notStrictEqual(failed.headers.get("x-request-id"), "client-trace-43")

    for (const bad of ["has spaces in it", "<script>", "x".repeat(300)]) {
      const response = await h.request(who, "GET", NUMBERS, undefined, { "x-request-id": bad })
      const id = response.headers.get("x-request-id")
      assert.isNotNull(id)
      assert.notStrictEqual(id, bad)
    }
  })
})

describe("the request log", () => {
  it("gets one JSON-serialisable entry per request without credentials or bodies", async () => {
    const entries: Array<RequestLogEntry> = []
    const h = makeHarness({ rateLimit: false, log: (entry) => entries.push(entry) })
    const who = await h.customer()

    const sent: Array<{
      readonly response: Response
      readonly authorization: string
      readonly method: string
    }> = []
    const send = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {}
    ) => {
      const authorization = await h.authorization(who)
      const response = await h.request(who, method, path, body, { authorization, ...headers })
      sent.push({ response, authorization, method })
      return response
    }
    await send("POST", NUMBERS, { phoneNumber: "01023456789" })
    await send("POST", DOCUMENTS, {
      file: PNG_BASE64,
      category: "SENDERID_APPROVAL",
      name: "secret-plan.png"
    })
    await send("POST", NUMBERS, { phoneNumber: "01098765432", nonsense: "body-marker-7f3a" })
    await send("GET", `${DOCUMENTS}?limit=5`)
    await send("GET", "/senderid/v1/nothing")

    assert.strictEqual(entries.length, sent.length)
    for (const [i, entry] of entries.entries()) {
      const { response, authorization, method } = sent[i] ?? assert.fail("missing request")
      const serialised = JSON.stringify(entry)
      assert.deepStrictEqual(JSON.parse(serialised), entry)
      assert.strictEqual(entry.requestId, response.headers.get("x-request-id"))
      assert.strictEqual(entry.method, method)
      assert.strictEqual(entry.status, response.status)
      assert.isString(entry.path)
      assert.isFalse(entry.path.includes("?"), "the query is not part of the path")

      const signature = /signature=([0-9a-f]+)/u.exec(authorization)?.[1] ?? assert.fail("no signature")
      const salt = /salt=([^,\s]+)/u.exec(authorization)?.[1] ?? assert.fail("no salt")
      for (const secret of [authorization, signature, salt, who.secret]) {
        assert.notInclude(serialised, secret)
      }
      for (const bodyPart of [
        "01023456789",
        "01098765432",
        "body-marker-7f3a",
        "secret-plan",
        PNG_BASE64.slice(0, 24)
      ]) {
        assert.notInclude(serialised, bodyPart)
      }
    }
    assert.deepStrictEqual(
      entries.map((e) => [e.path, e.status, e.errorCode ?? null]),
      [
        [NUMBERS, 200, null],
        [DOCUMENTS, 200, null],
        [NUMBERS, 400, "InvalidParameter"],
        [DOCUMENTS, 200, null],
        ["/senderid/v1/nothing", 404, "NotFound"]
      ]
    )
    assert.strictEqual(entries[0]?.apiKey, who.apiKey)
  })

  it("does not let a failing log sink change the response", async () => {
    const h = makeHarness({
      rateLimit: false,
      log: () => {
        throw new Error("log sink down")
      }
    })
    const who = await h.customer()
    const registered = await h.request(who, "POST", NUMBERS, { phoneNumber: "01023456789" })
    assert.strictEqual(registered.status, 200, await registered.clone().text())
    const book = await h.request(who, "GET", NUMBERS)
    assert.strictEqual(book.status, 200)
    await expectError(await h.request(who, "POST", NUMBERS, "{"), 400, "InvalidJSON")
  })
})

describe("a defect in a handler", () => {
  /** The app over a repository whose document listing dies with internals in the message. */
  const makeBrokenApp = (log: (entry: RequestLogEntry) => void) => {
    const dyingRepository = Layer.effect(
      SenderIdRepository,
      Effect.gen(function* () {
        const inner = yield* SenderIdRepository
        return SenderIdRepository.of({
          ...inner,
          listDocuments: () =>
            Effect.die(
              new Error("boom: SELECT * FROM documents WHERE secret_column = 'hunter2' at /srv/db.ts:42")
            )
        })
      })
    ).pipe(Layer.provide(SenderIdRepository.layerMemory))
    const runtime = ManagedRuntime.make(
      Layer.mergeAll(
        registryOn(dyingRepository),
        ApiKeys.layerMemory,
        UsedSignatures.layerMemory,
        IdempotencyKeys.layerMemory,
        layerMemoryWebhooks
      )
    )
    return { runtime, app: makeApp(runtime, { rateLimit: false, log }) }
  }

  it("answers 500 InternalError without leaking the cause, which only reaches the log", async () => {
    const entries: Array<RequestLogEntry> = []
    const { runtime, app } = makeBrokenApp((entry) => entries.push(entry))
    try {
      const accountId = "ACCTDEFECT1"
      await runtime.runPromise(
        Accounts.use((a) => a.open(AuditEntry.operatorActor("test"), accountId, { limit: 5 }))
      )
      const key = await runtime.runPromise(
        ApiKeys.use((keys) =>
          keys.issue({
            apiKey: "NCSDEFECTKEY0001",
            secret: "S".repeat(32),
            scopes: ["senderid:read", "senderid:write"],
            accountId
          })
        )
      )
      const response = await app.request(DOCUMENTS, {
        headers: {
          authorization: await Effect.runPromise(
            Signature.sign({ apiKey: key.apiKey, apiSecret: key.secret })
          ),
          "accept-language": "en"
        }
      })
      const text = await response.clone().text()
      await expectError(response, 500, "InternalError")
      for (const leak of ["boom", "SELECT", "hunter2", "/srv/", "db.ts", "Error:"])
        assert.notInclude(text, leak)
      assert.isNotNull(response.headers.get("x-request-id"))

      assert.strictEqual(entries.length, 1)
      assert.strictEqual(entries[0]?.status, 500)
      assert.strictEqual(entries[0]?.level, "error")
      assert.include(entries[0]?.defect ?? "", "boom")
    } finally {
      await runtime.dispose()
    }
  })
})

describe("links in answers", () => {
  it("builds a document's url from the configured public origin, whatever Host the client sends", async () => {
    const h = makeHarness({ rateLimit: false, publicOrigin: "https://senderid.example.com/" })
    const who = await h.customer()
    const response = await h.request(
      who,
      "POST",
      DOCUMENTS,
      { file: PNG_BASE64, category: "SENDERID_APPROVAL" },
      { host: "evil.example" }
    )
    const document = (await response.json()) as { documentId: string; url: string }
    assert.strictEqual(response.status, 200)
    assert.strictEqual(
      document.url,
      `https://senderid.example.com/senderid/v1/documents/${document.documentId}/file`
    )
  })
})
