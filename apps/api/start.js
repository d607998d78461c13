/**
 * `pnpm start` and `pnpm keys`: `node start.js node|keys [arguments]` rebuilds the bundle
 * (dist/node.js, dist/keys.js; `tsdown.config.ts`) when it is missing or older than anything it is
 * built from, then runs dist/<name>.js in this same process. `node start.js build` only does the
 * first half (the tests run it once before they start servers).
 *
 * JavaScript, not TypeScript: the first .ts file a Node process loads costs it ~100 ms of type
 * stripping set-up, a third of the start-up this exists to save. Checked by tsc all the same.
 */
import { spawnSync } from "node:child_process"
import { readdirSync, statSync } from "node:fs"
import { enableCompileCache } from "node:module"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const API_ROOT = import.meta.dirname
const WORKSPACE = join(API_ROOT, "..", "..")
const OUTPUTS = ["node.js", "keys.js"].map((file) => join(API_ROOT, "dist", file))

/** Every file the bundle is made from: the sources (this app's and the workspace packages'), the
 * build settings, and the lockfile that pins the bundled npm packages. */
const inputs = () => {
  const folders = [
    join(API_ROOT, "src"),
    ...readdirSync(join(WORKSPACE, "packages")).map((name) => join(WORKSPACE, "packages", name, "src"))
  ]
  const files = [
    join(API_ROOT, "tsdown.config.ts"),
    join(API_ROOT, "package.json"),
    join(WORKSPACE, "pnpm-lock.yaml")
  ]
  for (const folder of folders)
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true }))
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name))
  return files
}

/** @param {string} file */
const modified = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs

const isStale = () => {
  const built = Math.min(...OUTPUTS.map((file) => modified(file) ?? Number.NEGATIVE_INFINITY))
  return inputs().some((file) => (modified(file) ?? 0) > built)
}

/** About a second; in a child process, so the server never holds the bundler in its memory. */
const build = () => {
  const tsdown = fileURLToPath(import.meta.resolve("tsdown/run"))
  const run = spawnSync(process.execPath, [tsdown, "--logLevel", "warn"], { cwd: API_ROOT, stdio: "inherit" })
  if (run.status !== 0) {
    process.stderr.write("senderid: building the bundle (apps/api/dist) failed\n")
    process.exit(run.status ?? 1)
  }
}

const [entry] = process.argv.splice(2, 1)
if (entry !== "node" && entry !== "keys" && entry !== "build") {
  process.stderr.write("usage: node start.js node|keys|build [arguments]\n")
  process.exit(2)
}
if (isStale()) build()
if (entry !== "build") {
  // V8 keeps the bundle's compiled code on disk: later starts skip most of parsing and compiling it.
  enableCompileCache(join(API_ROOT, "node_modules", ".cache", "compile"))
  await import(pathToFileURL(join(API_ROOT, "dist", `${entry}.js`)).href)
}
