/**
 * Document blobs as files: whole or absent to every reader (during a write, after a failed or
 * interrupted one), shared by two instances on one directory, and no id can name another path.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, watch, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { DocumentBlobStore } from "@senderid/domain"
import { Context, Effect, Fiber, Layer, Option } from "effect"
import { layerFiles } from "../../src/fileBlobStore.ts"

let serial = 0
/** A fresh document id of the documented shape. */
const documentId = () => `DOC20260101120000${String(serial++).padStart(15, "0")}`
const freshDirectory = () => mkdtempSync(join(tmpdir(), "senderid-blobs-"))
const store = (directory: string) =>
  Layer.build(layerFiles(directory)).pipe(Effect.map(Context.get(DocumentBlobStore)))

const bytesOf = (length: number, seed: number) => {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) % 251
  return bytes
}
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i])
const tempFiles = (directory: string) => readdirSync(directory).filter((name) => name.endsWith(".tmp"))

/** Succeeds once a temporary file exists in `directory`: the directory is watched, not polled. */
const tempFileCreated = (directory: string) =>
  Effect.callback<void>((resume) => {
    const watcher = watch(directory, () => {
      if (tempFiles(directory).length === 0) return
      watcher.close()
      resume(Effect.void)
    })
    // Watching first, then looking: a file created in between is seen either way.
    if (tempFiles(directory).length > 0) {
      watcher.close()
      resume(Effect.void)
    }
    return Effect.sync(() => watcher.close())
  })

describe("DocumentBlobStore on files", () => {
  it.live("stores, reads, overwrites and removes a blob", () =>
    Effect.gen(function* () {
      const blobs = yield* store(freshDirectory())
      const id = documentId()
      const first = bytesOf(1000, 1)
      yield* blobs.put(id, first)
      first[0] = 255 // the caller's buffer is not the stored blob
      assert.deepStrictEqual(yield* blobs.get(id), Option.some(bytesOf(1000, 1)))
      yield* blobs.put(id, bytesOf(10, 2))
      assert.deepStrictEqual(yield* blobs.get(id), Option.some(bytesOf(10, 2)))
      yield* blobs.remove(id)
      assert.isTrue(Option.isNone(yield* blobs.get(id)))
    })
  )

  it.live("reads a missing blob as none and removes it without complaint", () =>
    Effect.gen(function* () {
      const blobs = yield* store(freshDirectory())
      assert.isTrue(Option.isNone(yield* blobs.get(documentId())))
      yield* blobs.remove(documentId())
    })
  )

  it.live("shares blobs between two instances on one directory", () =>
    Effect.gen(function* () {
      const directory = freshDirectory()
      const [a, b] = yield* Effect.all([store(directory), store(directory)])
      const id = documentId()
      yield* a.put(id, bytesOf(700 * 1024, 3))
      assert.isTrue(same(Option.getOrThrow(yield* b.get(id)), bytesOf(700 * 1024, 3)))
      yield* b.remove(id)
      assert.isTrue(Option.isNone(yield* a.get(id)))
    })
  )

  it.live("refuses ids that are not document ids, before touching the filesystem", () =>
    Effect.gen(function* () {
      const root = freshDirectory()
      const directory = join(root, "blobs")
      const blobs = yield* store(directory)
      writeFileSync(join(root, "secret"), "outside the store")
      const refused = [
        "../secret",
        "..",
        "",
        "DOC20260101120000/../../secret",
        "DOC20260101120000AAAAAAAAAAAAAA/",
        "doc20260101120000aaaaaaaaaaaaaaa",
        "DOC20260101120000AAAAAAAAAAAAAAA.tmp",
        "DOC20260101120000AAAAAAAAAAAAAA\u0000",
        "SED20260101120000AAAAAAAAAAAAAAA",
        `/${root}/secret`
      ]
      for (const id of refused) {
        for (const attempt of [blobs.put(id, bytesOf(3, 4)), blobs.get(id), blobs.remove(id)]) {
          const error = yield* Effect.flip(attempt)
          assert.strictEqual(error._tag, "DocumentBlobError", JSON.stringify(id))
          assert.strictEqual(error.documentId, id)
        }
      }
      assert.deepStrictEqual(readdirSync(directory), [])
      assert.isTrue(existsSync(join(root, "secret")))
    })
  )

  it.live("never shows a reader part of a blob while it is being written", () =>
    Effect.gen(function* () {
      const blobs = yield* store(freshDirectory())
      const id = documentId()
      const versions = [bytesOf(1024 * 1024, 5), bytesOf(1024 * 1024 + 17, 6)] as const
      yield* blobs.put(id, versions[0])
      let writing = true
      let reads = 0
      const writer = Effect.forEach(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? versions[1] : versions[0])),
        (bytes) => blobs.put(id, bytes)
      ).pipe(Effect.ensuring(Effect.sync(() => (writing = false))))
      const reader = Effect.gen(function* () {
        while (writing) {
          const seen = yield* blobs.get(id)
          assert.isTrue(Option.isSome(seen), `read ${reads} found no blob`)
          const bytes = Option.getOrThrow(seen)
          assert.isTrue(
            same(bytes, versions[0]) || same(bytes, versions[1]),
            `read ${reads}: ${bytes.length} bytes`
          )
          reads++
        }
      })
      yield* Effect.all([writer, reader, reader, reader], { concurrency: "unbounded", discard: true })
      assert.isAbove(reads, 8)
    })
  )

  it.live("leaves the previous blob and no temporary file after an interrupted write", () =>
    Effect.gen(function* () {
      const directory = freshDirectory()
      const blobs = yield* store(directory)
      const id = documentId()
      const fresh = documentId()
      yield* blobs.put(id, bytesOf(100, 7))
      for (const target of [id, fresh]) {
        // Interrupt once the temporary file exists, i.e. in the middle of writing 64 MiB to it.
        const created = yield* Effect.forkChild(tempFileCreated(directory), { startImmediately: true })
        const writing = yield* Effect.forkChild(blobs.put(target, bytesOf(64 * 1024 * 1024, 8)))
        yield* Fiber.join(created)
        yield* Fiber.interrupt(writing)
      }
      assert.isTrue(same(Option.getOrThrow(yield* blobs.get(id)), bytesOf(100, 7)))
      assert.isTrue(Option.isNone(yield* blobs.get(fresh)))
      assert.deepStrictEqual(tempFiles(directory), [])
    })
  )

  it.live("fails a write the filesystem refuses with DocumentBlobError and the cause, keeping nothing", () =>
    Effect.gen(function* () {
      const directory = freshDirectory()
      const blobs = yield* store(directory)
      const id = documentId()
      // A non-empty directory where the blob belongs makes the final rename fail.
      mkdirSync(join(directory, id))
      writeFileSync(join(directory, id, "occupant"), "x")
      const error = yield* Effect.flip(blobs.put(id, bytesOf(100, 9)))
      assert.strictEqual(error._tag, "DocumentBlobError")
      assert.strictEqual(error.documentId, id)
      assert.include(["EISDIR", "ENOTEMPTY", "EEXIST"], (error.cause as { code?: string }).code)
      assert.deepStrictEqual(tempFiles(directory), [])
    })
  )

  it.live("removes temporary files a crash left behind an hour ago, and only those", () =>
    Effect.gen(function* () {
      const directory = freshDirectory()
      const stale = join(directory, `.${documentId()}.crashed.tmp`)
      const recent = join(directory, `.${documentId()}.writing.tmp`)
      writeFileSync(stale, "half")
      writeFileSync(recent, "half")
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
      utimesSync(stale, twoHoursAgo, twoHoursAgo)
      yield* store(directory)
      assert.isFalse(existsSync(stale))
      assert.isTrue(existsSync(recent))
    })
  )
})
