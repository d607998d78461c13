/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT
 * takes the WAL past 1,000 pages, and every request waits behind it (6–40 ms on these machines).
 * Instead the registry's connection never checkpoints, and a worker thread with a connection of its
 * own runs a PASSIVE checkpoint on a timer: it copies what it can without ever taking the writer's
 * lock, and the writer starts the WAL over once a checkpoint has caught up.
 */
import { Worker } from "node:worker_threads"
import { Effect } from "effect"

/** How often the worker checkpoints; the WAL holds at most about this long's worth of commits. */
export const CHECKPOINT_INTERVAL_MILLIS = 250

// CommonJS evaluated in the worker: nothing to resolve or bundle beside the module that starts it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads")
const { DatabaseSync } = require("node:sqlite")
const db = new DatabaseSync(workerData.filename)
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)")
const timer = setInterval(() => {
  try {
    checkpoint.get()
  } catch (error) {
    // Busy or locked: the next round tries again; anything else is worth a line.
    if (!/busy|locked/i.test(String(error))) parentPort.postMessage(String(error))
  }
}, workerData.intervalMillis)
parentPort.on("message", () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/** Checkpoints `filename` from a worker until the scope closes; the caller's connection must run
 * with `PRAGMA wal_autocheckpoint = 0`. */
export const checkpointInBackground = (filename: string, intervalMillis = CHECKPOINT_INTERVAL_MILLIS) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { filename, intervalMillis } })
      // The process may end while the worker still runs; a closing registry stops it on release.
      worker.unref()
      return worker
    }),
    (worker) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            worker.once("exit", () => resolve())
            // Held while it stops, or the process could run out of work and exit under its owner.
            worker.ref()
            worker.postMessage("stop")
          })
      )
  ).pipe(
    Effect.tap((worker) =>
      Effect.gen(function* () {
        // The worker speaks between requests: its news goes to the logger of the layer that started it.
        const log = Effect.runForkWith(yield* Effect.context<never>())
        worker.on("message", (message) => log(Effect.logWarning("WAL checkpoint failed", message)))
        worker.on("error", (error) => log(Effect.logError("WAL checkpointer stopped", error)))
      })
    )
  )
