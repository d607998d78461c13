import { assert, describe, it } from "@effect/vitest"
import { type Customer, type Harness, makeHarness } from "./support/harness.ts"

const BOOK = "/senderid/v1/numbers"
const START = Date.parse("2026-03-01T00:00:00.000Z")

/** A harness whose rate limiter reads a clock the test moves by hand; the client address is the test's `x-test-address`. */
const makeLimited = (limits = { perSecond: 1, burst: 3 }) => {
  const clock = { now: START }
  const h = makeHarness({
    rateLimit: limits,
    now: () => clock.now,
    clientAddress: (c) => c.req.header("x-test-address")
  })
  const advance = (millis: number) => {
    clock.now += millis
  }
  return { h, advance }
}

const statusesOf = async (h: Harness, who: Pick<Customer, "apiKey" | "secret">, count: number) => {
  const statuses: Array<number> = []
  for (let i = 0; i < count; i++) statuses.push((await h.request(who, "GET", BOOK)).status)
  return statuses
}

const retryAfterOf = (response: Response) => {
  const header = response.headers.get("retry-after")
  assert.isNotNull(header)
  assert.match(header ?? "", /^[1-9]\d*$/u)
  return Number(header)
}

describe("rate limit", () => {
  it("refuses the 4th request within the same instant with 429 TooManyRequests and a Retry-After", async () => {
    const { h } = makeLimited()
    const who = await h.customer()
    assert.deepStrictEqual(await statusesOf(h, who, 3), [200, 200, 200])

    const refused = await h.request(who, "GET", BOOK)
    assert.strictEqual(refused.status, 429)
    assert.isAtLeast(retryAfterOf(refused), 1)
    assert.match(refused.headers.get("content-type") ?? "", /^application\/json/u)
    const body = (await refused.json()) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(body).sort(), ["errorCode", "errorMessage"])
    assert.strictEqual(body.errorCode, "TooManyRequests")
  })

  it("lets a request through again once the clock has moved by Retry-After", async () => {
    const { h, advance } = makeLimited()
    const who = await h.customer()
    await statusesOf(h, who, 3)
    const refused = await h.request(who, "GET", BOOK)
    assert.strictEqual(refused.status, 429)

    advance(retryAfterOf(refused) * 1000)
    assert.deepStrictEqual(await statusesOf(h, who, 2), [200, 429])
  })

  it("refills at perSecond up to the burst, never beyond it", async () => {
    const { h, advance } = makeLimited()
    const who = await h.customer()
    await statusesOf(h, who, 3)
    advance(2000)
    assert.deepStrictEqual(await statusesOf(h, who, 3), [200, 200, 429])
    advance(60_000)
    assert.deepStrictEqual(await statusesOf(h, who, 4), [200, 200, 200, 429])
  })

  it("does not let a refused request cost a token", async () => {
    const { h, advance } = makeLimited()
    const who = await h.customer()
    await statusesOf(h, who, 3)
    assert.deepStrictEqual(await statusesOf(h, who, 5), [429, 429, 429, 429, 429])
    advance(1000)
    assert.deepStrictEqual(await statusesOf(h, who, 1), [200])
  })

  it("grants no extra tokens when the clock steps back and returns", async () => {
    const { h, advance } = makeLimited()
    const who = await h.customer()
    await statusesOf(h, who, 3)
    advance(-5000)
    assert.deepStrictEqual(await statusesOf(h, who, 1), [429])
    advance(5000)
    assert.deepStrictEqual(await statusesOf(h, who, 1), [429])
    advance(1000)
    assert.deepStrictEqual(await statusesOf(h, who, 2), [200, 429])
  })

  it("counts per key: another key, of another account or the same one, is unaffected", async () => {
    const { h } = makeLimited()
    const busy = await h.customer()
    const other = await h.customer()
    const secondKey = await h.issueKey(["senderid:read", "senderid:write"], { accountId: busy.accountId })
    assert.deepStrictEqual(await statusesOf(h, busy, 4), [200, 200, 200, 429])
    assert.deepStrictEqual(await statusesOf(h, other, 3), [200, 200, 200])
    assert.deepStrictEqual(await statusesOf(h, secondKey, 3), [200, 200, 200])
    assert.deepStrictEqual(await statusesOf(h, busy, 1), [429])
  })

  it("counts writes and reads against the same bucket", async () => {
    const { h } = makeLimited()
    const who = await h.customer()
    const written = await h.request(who, "POST", BOOK, { phoneNumber: "01023456789" })
    assert.strictEqual(written.status, 200)
    assert.deepStrictEqual(await statusesOf(h, who, 3), [200, 200, 429])
    const refusedWrite = await h.request(who, "POST", BOOK, { phoneNumber: "01098765432" })
    assert.strictEqual(refusedWrite.status, 429)
  })

  it("does not keep a 429 as an idempotent answer: the retry with the same key runs", async () => {
    const { h, advance } = makeLimited()
    const who = await h.customer()
    await statusesOf(h, who, 3)
    const body = { phoneNumber: "01023456789" }
    const refused = await h.request(who, "POST", BOOK, body, { "idempotency-key": "after-429" })
    assert.strictEqual(refused.status, 429)

    advance(retryAfterOf(refused) * 1000)
    const retried = await h.request(who, "POST", BOOK, body, { "idempotency-key": "after-429" })
    assert.strictEqual(retried.status, 200)
    assert.strictEqual(retried.headers.get("idempotent-replayed"), null)
  })

  it("refuses before the signature is claimed: the refused header itself is accepted once tokens are back", async () => {
    const { h, advance } = makeLimited()
    const who = await h.customer()
    await statusesOf(h, who, 3)
    const authorization = await h.authorization(who)
    const send = () => h.app.request(BOOK, { headers: { authorization } })
    assert.strictEqual((await send()).status, 429)
    advance(2000)
    // Had the refused request claimed its signature, this would be 403 DuplicatedSignature.
    assert.strictEqual((await send()).status, 200)
    const replayed = await send()
    assert.strictEqual(((await replayed.json()) as { errorCode: string }).errorCode, "DuplicatedSignature")
  })

  it("limits failed authentications per client address, and only failures", async () => {
    const { h } = makeLimited()
    const who = await h.customer()
    const forged = { apiKey: who.apiKey, secret: "NOT-THE-SECRET" }
    const codesFrom = async (address: string, count: number) => {
      const codes: Array<string> = []
      for (let i = 0; i < count; i++) {
        const response = await h.request(forged, "GET", BOOK, undefined, { "x-test-address": address })
        codes.push(((await response.json()) as { errorCode: string }).errorCode)
      }
      return codes
    }
    assert.deepStrictEqual(await codesFrom("192.0.2.1", 5), [
      "SignatureDoesNotMatch",
      "SignatureDoesNotMatch",
      "SignatureDoesNotMatch",
      "TooManyRequests",
      "TooManyRequests"
    ])
    const unknownKey = await h.request({ apiKey: "NCSNOSUCHKEY0000", secret: "x" }, "GET", BOOK, undefined, {
      "x-test-address": "192.0.2.1"
    })
    assert.strictEqual(unknownKey.status, 429)
    const unsigned = await h.app.request(BOOK, { headers: { "x-test-address": "192.0.2.1" } })
    assert.strictEqual(unsigned.status, 429)
    assert.deepStrictEqual(await codesFrom("192.0.2.2", 1), ["SignatureDoesNotMatch"], "another address")
    const signed = await h.request(who, "GET", BOOK, undefined, { "x-test-address": "192.0.2.1" })
    assert.strictEqual(signed.status, 200, "a signed request from the same address is the key's business")
  })

  it("does not charge a key for replays of its signature", async () => {
    const { h } = makeLimited()
    const who = await h.customer()
    const authorization = await h.authorization(who)
    assert.strictEqual((await h.app.request(BOOK, { headers: { authorization } })).status, 200)
    for (const address of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) {
      const replay = await h.app.request(BOOK, { headers: { authorization, "x-test-address": address } })
      assert.strictEqual(((await replay.json()) as { errorCode: string }).errorCode, "DuplicatedSignature")
    }
    assert.deepStrictEqual(await statusesOf(h, who, 3), [200, 200, 429])
  })

  it("does not limit the unauthenticated health check", async () => {
    const { h } = makeLimited()
    for (let i = 0; i < 5; i++) {
      const response = await h.app.request("/health")
      assert.strictEqual(response.status, 200)
    }
  })
})
