/**
 * The operator reads against the memory adapter on SQLite and PostgreSQL — also on a database
 * whose default collation is ICU `en-US`, where ordering by the locale instead of by code unit
 * would show. D1 runs the same suite in `d1/operatorQueries.workerd.ts`.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Postgres from "../src/postgres.ts"
import * as Sqlite from "../src/sqlite.ts"
import { operatorQueryParity } from "./support/operatorQueryParity.ts"
import { freshDatabase } from "./support/postgres.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-operator-"))

operatorQueryParity("SQLite", Sqlite.layer({ filename: join(directory, "operator.db") }))
operatorQueryParity("PostgreSQL", Postgres.layer({ url: freshDatabase("operator") }))
operatorQueryParity(
  "PostgreSQL, ICU en-US default collation",
  Postgres.layer({ url: freshDatabase("operator_icu", { icuLocale: "en-US" }) })
)
