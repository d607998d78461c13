/**
 * Where evidence files' bytes live: files on disk for Node, object storage at the edge, memory for
 * tests. Kept apart from the repository so metadata queries never drag file contents along.
 */
import { Context, Effect, Layer, Option, Ref } from "effect"
import type { DocumentBlobError } from "./SenderIdError.ts"

export interface DocumentBlobStoreShape {
  readonly put: (documentId: string, bytes: Uint8Array) => Effect.Effect<void, DocumentBlobError>
  readonly get: (documentId: string) => Effect.Effect<Option.Option<Uint8Array>, DocumentBlobError>
  /** Deleting a missing blob succeeds: deletion is retried after partial failures. */
  readonly remove: (documentId: string) => Effect.Effect<void, DocumentBlobError>
}

export class DocumentBlobStore extends Context.Service<DocumentBlobStore, DocumentBlobStoreShape>()(
  "@senderid/domain/DocumentBlobStore"
) {
  static readonly layerMemory = Layer.effect(
    DocumentBlobStore,
    Effect.gen(function* () {
      const blobs = yield* Ref.make(new Map<string, Uint8Array>())
      return {
        put: (documentId, bytes) => Ref.update(blobs, (m) => new Map(m).set(documentId, bytes.slice())),
        get: (documentId) => Ref.get(blobs).pipe(Effect.map((m) => Option.fromNullishOr(m.get(documentId)))),
        remove: (documentId) =>
          Ref.update(blobs, (m) => {
            const next = new Map(m)
            next.delete(documentId)
            return next
          })
      }
    })
  )
}
