/**
 * A throw-away PostgreSQL database per test file on the real server (127.0.0.1:5432, database
 * `test` for administration), so suites never see each other's rows and leave nothing behind.
 */
import { execFileSync } from "node:child_process"
import { afterAll } from "vitest"

export const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

const psql = (sql: string) =>
  execFileSync("psql", [ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], { encoding: "utf8" })

/** Creates a fresh database and drops it when the file's tests finish. */
export const freshDatabase = (label: string): string => {
  const name = `senderid_${label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  psql(`CREATE DATABASE ${name}`)
  afterAll(() => {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}
