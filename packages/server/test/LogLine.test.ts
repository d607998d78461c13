import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { formatLogLine, makeJsonLog } from "../src/LogLine.ts"
import { makeHarness } from "./support/harness.ts"

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/u

/** A JSON log writing into an array, and the lines parsed back. */
const collect = () => {
  const texts: Array<string> = []
  const log = makeJsonLog((text) => texts.push(text))
  const parsed = () => texts.map((t) => JSON.parse(t) as Record<string, unknown>)
  return { texts, log, parsed }
}

const run = (effect: Effect.Effect<void>, logger: Logger.Logger<unknown, void>) =>
  Effect.runSync(effect.pipe(Effect.provide(Logger.layer([logger]))))

describe("LogLine", () => {
  it("writes a request line and Effect's lines in one shape: time (ISO 8601), level, message, fields", async () => {
    const { log, parsed } = collect()
    const h = makeHarness({ rateLimit: false, log: log.line })
    await h.app.request("/senderid/v1/nothing")
    run(Effect.logInfo("expiry sweep").pipe(Effect.annotateLogs({ expired: 2, removed: 0 })), log.logger)
    run(Effect.logWarning("event relay round failed"), log.logger)
    const [request, sweep, relay] = parsed()
    for (const line of [request, sweep, relay]) {
      assert.match(String(line?.time), ISO)
      assert.isString(line?.message)
      for (const effectKey of ["timestamp", "annotations", "fiberId", "spans"])
        assert.notProperty(line, effectKey)
    }
    assert.deepInclude(request, { level: "warn", message: "request", status: 404, errorCode: "NotFound" })
    assert.deepInclude(sweep, { level: "info", message: "expiry sweep", expired: 2, removed: 0 })
    assert.deepInclude(relay, { level: "warn", message: "event relay round failed" })
  })

  it("gives a failure's cause, pretty-printed, and further message parts as details", () => {
    const { log, parsed } = collect()
    run(
      Effect.fail(new Error("database is locked")).pipe(
        Effect.catchCause((cause) => Effect.logError("sweep failed", { attempt: 3 }, cause))
      ),
      log.logger
    )
    const [line] = parsed()
    assert.strictEqual(line?.level, "error")
    assert.strictEqual(line?.message, "sweep failed")
    assert.deepStrictEqual(line?.details, [{ attempt: 3 }])
    assert.include(String(line?.cause), "database is locked")
  })

  it("keeps its own time, level and message whatever an annotation is called", () => {
    const { log, parsed } = collect()
    run(
      Effect.logInfo("registry event").pipe(
        Effect.annotateLogs({ time: 0, level: "fatal", message: "forged", accountId: "ACME" })
      ),
      log.logger
    )
    const [line] = parsed()
    assert.match(String(line?.time), ISO)
    assert.deepInclude(line, { level: "info", message: "registry event", accountId: "ACME" })
  })

  it("writes C1 and bidirectional controls as escapes, so a terminal shows them instead of acting", () => {
    const text = formatLogLine({
      time: "2026-11-17T00:00:00.000Z",
      level: "info",
      message: "request",
      path: "/senderid/v1/numbers/\u009b2J\u202egnp.exe\u001b]8;;x\u0007\u2028"
    })
    const raw = [...text].filter((c) => {
      const code = c.charCodeAt(0)
      return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x202e || code === 0x2028
    })
    assert.deepStrictEqual(raw, [])
    assert.include(text, "\\u009b2J\\u202egnp.exe")
    assert.strictEqual(
      (JSON.parse(text) as { path: string }).path,
      "/senderid/v1/numbers/\u009b2J\u202egnp.exe\u001b]8;;x\u0007\u2028"
    )
  })

  it("never lets a failing sink fail what it logs", () => {
    const log = makeJsonLog(() => {
      throw new Error("stdout closed")
    })
    assert.doesNotThrow(() => log.line({ time: "2026-11-17T00:00:00.000Z", level: "info", message: "x" }))
    assert.doesNotThrow(() => run(Effect.logInfo("x"), log.logger))
  })
})
