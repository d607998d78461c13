/**
 * The process `crash.test.ts` SIGKILLs: it opens the registry on the engine named by its arguments
 * and registers numbers as fast as it can, printing one line per registration the use case has
 * acknowledged, so the parent knows exactly which registrations the store has promised to keep.
 *
 * Run: `node writer.ts sqlite <file> NORMAL|FULL` or `node writer.ts postgres <url>`, with
 * `CRASH_FIRST_NUMBER` (the counter the numbers start at), `CRASH_NUMBERS` (how many it may use),
 * `CRASH_ACCOUNT_PREFIX`, `CRASH_ACCOUNTS` and `CRASH_FIBERS` in the environment. Output lines are
 * `<accountId> <phoneNumber>`. With `CRASH_WAIT_FOR_GO=1` it loads its modules, then waits for a
 * line on stdin before it opens the database, so the parent can start the next run ahead of time.
 */
import {
  Accounts,
  AuditEntry,
  DocumentBlobStore,
  layerDevelopment,
  layerMemory,
  PinHasher,
  Registry,
  SenderIdRepository,
  SenderIds
} from "@senderid/domain"
import { Data, Effect, Layer } from "effect"
import { SecureRandom } from "effect/crypto"
import * as Postgres from "../../src/postgres.ts"
import * as Sqlite from "../../src/sqlite.ts"

class WriterFailed extends Data.TaggedError("WriterFailed")<{ readonly message: string }> {}

const numberFromEnv = (name: string, fallback: number) => {
  const raw = process.env[name]
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${raw}`)
  return value
}

const repositoryFor = (args: ReadonlyArray<string>): Layer.Layer<SenderIdRepository, unknown> => {
  const [engine, target, synchronous] = args
  if (engine === "sqlite" && target !== undefined && (synchronous === "NORMAL" || synchronous === "FULL")) {
    return Sqlite.layer({ filename: target, synchronous })
  }
  if (engine === "postgres" && target !== undefined) return Postgres.layer({ url: target })
  throw new Error(`usage: writer.ts sqlite <file> NORMAL|FULL | postgres <url> (got ${args.join(" ")})`)
}

const firstNumber = numberFromEnv("CRASH_FIRST_NUMBER", 0)
const numbers = numberFromEnv("CRASH_NUMBERS", 1000)
const accountCount = numberFromEnv("CRASH_ACCOUNTS", 3)
const fibers = numberFromEnv("CRASH_FIBERS", 6)
const prefix = process.env.CRASH_ACCOUNT_PREFIX ?? "crash"
if (firstNumber + numbers > 10_000_000) throw new Error("the 0102xxxxxxx range has 10,000,000 numbers")

const accountIds = Array.from({ length: accountCount }, (_, i) => `${prefix}-${i}`)

/** Opens the account unless an earlier run already did, with room for every number it may get. */
const ensureAccount = (accountId: string) =>
  Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const accounts = yield* Accounts
    const found = yield* repository.findAccount(accountId)
    if (found._tag === "Some") return
    yield* accounts
      .open(AuditEntry.operatorActor("crash-test"), accountId, { limit: 1_000_000_000 })
      .pipe(Effect.catchTag("AccountAlreadyExists", () => Effect.void))
  })

const main = Effect.gen(function* () {
  const senderIds = yield* SenderIds
  yield* Effect.forEach(accountIds, ensureAccount, { discard: true })
  let next = 0
  const worker = Effect.gen(function* () {
    while (true) {
      const n = next++
      if (n >= numbers) return yield* new WriterFailed({ message: `used all ${numbers} numbers` })
      const accountId = accountIds[n % accountIds.length] ?? prefix
      const phoneNumber = `0102${String(firstNumber + n).padStart(7, "0")}`
      yield* senderIds.register(accountId, { phoneNumber })
      // Only now is the registration acknowledged; a line cut short by the kill does not count.
      process.stdout.write(`${accountId} ${phoneNumber}\n`)
    }
  })
  yield* Effect.all(
    Array.from({ length: fibers }, () => worker),
    { concurrency: "unbounded", discard: true }
  )
})

const RegistryLive = Registry.layer.pipe(
  Layer.provideMerge(
    Layer.mergeAll(
      repositoryFor(process.argv.slice(2)),
      DocumentBlobStore.layerMemory,
      layerDevelopment,
      layerMemory,
      PinHasher.layerMemory
    )
  ),
  Layer.provideMerge(SecureRandom.layerWebCrypto)
)

/** Resolves on the parent's go; an orphaned standby (stdin closed without a go) just leaves. */
const waitForGo =
  process.env.CRASH_WAIT_FOR_GO === "1"
    ? Effect.callback<void>((resume) => {
        const leave = () => process.exit(0)
        process.stdin.once("end", leave)
        process.stdin.once("data", () => {
          process.stdin.off("end", leave)
          resume(Effect.void)
        })
      })
    : Effect.void

// The database is opened (the layer built) only after the go.
Effect.runPromise(waitForGo.pipe(Effect.andThen(main.pipe(Effect.provide(RegistryLive))))).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`writer failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  }
)
