/**
 * Group commit for a single-writer engine (SQLite): the commits that arrive in one turn of the event
 * loop, or while the previous group is being written, share one transaction, each inside a SAVEPOINT
 * of its own. A commit the schema refuses (limit reached, a duplicate, a stale version) rolls back to
 * its savepoint and fails alone; the rest pay one BEGIN, one COMMIT and one WAL append together.
 * Nobody hears "committed" before the group's COMMIT has returned.
 */
import type { Change, CommitError } from "@senderid/domain"
import { Cause, Effect, Exit, Request, RequestResolver, Schedule, Semaphore } from "effect"
import type { NonEmptyArray } from "effect/Array"
import type * as SqlClient from "effect/sql/SqlClient"
import { isSqlError, type SqlError } from "effect/sql/SqlError"

/** Commits per transaction at most: bounds how long one group holds the writer. */
const MAX_GROUP = 256

interface Commit extends Request.Request<void, CommitError | SqlError> {
  readonly changes: ReadonlyArray<Change>
}
const Commit = Request.of<Commit>()

const groupKey = {}

/** The failure that must undo the whole group rather than one member: a transient engine failure
 * (busy, locked: the group is run again) or a defect (the transaction itself may be gone). Any other
 * failure was rolled back to the member's savepoint and is that member's alone. */
const groupFailure = (
  exits: ReadonlyArray<Exit.Exit<void, CommitError | SqlError>>,
  transient: (error: unknown) => boolean
): Cause.Cause<SqlError> | undefined => {
  for (const exit of exits) {
    if (Exit.isSuccess(exit)) continue
    if (Cause.hasDies(exit.cause)) return exit.cause as Cause.Cause<never>
    const error = Cause.findErrorOption(exit.cause)
    if (error._tag === "Some" && transient(error.value)) return Cause.fail(error.value as SqlError)
  }
  return undefined
}

/**
 * `commit(changes)` for the repository: `apply` writes one commit's changes inside the transaction
 * it is given. `transient` tells which engine failures are worth running the whole group again.
 */
export const makeGroupCommit = (
  sql: SqlClient.SqlClient,
  apply: (changes: ReadonlyArray<Change>) => Effect.Effect<void, CommitError | SqlError>,
  transient: (error: unknown) => boolean
) =>
  Effect.gen(function* () {
    // One group in flight: the next keeps collecting meanwhile, which is what makes groups grow.
    const writing = yield* Semaphore.make(1)

    const writeGroup = (entries: NonEmptyArray<Request.Entry<Commit>>) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            const exits: Array<Exit.Exit<void, CommitError | SqlError>> = []
            // A nested withTransaction is a SAVEPOINT: a refused member is rolled back to it alone.
            for (const entry of entries) {
              exits.push(yield* Effect.exit(sql.withTransaction(apply(entry.request.changes))))
            }
            const failure = groupFailure(exits, transient)
            if (failure !== undefined) return yield* Effect.failCause(failure)
            return exits
          })
        )
        .pipe(
          // A COMMIT the engine refuses surfaces as a defect; it is still this group's failure.
          Effect.catchDefect((defect) => Effect.fail(defect)),
          Effect.retry({
            while: transient,
            times: 100,
            schedule: Schedule.spaced("5 millis").pipe(Schedule.jittered)
          }),
          Effect.exit,
          Effect.flatMap((outcome) =>
            Effect.sync(() => {
              if (Exit.isSuccess(outcome)) {
                for (const [i, exit] of outcome.value.entries()) entries[i]?.completeUnsafe(exit)
                return
              }
              // The group as a whole failed: no member was committed, each hears the same failure.
              const error = Cause.squash(outcome.cause)
              const failed = isSqlError(error) ? Exit.fail(error) : Exit.die(error)
              for (const entry of entries) entry.completeUnsafe(failed)
            })
          )
        )

    const resolver = RequestResolver.makeWith<Commit>({
      batchKey: () => groupKey,
      preCheck: undefined,
      delay: Effect.andThen(Effect.yieldNow, writing.withPermit(Effect.void)),
      collectWhile: (entries) => entries.size < MAX_GROUP,
      runAll: (entries) => writing.withPermit(writeGroup(entries))
    })

    return (changes: ReadonlyArray<Change>): Effect.Effect<void, CommitError | SqlError> =>
      Effect.request(Commit({ changes }), resolver)
  })
