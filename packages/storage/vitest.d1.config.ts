/**
 * The D1 tests, run inside workerd by `@cloudflare/vitest-plugin` against the local databases in
 * `wrangler.test.jsonc`. Only `test/d1/*.workerd.ts`: the default (Node) config takes `*.test.ts`.
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin"
import { defineConfig } from "vitest/config"

// Offline and deterministic: no `cf` object download, no telemetry.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false"
process.env.WRANGLER_SEND_METRICS ??= "false"

export default defineConfig({
  plugins: [cloudflareTest({ remoteBindings: false, wrangler: { configPath: "./wrangler.test.jsonc" } })],
  test: {
    include: ["test/d1/**/*.workerd.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
