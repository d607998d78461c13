import { assert, describe, it } from "@effect/vitest"
import { RepositoryError } from "../src/SenderIdError.ts"

describe("RepositoryError", () => {
  it("names the operation and the innermost reason of a wrapped cause", () => {
    const engine = new Error("database or disk is full")
    const wrapped = new Error("Failed to execute statement", { cause: engine })
    assert.strictEqual(
      new RepositoryError({ operation: "commit", cause: wrapped }).message,
      "commit: database or disk is full"
    )
  })

  it("still has a message when the cause is an object without a prototype", () => {
    const cause = Object.assign(Object.create(null) as object, { code: 5 })
    assert.strictEqual(new RepositoryError({ operation: "commit", cause }).message, "commit: [object Object]")
  })
})
