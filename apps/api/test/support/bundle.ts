/**
 * Vitest's global setup: builds the bundle the tests start (`node start.js build`, a no-op when it is
 * fresh) once, before any test file runs, so parallel files never build it at the same time.
 */
import { spawnSync } from "node:child_process"
import { join } from "node:path"

export default function setup() {
  const api = join(import.meta.dirname, "..", "..")
  const run = spawnSync(process.execPath, ["start.js", "build"], { cwd: api, stdio: "inherit" })
  if (run.status !== 0) throw new Error("building apps/api/dist failed")
}
