/**
 * The README's two client examples run as written, against our server on a socket: the README
 * must contain each example file verbatim, and each file, run with Node, must do what it says.
 */
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { ourServer } from "./support/server.ts"

const run = promisify(execFile)
const root = join(import.meta.dirname, "..")
const readme = readFileSync(join(root, "../../README.md"), "utf8")

let server: Awaited<ReturnType<typeof ourServer>>
beforeAll(async () => {
  server = await ourServer()
})
afterAll(() => server.close())

const example = async (name: string) => {
  const source = readFileSync(join(root, "examples", name), "utf8")
  assert.include(readme, source.trim(), `the README shows examples/${name} as it is`)
  const { stdout, stderr } = await run(process.execPath, [join(root, "examples", name)], {
    cwd: root,
    env: {
      ...process.env,
      SENDERID_URL: server.origin,
      SENDERID_API_KEY: server.customer.apiKey,
      SENDERID_API_SECRET: server.customer.apiSecret
    }
  })
  return { stdout, stderr }
}

describe("the README's client examples", () => {
  it("Effect: registers a number (idempotently) and counts the usable ones", async () => {
    const { stdout, stderr } = await example("effect.ts")
    assert.strictEqual(stderr, "")
    assert.match(stdout, /^01023456789 PENDING ARS,BUSINESS_DOCUMENTS$/mu)
    assert.match(stdout, /^usable now: 0$/mu)
    // Run again: the same Idempotency-Key replays the first answer instead of failing as a duplicate.
    const again = await example("effect.ts")
    assert.strictEqual(again.stdout, stdout)
  })

  it("Promise: registers a number and catches the typed error of a bad one", async () => {
    const { stdout } = await example("promise.ts")
    assert.match(stdout, /^ACME holds \d of 5$/mu)
    assert.match(stdout, /^refused: 400 InvalidPhoneNumber$/mu)
  })
})
