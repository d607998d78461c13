/**
 * The evidence-document routes: upload (base64 or data URL), list a page at a time with SOLAPI's
 * filters (`field[op]=value` included), read one, download its bytes, delete several at once.
 */
import { Wire } from "@senderid/contract"
import { type Document, type DocumentQuery, Documents, Identifier } from "@senderid/domain"
import { Effect, Schema } from "effect"
import { pageLimit } from "../QueryParameters.ts"
import { reject } from "../RequestError.ts"
import type { Handlers } from "../Route.ts"

const DOCUMENT_PAGE_DEFAULT = 20
const DOCUMENT_PAGE_MAX = 100
const CATEGORIES: ReadonlyArray<string> = Wire.DocumentView.fields.category.literals

const isDocumentId = (value: string) => value.startsWith("DOC") && Schema.is(Identifier.Identifier)(value)

const fileUrl = (origin: string, documentId: string) =>
  `${origin}/senderid/v1/documents/${encodeURIComponent(documentId)}/file`

/** SOLAPI's list filters: `name=value`, `name[eq]=value`, and for dates `[gte] [gt] [lte] [lt]`. */
const documentQuery = (query: Readonly<Record<string, ReadonlyArray<string>>>, limit: number) =>
  Effect.gen(function* () {
    const result: { -readonly [K in keyof DocumentQuery]: DocumentQuery[K] } = { limit }
    for (const [key, values] of Object.entries(query)) {
      const value = values.at(-1) ?? ""
      const match = /^([A-Za-z]+)(?:\[([a-z]+)\])?$/u.exec(key)
      const field = match?.[1] ?? key
      const op = match?.[2] ?? "eq"
      const invalid = reject("InvalidParameter", { field: key, problem: "value" })
      const unknown = reject("InvalidParameter", { field: key, problem: "unknown" })
      const date = () => {
        const millis = Date.parse(value)
        return Number.isNaN(millis) || !/^\d{4}-\d{2}-\d{2}/u.test(value)
          ? Effect.fail(invalid)
          : Effect.succeed(millis)
      }
      switch (field) {
        case "limit":
          // Read by `pageLimit` from `limit` alone: a bracketed spelling would be silently ignored.
          if (match?.[2] !== undefined) return yield* unknown
          break
        case "startKey":
          if (op !== "eq") return yield* unknown
          // A key this server hands out is a document id; anything else is refused, never echoed.
          if (!isDocumentId(value)) return yield* invalid
          result.startKey = value
          break
        case "documentId":
          if (op !== "eq") return yield* unknown
          result.documentId = value
          break
        case "category":
          if (op !== "eq") return yield* unknown
          if (!CATEGORIES.includes(value)) {
            return yield* reject("InvalidParameter", {
              field: key,
              problem: "value",
              expected: { _tag: "OneOf", values: CATEGORIES }
            })
          }
          result.category = value as DocumentQuery["category"] & string
          break
        case "use":
          if (op !== "eq") return yield* unknown
          if (value !== "true" && value !== "false") return yield* invalid
          result.use = value === "true"
          break
        case "startDate":
          // The operator is in the name (at or after); any other would be silently misread.
          if (op !== "eq") return yield* unknown
          result.from = yield* date()
          break
        case "endDate":
          if (op !== "eq") return yield* unknown
          result.to = yield* date()
          break
        case "dateCreated": {
          const millis = yield* date()
          if (op === "gte" || op === "eq") result.from = millis
          if (op === "gt") result.from = millis + 1
          if (op === "lte" || op === "eq") result.to = millis
          if (op === "lt") result.to = millis - 1
          if (!["eq", "gte", "gt", "lte", "lt"].includes(op)) return yield* unknown
          break
        }
        default:
          return yield* unknown
      }
    }
    return result as DocumentQuery
  })

/** A document's bytes as a download, with the content type its bytes were checked to be. */
export const fileResponse = ({
  document,
  bytes
}: {
  readonly document: Document.Document
  readonly bytes: Uint8Array
}): Response =>
  new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": document.mimeType,
      "content-length": String(bytes.byteLength),
      // Evidence is private: never let a shared cache keep it, never let a browser sniff it.
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(document.originalName)}`
    }
  })

export const documentHandlers: Handlers<
  "uploadDocument" | "listDocuments" | "getDocument" | "downloadDocument" | "deleteDocuments"
> = {
  uploadDocument: ({ accountId, body, origin }) =>
    Documents.use((d) => d.upload(accountId, body)).pipe(
      Effect.map((document) => Wire.documentView(document, fileUrl(origin, document.documentId)))
    ),

  listDocuments: ({ accountId, query, origin }) =>
    Effect.gen(function* () {
      const limit = yield* pageLimit(query.limit, "limit", DOCUMENT_PAGE_DEFAULT, DOCUMENT_PAGE_MAX)
      const filter = yield* documentQuery(query, limit)
      const page = yield* Documents.use((d) => d.list(accountId, filter))
      return {
        startKey: filter.startKey ?? null,
        nextKey: page.nextKey,
        limit,
        data: page.items.map((document) => Wire.documentView(document, fileUrl(origin, document.documentId)))
      }
    }),

  getDocument: ({ accountId, param, origin }) =>
    Documents.use((d) => d.get(accountId, param("documentId"))).pipe(
      Effect.map((document) => Wire.documentView(document, fileUrl(origin, document.documentId)))
    ),

  downloadDocument: ({ accountId, param }) =>
    Documents.use((d) => d.download(accountId, param("documentId"))).pipe(Effect.map(fileResponse)),

  deleteDocuments: ({ accountId, body, origin }) =>
    Documents.use((d) => d.remove(accountId, body.documents)).pipe(
      Effect.map((documents) =>
        documents.map((document) => Wire.documentView(document, fileUrl(origin, document.documentId)))
      )
    )
}
