/**
 * Document blobs as table rows (the edge option) on SQLite and PostgreSQL: every byte value comes
 * back as written, and two instances on one database share the blobs.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { DocumentBlobStore } from "@senderid/domain"
import { Context, Effect, Layer, Option } from "effect"
import * as Postgres from "../../src/postgres.ts"
import { layerSqlBlobs } from "../../src/sqlBlobStore.ts"
import * as Sqlite from "../../src/sqlite.ts"
import { freshDatabase } from "../support/postgres.ts"

let serial = 0
const documentId = () => `DOC20260101120000${String(serial++).padStart(15, "0")}`
const everyByte = Uint8Array.from({ length: 700 * 1024 }, (_, i) => i % 256)

const sharedBlobs = <E>(engine: string, make: () => Layer.Layer<DocumentBlobStore, E>) =>
  describe(`DocumentBlobStore on ${engine} rows`, () => {
    it.live("stores, reads, overwrites and removes a blob; a missing one reads as none", () =>
      Effect.gen(function* () {
        const blobs = yield* Layer.build(make()).pipe(Effect.map(Context.get(DocumentBlobStore)))
        const id = documentId()
        assert.isTrue(Option.isNone(yield* blobs.get(id)))
        yield* blobs.put(id, everyByte)
        const stored = Option.getOrThrow(yield* blobs.get(id))
        assert.strictEqual(Object.getPrototypeOf(stored), Uint8Array.prototype)
        assert.deepStrictEqual(stored, everyByte)
        yield* blobs.put(id, Uint8Array.of(1, 2, 3))
        assert.deepStrictEqual(yield* blobs.get(id), Option.some(Uint8Array.of(1, 2, 3)))
        yield* blobs.remove(id)
        yield* blobs.remove(id)
        assert.isTrue(Option.isNone(yield* blobs.get(id)))
      })
    )

    it.live("shares blobs between two instances on one database", () =>
      Effect.gen(function* () {
        const a = yield* Layer.build(make()).pipe(Effect.map(Context.get(DocumentBlobStore)))
        const b = yield* Layer.build(make()).pipe(Effect.map(Context.get(DocumentBlobStore)))
        const id = documentId()
        yield* a.put(id, everyByte)
        assert.deepStrictEqual(yield* b.get(id), Option.some(everyByte))
        yield* b.remove(id)
        assert.isTrue(Option.isNone(yield* a.get(id)))
      })
    )
  })

const directory = mkdtempSync(join(tmpdir(), "senderid-sql-blobs-"))
sharedBlobs("SQLite", () =>
  layerSqlBlobs.pipe(Layer.provide(Sqlite.layerClient({ filename: join(directory, "blobs.db") })))
)
const url = freshDatabase("document_blobs")
sharedBlobs("PostgreSQL", () => layerSqlBlobs.pipe(Layer.provide(Postgres.layerClient({ url }))))
