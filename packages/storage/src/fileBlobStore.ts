/**
 * `DocumentBlobStore` as one file per document in a directory, for Node. A blob is written to a
 * temporary file beside its final name, flushed to disk and renamed into place, so a reader sees the
 * whole blob or none of it, even after a crash; ids are checked so none can name a path elsewhere.
 */
import { randomUUID } from "node:crypto"
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises"
import { join } from "node:path"
import { DocumentBlobError, DocumentBlobStore, Identifier } from "@senderid/domain"
import { Clock, Effect, Layer, Option, Schema } from "effect"

const isIdentifier = Schema.is(Identifier.Identifier)

/** Temporary files start with a dot and end in `.tmp`: never the name of a blob, never listed as one. */
const TEMP_SUFFIX = ".tmp"
/** Leftovers of writes a crash interrupted; younger ones may belong to a write still running. */
const STALE_TEMP_MILLIS = 60 * 60 * 1000

/** The cause when an id is not a document id: it could name another file or directory. */
class InvalidDocumentId extends Error {
  constructor(documentId: string) {
    super(
      `${JSON.stringify(documentId)} is not a document id (DOC, 14 digits, 15 upper-case letters or digits)`
    )
  }
}

const isMissing = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause && cause.code === "ENOENT"

/** Makes a rename durable: the directory entry itself is flushed. */
const syncDirectory = (directory: string) =>
  Effect.acquireUseRelease(
    Effect.tryPromise(() => open(directory, "r")),
    (handle) => Effect.tryPromise(() => handle.sync()),
    (handle) => Effect.promise(() => handle.close())
  )

const removeStaleTemps = (directory: string, now: number) =>
  Effect.tryPromise(() => readdir(directory)).pipe(
    Effect.flatMap((names) =>
      Effect.forEach(
        names.filter((name) => name.startsWith(".") && name.endsWith(TEMP_SUFFIX)),
        (name) =>
          Effect.tryPromise(async () => {
            const path = join(directory, name)
            if (now - (await stat(path)).mtimeMs > STALE_TEMP_MILLIS) await rm(path, { force: true })
          }),
        { discard: true }
      )
    )
  )

/**
 * Blobs as files in `directory` (created if missing). Leftover temporary files older than an hour
 * are removed when the layer is built. A directory the process cannot create is a defect of the
 * deployment, not a failure of any one document.
 */
export const layerFiles = (directory: string): Layer.Layer<DocumentBlobStore> =>
  Layer.effect(
    DocumentBlobStore,
    Effect.gen(function* () {
      yield* Effect.promise(() => mkdir(directory, { recursive: true }))
      yield* removeStaleTemps(directory, yield* Clock.currentTimeMillis).pipe(
        Effect.catch((error) => Effect.logWarning("removing stale temporary blob files failed", error))
      )

      const fail = (documentId: string) => (cause: unknown) => new DocumentBlobError({ documentId, cause })

      /** The blob's path, once the id is known to be a document id and nothing else. */
      const pathOf = (documentId: string) =>
        isIdentifier(documentId) && documentId.startsWith("DOC")
          ? Effect.succeed(join(directory, documentId))
          : Effect.fail(new DocumentBlobError({ documentId, cause: new InvalidDocumentId(documentId) }))

      /** An I/O step whose failure (ENOSPC, EACCES, EIO…) is this document's failure. */
      const io =
        (documentId: string) =>
        <A>(run: (signal: AbortSignal) => Promise<A>) =>
          Effect.tryPromise({ try: (signal) => run(signal), catch: fail(documentId) })

      const writeDurably = (documentId: string, path: string, bytes: Uint8Array) =>
        Effect.acquireUseRelease(
          // `wx`: a temp name is never reused, so an existing file means something is wrong.
          io(documentId)(() => open(path, "wx")),
          (handle) =>
            io(documentId)((signal) => handle.writeFile(bytes, { signal })).pipe(
              Effect.andThen(io(documentId)(() => handle.sync()))
            ),
          // `close` waits for an aborted write still pending on the handle; a failing close after
          // the data was flushed changes nothing a reader can see.
          (handle) => Effect.promise(() => handle.close().catch(() => undefined))
        )

      const put = Effect.fn("DocumentBlobStore.put")(function* (documentId: string, bytes: Uint8Array) {
        const target = yield* pathOf(documentId)
        const temp = join(directory, `.${documentId}.${randomUUID()}${TEMP_SUFFIX}`)
        yield* writeDurably(documentId, temp, bytes).pipe(
          Effect.andThen(io(documentId)(() => rename(temp, target))),
          // Also on interruption: the temp file is never renamed, so it only has to go (if even
          // that fails, the sweep at the next start removes it).
          Effect.onError(() => Effect.promise(() => rm(temp, { force: true }).catch(() => undefined)))
        )
        // Best effort: some platforms cannot open a directory, and the blob is already in place.
        yield* syncDirectory(directory).pipe(Effect.ignore)
      })

      const get = Effect.fn("DocumentBlobStore.get")(function* (documentId: string) {
        const path = yield* pathOf(documentId)
        const buffer = yield* io(documentId)((signal) =>
          readFile(path, { signal }).catch((cause: unknown) =>
            isMissing(cause) ? undefined : Promise.reject(cause)
          )
        )
        // A plain `Uint8Array` over the file's bytes, like every other store returns.
        return Option.map(
          Option.fromNullishOr(buffer),
          (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
        )
      })

      const remove = Effect.fn("DocumentBlobStore.remove")(function* (documentId: string) {
        const path = yield* pathOf(documentId)
        yield* io(documentId)(() => rm(path, { force: true }))
      })

      return DocumentBlobStore.of({ put, get, remove })
    })
  )
