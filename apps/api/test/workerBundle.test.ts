/**
 * The Worker as Cloudflare would receive it: wrangler bundles `src/worker.ts` (a dry run, offline)
 * and the upload stays far below the Workers size limit (3 MB compressed on the free plan).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { assert, describe, it } from "vitest"

describe("the Worker bundle", () => {
  it("bundles with wrangler and stays under 1 MiB gzipped", () => {
    const outdir = mkdtempSync(join(tmpdir(), "senderid-worker-"))
    // The package's own bin script, run on this Node (24) rather than whatever `node` is on PATH.
    const wrangler = join(
      dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
      "bin/wrangler.js"
    )
    const run = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
      cwd: join(import.meta.dirname, ".."),
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
      encoding: "utf8"
    })
    assert.strictEqual(run.status, 0, run.stderr)
    const gzip = /gzip: ([\d.]+) KiB/u.exec(run.stdout)?.[1]
    assert.isDefined(gzip, run.stdout)
    assert.isBelow(Number(gzip), 1024)
    assert.isAbove(statSync(join(outdir, "worker.js")).size, 0)
  }, 120_000)
})
