import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { repositoryConformance } from "@senderid/domain/testing"
import * as Sqlite from "../src/sqlite.ts"

const directory = mkdtempSync(join(tmpdir(), "senderid-sqlite-"))

repositoryConformance("SQLite, synchronous NORMAL", Sqlite.layer({ filename: join(directory, "normal.db") }))
repositoryConformance(
  "SQLite, synchronous FULL",
  Sqlite.layer({ filename: join(directory, "full.db"), synchronous: "FULL" })
)
repositoryConformance(
  "SQLite, single writer (books kept in memory)",
  Sqlite.layer({ filename: join(directory, "single-writer.db"), singleWriter: true })
)
