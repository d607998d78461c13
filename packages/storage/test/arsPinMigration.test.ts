/**
 * Migration `10_ars_pin_hash` on a database that predates it: the plain-text PINs challenges held
 * are gone, and a challenge still open at the upgrade reports ChallengeExpired — on SQLite and
 * PostgreSQL; D1 in `d1/d1.workerd.ts`.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as PgClient from "@effect/sql-pg/PgClient"
import { describe, it } from "@effect/vitest"
import { SenderIdRepository } from "@senderid/domain"
import { Effect, Layer, Redacted } from "effect"
import * as Migrator from "effect/sql/Migrator"
import type * as SqlClient from "effect/sql/SqlClient"
import { migrations } from "../src/Migrations.ts"
import * as Postgres from "../src/postgres.ts"
import * as SqlRepository from "../src/SqlRepository.ts"
import * as Sqlite from "../src/sqlite.ts"
import * as SqliteClient from "../src/sqliteClient.ts"
import { expectPinsGone, insertLegacyChallenges, legacyChallenges } from "./support/arsPinLegacy.ts"
import { freshDatabase } from "./support/postgres.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-ars-pin-"))

/** The schema as it was before PINs were hashed: every migration up to `9_review_notes`. */
const migrateBeforeHashing = Migrator.make({})({
  loader: migrations.pipe(Effect.map((all) => all.filter(([id]) => id < 10))),
  table: "senderid_migrations"
})

const pinsGoneAfterUpgrade = <E1, E2>(
  before: Layer.Layer<SqlClient.SqlClient, E1>,
  after: Layer.Layer<SqlClient.SqlClient, E2>
) =>
  Effect.gen(function* () {
    const seeded = legacyChallenges()
    yield* migrateBeforeHashing.pipe(Effect.andThen(insertLegacyChallenges(seeded)), Effect.provide(before))
    yield* expectPinsGone(seeded).pipe(
      Effect.provide(Layer.effect(SenderIdRepository, SqlRepository.make).pipe(Layer.provideMerge(after)))
    )
  })

describe("migration 10_ars_pin_hash", () => {
  it.live("removes the PINs a SQLite file held and expires its open challenges", () => {
    const filename = join(directory, "before-hashing.db")
    return pinsGoneAfterUpgrade(SqliteClient.layer({ filename }), Sqlite.layerClient({ filename }))
  })

  it.live("removes the PINs a PostgreSQL database held and expires its open challenges", () => {
    const url = freshDatabase("ars_pin_hash")
    return pinsGoneAfterUpgrade(PgClient.layer({ url: Redacted.make(url) }), Postgres.layerClient({ url }))
  })
})
