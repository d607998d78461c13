/**
 * `pnpm ops`: `node start.js [flags]` rebuilds the console (dist/bin.js and its chunks;
 * `tsdown.config.ts`) only when it is missing or older than anything it is built from, then runs it
 * in this same process. Rebuilding on every start took longer (1.5–4 s) than the console takes to
 * draw its first frame.
 *
 * JavaScript, not TypeScript: the first .ts file a Node process loads costs ~100 ms of type
 * stripping set-up. Checked by tsc all the same.
 */
import { spawnSync } from "node:child_process"
import { readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const TUI_ROOT = import.meta.dirname
const WORKSPACE = join(TUI_ROOT, "..", "..")
const BIN = join(TUI_ROOT, "dist", "bin.js")

/** The console's sources, the workspace packages' (bundled in), the build settings, and the
 * lockfile that pins the bundled npm packages. */
const inputs = () => {
  const folders = [
    join(TUI_ROOT, "src"),
    ...readdirSync(join(WORKSPACE, "packages")).map((name) => join(WORKSPACE, "packages", name, "src"))
  ]
  const files = [
    join(TUI_ROOT, "tsdown.config.ts"),
    join(TUI_ROOT, "package.json"),
    join(WORKSPACE, "pnpm-lock.yaml")
  ]
  for (const folder of folders)
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true }))
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name))
  return files
}

/** @param {string} file */
const modified = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs

const built = modified(BIN) ?? Number.NEGATIVE_INFINITY
if (inputs().some((file) => (modified(file) ?? 0) > built)) {
  const tsdown = fileURLToPath(import.meta.resolve("tsdown/run"))
  const run = spawnSync(process.execPath, [tsdown, "--logLevel", "error"], {
    cwd: TUI_ROOT,
    stdio: "inherit"
  })
  if (run.status !== 0) {
    process.stderr.write("senderid-ops: building the console (apps/tui/dist) failed\n")
    process.exit(run.status ?? 1)
  }
}
await import(pathToFileURL(BIN).href)
