/**
 * A throw-away PostgreSQL database per test file on the real server (127.0.0.1:5432, database
 * `test` for administration), so suites never see each other's rows and leave nothing behind.
 */
import { execFileSync } from "node:child_process"
import { afterAll } from "vitest"

export const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

const psql = (sql: string) =>
  execFileSync("psql", [ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], { encoding: "utf8" })

/** Creates a fresh database and drops it when the file's tests finish. `icuLocale` gives it an ICU
 * default collation (e.g. `en-US`), whose text order is not the code-unit order adapters promise. */
export const freshDatabase = (label: string, options: { readonly icuLocale?: string } = {}): string => {
  const name = `senderid_${label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  psql(
    options.icuLocale === undefined
      ? `CREATE DATABASE ${name}`
      : `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale}'`
  )
  afterAll(() => {
    psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}
