/**
 * What a page of an account book costs on SQLite as the book grows: a page of 20 (the first, and one
 * from the middle by its `nextKey`) from a book of 20 numbers and from one of 100,000, through the
 * repository (`listSenderIdPage`, audit entries included), next to reading the whole book as the
 * paged route did before it paged in the database. Run with `node bench/bookPages.ts` from
 * `packages/storage` (not part of `pnpm bench`); `SENDERID_BENCH_BOOK` sets the large book's size.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { type Change, SenderId, SenderIdRepository } from "@senderid/domain"
import { Fixture } from "@senderid/domain/testing"
import { Effect } from "effect"
import * as Sqlite from "../src/sqlite.ts"

const LARGE = Number(process.env.SENDERID_BENCH_BOOK ?? 100_000)
const PAGE = 20
const BATCH = 500

/** The median time of `runs` runs of `operation`, in milliseconds. */
const median = <A, E, R>(runs: number, operation: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const times: Array<number> = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      yield* operation
      times.push(performance.now() - t0)
    }
    times.sort((a, b) => a - b)
    return times[Math.floor(times.length / 2)] ?? 0
  })

/** An account with `size` numbers, ten registered in each millisecond (ties broken by handle key). */
const bookOf = (size: number) =>
  Effect.gen(function* () {
    const repository = yield* SenderIdRepository
    const account = Fixture.account({ limit: size })
    yield* repository.commit([{ _tag: "InsertAccount", account }])
    for (let from = 0; from < size; from += BATCH) {
      const changes: Array<Change> = []
      for (let i = from; i < Math.min(size, from + BATCH); i++) {
        const senderId = Fixture.senderId(account.accountId, {
          phoneNumber: `010${String(i).padStart(8, "0")}`
        })
        changes.push({
          _tag: "InsertSenderId",
          senderId: { ...senderId, dateCreated: Fixture.NOW + Math.floor(i / 10) }
        })
      }
      yield* repository.commit(changes)
    }
    return account.accountId
  })

const program = Effect.gen(function* () {
  const repository = yield* SenderIdRepository
  const small = yield* bookOf(PAGE)
  const large = yield* bookOf(LARGE)
  /** The position of the book's middle number, found by walking it a page of 1,000 at a time. */
  const middleOf = (accountId: string, size: number) =>
    Effect.gen(function* () {
      let start: SenderId.BookPosition | undefined
      for (let skipped = 0; skipped + 1_000 <= size / 2; skipped += 1_000) {
        const page = yield* repository.listSenderIdPage(accountId, {
          limit: 1_000,
          ...(start ? { start } : {})
        })
        start = page.nextKey === null ? start : SenderId.parseBookCursor(page.nextKey)
      }
      return start
    })
  const row = (name: string, size: number, first: number, middle: number) =>
    console.log(
      `${name.padEnd(34)} ${String(size).padStart(7)} numbers: first page ${first.toFixed(3)} ms, middle page ${middle.toFixed(3)} ms (median)`
    )
  // Warm up (JIT, statement cache) so the first book measured is not the slower for going first.
  yield* median(1_000, repository.listSenderIdPage(large, { limit: PAGE }))
  for (const [accountId, size] of [
    [small, PAGE],
    [large, LARGE]
  ] as const) {
    const start = yield* middleOf(accountId, size)
    const first = yield* median(500, repository.listSenderIdPage(accountId, { limit: PAGE }))
    const middle = yield* median(
      500,
      repository.listSenderIdPage(accountId, { limit: PAGE, ...(start ? { start } : {}) })
    )
    row("page of 20 (listSenderIdPage)", size, first, middle)
  }
  // Before: the route read the whole book and sliced the page out of it.
  const whole = yield* median(
    5,
    repository.listSenderIds(large).pipe(Effect.map((book) => book.slice(0, PAGE)))
  ).pipe(Effect.result)
  if (whole._tag === "Success") row("whole book, sliced (before)", LARGE, whole.success, whole.success)
  else console.log(`whole book, sliced (before): fails, ${String(whole.failure.cause)}`)
})

const filename = join(mkdtempSync(join(tmpdir(), "senderid-bench-book-")), "book.db")
await Effect.runPromise(program.pipe(Effect.provide(Sqlite.layer({ filename }))))
