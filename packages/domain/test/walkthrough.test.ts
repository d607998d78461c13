/**
 * `pnpm start` runs the walk-through until the server exists; this keeps it from rotting.
 */
import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"

describe("the walk-through", () => {
  it("runs to the end and shows the sweep expiring both verified numbers", () => {
    const output = execFileSync(
      process.execPath,
      [join(import.meta.dirname, "..", "examples", "walkthrough.ts")],
      {
        encoding: "utf8",
        timeout: 30_000
      }
    )
    assert.include(output, "a third number is refused: SenderIdLimitReached")
    assert.include(output, "1588-1234-5        → refused, representativeLength")
    assert.include(output, "Account 30000001 registers 01023456789: DUPLICATED")
    assert.include(output, '"expired": 2')
    assert.include(output, "senderid.expired 15881234")
  })
})
