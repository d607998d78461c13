/**
 * Replay protection for one instance that never writes the registry's database: a signature is
 * checked against the in-process set of claims not yet written, then against a SQLite file of their
 * own (a read, never the registry's WAL), and recorded in the set; every `FLUSH_INTERVAL_MILLIS` the
 * set is written to the file in one transaction. Check and record are one synchronous step, so the
 * answer is exact; memory holds one interval of signatures, the file the window. After a crash a
 * replay is refused for every signature claimed at least one interval before it. Node only.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { UsedSignatureStoreError, UsedSignatures } from "@senderid/domain"
import { Clock, Duration, Effect, Layer, Schedule } from "effect"

/** How often claims reach the file: a crash forgets at most the claims of the last interval. */
export const FLUSH_INTERVAL_MILLIS = 100

/** How often expired rows are deleted; claims never depend on it, it only bounds the file. */
const PRUNE_EVERY_MILLIS = 60_000

export interface FileOptions {
  /** The journal's own file (not the registry's); its folder is created if missing. */
  readonly filename: string
  readonly flushIntervalMillis?: number
  /** Told how many claims each flush wrote, once they are in the file (tests wait on it). */
  readonly onFlush?: (written: number) => void
}

const storeError = (cause: unknown) => new UsedSignatureStoreError({ cause })

/** The journal's schema, by `user_version`: a file written by a later version is refused. */
const migrate = (db: DatabaseSync) => {
  const version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version)
  if (version > 1) throw new Error(`used-signature journal version ${version} is newer than this server`)
  if (version === 0) {
    db.exec(`BEGIN;
      CREATE TABLE used_signatures (signature TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX used_signatures_expiry ON used_signatures (expires_at);
      PRAGMA user_version = 1;
      COMMIT;`)
  }
}

export const layerFile = (options: FileOptions): Layer.Layer<UsedSignatures, UsedSignatureStoreError> =>
  Layer.effect(
    UsedSignatures,
    Effect.gen(function* () {
      const interval = options.flushIntervalMillis ?? FLUSH_INTERVAL_MILLIS
      const db = yield* Effect.acquireRelease(
        Effect.try({
          try: () => {
            mkdirSync(dirname(options.filename), { recursive: true })
            const db = new DatabaseSync(options.filename)
            // NORMAL: a process crash loses nothing committed; only the last interval is at risk.
            db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000")
            migrate(db)
            return db
          },
          catch: storeError
        }),
        (db) => Effect.sync(() => db.close())
      )
      const upsert = db.prepare(`INSERT INTO used_signatures (signature, expires_at) VALUES (?, ?)
        ON CONFLICT (signature) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`)
      const prune = db.prepare("DELETE FROM used_signatures WHERE expires_at <= ?")

      const stored = db.prepare("SELECT expires_at FROM used_signatures WHERE signature = ?")
      // The claims since the last flush: the only ones the file does not have yet. Memory holds one
      // interval's worth of signatures, however long the window; the file holds the window.
      let unflushed = new Map<string, number>()
      const start = yield* Clock.currentTimeMillis
      let nextPrune = start + PRUNE_EVERY_MILLIS
      const flush = Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        if (unflushed.size === 0 && now < nextPrune) return
        const batch = unflushed
        unflushed = new Map()
        yield* Effect.try({
          try: () => {
            db.exec("BEGIN")
            try {
              for (const [signature, expiresAt] of batch) upsert.run(signature, expiresAt)
              if (now >= nextPrune) {
                nextPrune = now + PRUNE_EVERY_MILLIS
                prune.run(now)
              }
              db.exec("COMMIT")
            } catch (error) {
              db.exec("ROLLBACK")
              throw error
            }
          },
          catch: storeError
        }).pipe(
          Effect.tap(() => Effect.sync(() => options.onFlush?.(batch.size))),
          // Kept for the next round: a full disk must not silently drop claims.
          Effect.tapError(() =>
            Effect.sync(() => {
              for (const [signature, expiresAt] of batch)
                if (!unflushed.has(signature)) unflushed.set(signature, expiresAt)
            })
          )
        )
      })

      yield* flush.pipe(
        Effect.catch((error) => Effect.logWarning("writing used signatures failed", error)),
        Effect.repeat(Schedule.spaced(Duration.millis(interval))),
        Effect.forkScoped
      )
      // On a clean stop every claim reaches the file, whatever the interval.
      yield* Effect.addFinalizer(() => flush.pipe(Effect.ignore))

      /** Whether the signature was claimed and its window has not passed: in memory, or in the file.
       * Synchronous, like the record that follows it, so no other claim can come between. */
      const live = (signature: string, now: number) => {
        const pendingExpiry = unflushed.get(signature)
        if (pendingExpiry !== undefined) return pendingExpiry > now
        const row = stored.get(signature)
        return row !== undefined && Number(row.expires_at) > now
      }

      return UsedSignatures.of({
        claim: (signature, window) =>
          Clock.currentTimeMillis.pipe(
            Effect.flatMap((now) =>
              Effect.try({
                try: () => {
                  if (live(signature, now)) return false
                  unflushed.set(signature, now + Math.ceil(Duration.toMillis(window)))
                  return true
                },
                catch: storeError
              })
            )
          )
      })
    })
  )
