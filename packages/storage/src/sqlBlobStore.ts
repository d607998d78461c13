/**
 * `DocumentBlobStore` as rows of one table through `SqlClient`: the edge option (D1 on Workers,
 * where there is no filesystem), also usable on SQLite and PostgreSQL. Documents are capped at
 * 700 KB, well inside D1's 2 MB row limit; each write is one statement, so a blob is never partial.
 */
import { DocumentBlobError, DocumentBlobStore } from "@senderid/domain"
import { Effect, Layer, Option } from "effect"
import * as SqlClient from "effect/sql/SqlClient"

/**
 * Drivers hand BLOBs back differently: `Uint8Array` (SQLite), `Buffer` (pg, possibly a slice of a
 * shared pool, hence the copy), `ArrayBuffer` or an array of numbers (D1).
 */
const bytesOf = (value: unknown): Uint8Array =>
  value instanceof Uint8Array
    ? new Uint8Array(value)
    : value instanceof ArrayBuffer
      ? new Uint8Array(value)
      : Uint8Array.from(value as ArrayLike<number>)

/** Its table comes from the `2_server_stores` migration, applied by each engine's `layerClient`. */
export const layerSqlBlobs: Layer.Layer<DocumentBlobStore, DocumentBlobError, SqlClient.SqlClient> =
  Layer.effect(
    DocumentBlobStore,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient

      const fail = (documentId: string) => (cause: unknown) => new DocumentBlobError({ documentId, cause })

      return DocumentBlobStore.of({
        put: Effect.fn("DocumentBlobStore.put")(function* (documentId: string, bytes: Uint8Array) {
          yield* sql`INSERT INTO document_blobs (document_id, bytes) VALUES (${documentId}, ${bytes})
          ON CONFLICT (document_id) DO UPDATE SET bytes = excluded.bytes`.pipe(
            Effect.mapError(fail(documentId))
          )
        }),
        get: Effect.fn("DocumentBlobStore.get")(function* (documentId: string) {
          const rows = yield* sql<{ bytes: unknown }>`SELECT bytes FROM document_blobs
          WHERE document_id = ${documentId}`.pipe(Effect.mapError(fail(documentId)))
          return Option.map(Option.fromNullishOr(rows[0]), (row) => bytesOf(row.bytes))
        }),
        remove: Effect.fn("DocumentBlobStore.remove")(function* (documentId: string) {
          yield* sql`DELETE FROM document_blobs WHERE document_id = ${documentId}`.pipe(
            Effect.mapError(fail(documentId))
          )
        })
      })
    })
  )
