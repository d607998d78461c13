/**
 * The single instance's replay protection (`usedSignaturesFile.ts`): exact in process, answered from
 * the file once a claim is flushed, and what it wrote survives a restart — a clean stop writes every
 * claim, a SIGKILL forgets at most the claims since the last flush, and a signature whose window has
 * passed is accepted again.
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { assert, describe, it } from "@effect/vitest"
import { UsedSignatures } from "@senderid/domain"
import { Context, Deferred, Effect, Exit, Layer, Scope } from "effect"
import { TestClock } from "effect/testing"
import { layerFile } from "../../src/usedSignaturesFile.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-signature-journal-"))
let files = 0
const freshFile = () => join(directory, `journal-${files++}.db`)

/** An instance on the file, open until `scope` closes. */
const open = (filename: string, scope: Scope.Scope, flushIntervalMillis?: number) =>
  Layer.buildWithScope(
    layerFile({ filename, ...(flushIntervalMillis === undefined ? {} : { flushIntervalMillis }) }),
    scope
  ).pipe(Effect.map(Context.get(UsedSignatures)))

describe("UsedSignatures written behind to a file of their own", () => {
  it.live("lets exactly one of 100 concurrent claims of a signature win", () =>
    Effect.gen(function* () {
      const store = yield* open(freshFile(), yield* Effect.scope)
      for (let round = 0; round < 5; round++) {
        const results = yield* Effect.all(
          Array.from({ length: 100 }, () => store.claim(`sig-${round}`, "15 minutes")),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(results.filter(Boolean).length, 1, `round ${round}`)
      }
    })
  )

  it.live("refuses after a clean restart every signature claimed before it, flushed or not", () =>
    Effect.gen(function* () {
      const filename = freshFile()
      const first = yield* Scope.make()
      // An hour between flushes: only the stop itself can have written these.
      const before = yield* open(filename, first, 3_600_000)
      for (let i = 0; i < 50; i++) assert.isTrue(yield* before.claim(`sig-${i}`, "15 minutes"))
      yield* Scope.close(first, Exit.void)
      const after = yield* open(filename, yield* Effect.scope)
      for (let i = 0; i < 50; i++) assert.isFalse(yield* after.claim(`sig-${i}`, "15 minutes"))
      assert.isTrue(yield* after.claim("sig-new", "15 minutes"))
    })
  )

  it.live("refuses a replay once its claim is in the file and no longer in memory", () =>
    Effect.gen(function* () {
      const flushed = yield* Deferred.make<void>()
      const store = yield* Layer.buildWithScope(
        layerFile({
          filename: freshFile(),
          flushIntervalMillis: 10,
          onFlush: (written) => {
            if (written > 0) Deferred.doneUnsafe(flushed, Exit.void)
          }
        }),
        yield* Effect.scope
      ).pipe(Effect.map(Context.get(UsedSignatures)))
      assert.isTrue(yield* store.claim("sig-flushed", "15 minutes"))
      yield* Deferred.await(flushed)
      assert.isFalse(yield* store.claim("sig-flushed", "15 minutes"))
      assert.isTrue(yield* store.claim("sig-next", "15 minutes"))
    })
  )

  it.effect("accepts again, after a restart, a signature whose window has passed", () =>
    Effect.gen(function* () {
      const filename = freshFile()
      const first = yield* Scope.make()
      const before = yield* open(filename, first)
      yield* TestClock.adjust("1 hour")
      assert.isTrue(yield* before.claim("short", "1 second"))
      assert.isTrue(yield* before.claim("long", "15 minutes"))
      yield* Scope.close(first, Exit.void)
      yield* TestClock.adjust("2 seconds")
      const after = yield* open(filename, yield* Effect.scope)
      assert.isTrue(yield* after.claim("short", "15 minutes"))
      assert.isFalse(yield* after.claim("long", "15 minutes"))
    })
  )

  it.live(
    "refuses after a SIGKILL a signature claimed one flush before it",
    () =>
      Effect.gen(function* () {
        const filename = freshFile()
        const child = spawn(
          process.execPath,
          [join(import.meta.dirname, "../support/signatureClaimer.ts"), filename, "sig-killed"],
          { stdio: ["ignore", "pipe", "inherit"] }
        )
        yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
        // The claim, then the flush that wrote it: the line the parent waits for before the kill.
        yield* Effect.promise(
          () =>
            new Promise<void>((resolve, reject) => {
              const lines = createInterface({ input: child.stdout })
              lines.on("line", (line) => {
                if (line.startsWith("flushed")) resolve()
              })
              child.once("exit", (code) => reject(new Error(`claimer exited with ${code} before a flush`)))
            })
        )
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
        child.kill("SIGKILL")
        yield* Effect.promise(() => exited)
        const after = yield* open(filename, yield* Effect.scope)
        assert.isFalse(yield* after.claim("sig-killed", "15 minutes"))
        assert.isTrue(yield* after.claim("sig-other", "15 minutes"))
      }),
    60_000
  )
})
