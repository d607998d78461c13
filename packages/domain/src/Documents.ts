/**
 * The customer's evidence documents: upload (base64 or data URL, typed by its bytes, size-capped),
 * list with paging, read, download and delete. Bytes go to the blob store before the metadata is
 * committed, so a document that is listed always has its file.
 */
import { Context, Effect, Layer, Option } from "effect"
import { SecureRandom } from "effect/crypto"
import { accountActor } from "./AuditEntry.ts"
import { assertUsable, type Document, type DocumentCategory } from "./Document.ts"
import { DocumentBlobStore } from "./DocumentBlobStore.ts"
import { decodeUpload } from "./DocumentFile.ts"
import * as Identifier from "./Identifier.ts"
import { requireAccount, stamp } from "./internal/unitOfWork.ts"
import { RegistryPolicy } from "./RegistryPolicy.ts"
import { DocumentInUse, DocumentNotFound } from "./SenderIdError.ts"
import { type DocumentQuery, SenderIdRepository } from "./SenderIdRepository.ts"

const ALL_CATEGORIES: ReadonlyArray<DocumentCategory> = [
  "SENDERID_APPROVAL",
  "SENDERID_LIMITATION",
  "SENDERID_IDENTIFICATION",
  "SENDERID_CONSIGNMENT"
]

export class Documents extends Context.Service<Documents>()("@senderid/domain/Documents", {
  make: Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const blobs = yield* DocumentBlobStore
    const policy = yield* RegistryPolicy
    // Identifiers come from the CSPRNG this service was built with.
    const drawing = Effect.provideService(SecureRandom.SecureRandom, yield* SecureRandom.SecureRandom)

    const owned = Effect.fn("Documents.owned")(function* (accountId: string, documentId: string) {
      const found = yield* repository.findDocument(documentId)
      return yield* assertUsable(Option.getOrUndefined(found), documentId, accountId, ALL_CATEGORIES)
    })

    const upload = Effect.fn("Documents.upload")(function* (
      accountId: string,
      input: {
        readonly file: string
        readonly category: DocumentCategory
        readonly name?: string | undefined
      }
    ) {
      yield* requireAccount(repository, accountId)
      const file = yield* decodeUpload(input.file, {
        maxBytes: policy.maxDocumentBytes,
        ...(input.name === undefined ? {} : { name: input.name })
      })
      const documentId = yield* Identifier.make("DOC")
      const { now } = yield* stamp(accountActor(accountId))
      const originalName = input.name ?? `${documentId}.${file.fileType === "jpeg" ? "jpg" : file.fileType}`
      const document: Document = {
        documentId,
        accountId,
        name: input.name ?? originalName,
        originalName,
        category: input.category,
        fileType: file.fileType,
        mimeType: file.mimeType,
        size: file.size,
        use: false,
        dateCreated: now
      }
      yield* blobs.put(documentId, file.bytes)
      yield* repository
        .commit([{ _tag: "InsertDocument", document }])
        .pipe(Effect.tapError(() => Effect.ignore(blobs.remove(documentId))))
      return document
    }, drawing)

    const list = Effect.fn("Documents.list")(function* (accountId: string, query: DocumentQuery) {
      return yield* repository.listDocuments(accountId, query)
    })

    const get = Effect.fn("Documents.get")(function* (accountId: string, documentId: string) {
      return yield* owned(accountId, documentId)
    })

    const download = Effect.fn("Documents.download")(function* (accountId: string, documentId: string) {
      const document = yield* owned(accountId, documentId)
      const bytes = yield* blobs.get(documentId)
      if (Option.isNone(bytes)) return yield* new DocumentNotFound({ documentId })
      return { document, bytes: bytes.value }
    })

    /** Deletes documents that no pending review needs; all or none. */
    const remove = Effect.fn("Documents.remove")(function* (
      accountId: string,
      documentIds: ReadonlyArray<string>
    ) {
      const documents: Array<Document> = []
      for (const documentId of new Set(documentIds)) documents.push(yield* owned(accountId, documentId))
      const account = yield* requireAccount(repository, accountId)
      const senderIds = yield* repository.listSenderIds(accountId)
      const pendingReviews = [
        ...senderIds.flatMap((s) =>
          s.approvalDocuments
            .filter((a) => a.status === "PENDING")
            .map((a) => [a.approvalId, a.documents] as const)
        ),
        ...account.limitationRequests
          .filter((r) => r.status === "PENDING")
          .map((r) => [r.limitationId, r.documents] as const)
      ]
      for (const document of documents) {
        const review = pendingReviews.find(([, ids]) => ids.includes(document.documentId))
        if (review) return yield* new DocumentInUse({ documentId: document.documentId, reviewId: review[0] })
      }
      yield* repository.commit(
        documents.map((d) => ({ _tag: "DeleteDocument", documentId: d.documentId }) as const)
      )
      // Metadata first: a failure here leaves an unreachable file, never a listed document without bytes.
      yield* Effect.forEach(documents, (d) => blobs.remove(d.documentId), { discard: true })
      return documents
    })

    return { upload, list, get, download, remove }
  })
}) {
  static readonly layer = Layer.effect(Documents, Documents.make)
}
