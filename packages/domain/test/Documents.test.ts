import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { Base64 } from "effect/encoding"
import { DocumentBlobStore } from "../src/DocumentBlobStore.ts"
import { Documents } from "../src/Documents.ts"
import { inRegistry, NOW, openAccount, PDF, register, tagOf, upload } from "./registryHarness.ts"

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00])

describe("evidence documents", () => {
  it.effect("stores an upload typed by its bytes, with its size and the uploader", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const document = yield* Documents.use((d) =>
          d.upload("A", {
            file: `data:image/png;base64,${Base64.encode(PNG)}`,
            category: "SENDERID_APPROVAL"
          })
        )
        assert.strictEqual(document.accountId, "A")
        assert.strictEqual(document.fileType, "png")
        assert.strictEqual(document.mimeType, "image/png")
        assert.strictEqual(document.size, PNG.length)
        assert.isFalse(document.use)
        assert.strictEqual(document.dateCreated, NOW)
        assert.isTrue(document.documentId.startsWith("DOC"))
        const download = yield* Documents.use((d) => d.download("A", document.documentId))
        assert.deepStrictEqual([...download.bytes], [...PNG])
      })
    )
  )

  it.effect("refuses a renamed executable and a file over the cap, storing nothing", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const exe = yield* tagOf(
          Documents.use((d) =>
            d.upload("A", { file: Base64.encode(EXE), category: "SENDERID_APPROVAL", name: "a.pdf" })
          )
        )
        assert.strictEqual(exe, "InvalidFileType")
        const big = new Uint8Array(700 * 1024 + 1)
        big.set(PDF)
        const tooLarge = yield* tagOf(
          Documents.use((d) => d.upload("A", { file: Base64.encode(big), category: "SENDERID_APPROVAL" }))
        )
        assert.strictEqual(tooLarge, "FileSizeTooLarge")
        const listed = yield* Documents.use((d) => d.list("A", { limit: 10 }))
        assert.strictEqual(listed.items.length, 0)
      })
    )
  )

  it.effect("hides a document from every account but its uploader", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* openAccount("B")
        const document = yield* upload("A")
        assert.strictEqual(
          yield* tagOf(Documents.use((d) => d.get("B", document.documentId))),
          "DocumentNotFound"
        )
        assert.strictEqual(
          yield* tagOf(Documents.use((d) => d.download("B", document.documentId))),
          "DocumentNotFound"
        )
        assert.strictEqual(
          yield* tagOf(Documents.use((d) => d.remove("B", [document.documentId]))),
          "DocumentNotFound"
        )
        assert.strictEqual((yield* Documents.use((d) => d.list("B", { limit: 10 }))).items.length, 0)
      })
    )
  )

  it.effect("pages documents with startKey and nextKey", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const uploaded = []
        for (let i = 0; i < 5; i++) uploaded.push(yield* upload("A"))
        const ids = uploaded.map((d) => d.documentId).sort()
        const first = yield* Documents.use((d) => d.list("A", { limit: 3 }))
        assert.deepStrictEqual(
          first.items.map((d) => d.documentId),
          ids.slice(0, 3)
        )
        const second = yield* Documents.use((d) =>
          d.list("A", { limit: 3, startKey: first.nextKey as string })
        )
        assert.deepStrictEqual(
          second.items.map((d) => d.documentId),
          ids.slice(3)
        )
        assert.isNull(second.nextKey)
      })
    )
  )

  it.effect("refuses to delete a document a pending review needs, and deletes it with its bytes after", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        const document = yield* upload("A")
        yield* register("A", "15881234", [document.documentId])
        assert.strictEqual(
          yield* tagOf(Documents.use((d) => d.remove("A", [document.documentId]))),
          "DocumentInUse"
        )
        const spare = yield* upload("A")
        const deleted = yield* Documents.use((d) => d.remove("A", [spare.documentId]))
        assert.deepStrictEqual(
          deleted.map((d) => d.documentId),
          [spare.documentId]
        )
        assert.strictEqual(
          yield* tagOf(Documents.use((d) => d.get("A", spare.documentId))),
          "DocumentNotFound"
        )
        const bytes = yield* DocumentBlobStore.use((b) => b.get(spare.documentId))
        assert.isTrue(Option.isNone(bytes))
      })
    )
  )
})
