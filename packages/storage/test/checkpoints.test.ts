/**
 * WAL checkpoints off the request path (`internal/checkpointer.ts`): the registry's connection never
 * checkpoints (no COMMIT pays for one), yet the commits it writes to the WAL reach the database file,
 * copied there by the worker thread, while the registry stays open.
 */
import { mkdtempSync, statSync, watch } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { SenderIdRepository } from "@senderid/domain"
import { Fixture } from "@senderid/domain/testing"
import { Context, Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import * as Sqlite from "../src/sqlite.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-checkpoints-"))

describe("WAL checkpoints on SQLite", () => {
  it.live("happen in the background, never in the registry's own commits", () =>
    Effect.gen(function* () {
      const filename = join(directory, "registry.db")
      const context = yield* Layer.build(
        Layer.effect(SenderIdRepository, Sqlite.makeRepository()).pipe(
          Layer.provideMerge(Sqlite.layerClient({ filename }))
        )
      )
      const sql = Context.get(context, SqlClient.SqlClient)
      const repository = Context.get(context, SenderIdRepository)
      const [setting] = yield* sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`
      assert.strictEqual(Number(setting?.wal_autocheckpoint), 0)

      const before = statSync(filename).size
      // The database file changes only when a checkpoint copies pages into it.
      const copied = new Promise<void>((resolve) => {
        const watcher = watch(filename, () => {
          if (statSync(filename).size > before) {
            watcher.close()
            resolve()
          }
        })
      })
      const account = Fixture.account({ limit: 500 })
      yield* repository.commit([{ _tag: "InsertAccount", account }])
      yield* Effect.forEach(
        Array.from({ length: 400 }, () => Fixture.senderId(account.accountId)),
        (senderId) => repository.commit([{ _tag: "InsertSenderId", senderId }]),
        { concurrency: 8, discard: true }
      )
      yield* Effect.promise(() => copied)
      assert.isAbove(statSync(filename).size, before)
      assert.strictEqual((yield* repository.listSenderIds(account.accountId)).length, 400)
    }).pipe(Effect.scoped)
  )
})
