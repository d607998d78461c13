import { assert, describe, it } from "@effect/vitest"
import { generateCredentials, generateWebhookSecret } from "../src/Credentials.ts"

describe("generateCredentials", () => {
  it("draws SOLAPI-like keys and secrets, all distinct over 1,000 draws", () => {
    const draws = Array.from({ length: 1000 }, generateCredentials)
    for (const { apiKey, secret } of draws) {
      assert.match(apiKey, /^NCS[0-9A-Z]{13}$/u)
      assert.match(secret, /^[0-9A-Z]{32}$/u)
    }
    assert.strictEqual(new Set(draws.map((d) => d.apiKey)).size, 1000)
    assert.strictEqual(new Set(draws.map((d) => d.secret)).size, 1000)
  })

  it("uses every character of [0-9A-Z] in roughly equal measure", () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 1000; i++) {
      for (const char of generateCredentials().secret) counts.set(char, (counts.get(char) ?? 0) + 1)
    }
    assert.strictEqual(counts.size, 36)
    // 32,000 draws: each character expects ~889; ±25% is far outside chance.
    for (const [char, count] of counts) assert.isTrue(count > 667 && count < 1111, `${char}: ${count}`)
  })
})

describe("generateWebhookSecret", () => {
  it("draws a whsec_ secret of 32 characters, distinct every time", () => {
    const draws = Array.from({ length: 200 }, generateWebhookSecret)
    for (const secret of draws) assert.match(secret, /^whsec_[0-9A-Z]{32}$/u)
    assert.strictEqual(new Set(draws).size, 200)
  })
})
