/**
 * Evidence documents' metadata: who uploaded a file, which kind of request it may support, its
 * real type and size, and whether a request already references it. The bytes themselves live
 * behind the `DocumentBlobStore` port.
 */
import { Effect, Schema } from "effect"
import { FileType } from "./DocumentFile.ts"
import { DocumentCategoryMismatch, DocumentNotFound } from "./SenderIdError.ts"

export const DocumentCategory = Schema.Literals([
  "SENDERID_APPROVAL",
  "SENDERID_LIMITATION",
  "SENDERID_IDENTIFICATION",
  "SENDERID_CONSIGNMENT"
])
export type DocumentCategory = typeof DocumentCategory.Type

export const Document = Schema.Struct({
  documentId: Schema.String,
  accountId: Schema.String,
  /** The name the uploader gave, or the original file name. */
  name: Schema.String,
  originalName: Schema.String,
  category: DocumentCategory,
  fileType: FileType,
  mimeType: Schema.String,
  size: Schema.Number,
  /** Whether an evidence submission or a limitation request references the document. */
  use: Schema.Boolean,
  dateCreated: Schema.Number
})
export type Document = typeof Document.Type

/** Which document categories each kind of request accepts: an evidence submission takes the
 * approval papers plus identification and consignment letters; a limit request only its own. */
export const APPROVAL_CATEGORIES: ReadonlyArray<DocumentCategory> = [
  "SENDERID_APPROVAL",
  "SENDERID_IDENTIFICATION",
  "SENDERID_CONSIGNMENT"
]
export const LIMITATION_CATEGORIES: ReadonlyArray<DocumentCategory> = ["SENDERID_LIMITATION"]

/** A document may back a request only for the account that uploaded it and only in a category the
 * request accepts. Another account's document is reported as not found, so ids never leak. */
export const assertUsable = (
  document: Document | undefined,
  documentId: string,
  accountId: string,
  accepted: ReadonlyArray<DocumentCategory>
): Effect.Effect<Document, DocumentNotFound | DocumentCategoryMismatch> => {
  if (document === undefined || document.accountId !== accountId) {
    return Effect.fail(new DocumentNotFound({ documentId }))
  }
  if (!accepted.includes(document.category)) {
    return Effect.fail(
      new DocumentCategoryMismatch({ documentId, category: document.category, expected: [...accepted] })
    )
  }
  return Effect.succeed(document)
}
