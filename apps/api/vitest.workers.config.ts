/**
 * The Worker's tests, run inside workerd by `@cloudflare/vitest-plugin` with the Worker's own
 * `wrangler.jsonc` (a local, in-memory D1). Only `test/*.workerd.ts`; Node tests are `*.test.ts`.
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin"
import { defineConfig } from "vitest/config"

// Offline and deterministic: no `cf` object download, no telemetry.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false"
process.env.WRANGLER_SEND_METRICS ??= "false"

export default defineConfig({
  plugins: [cloudflareTest({ remoteBindings: false, wrangler: { configPath: "./wrangler.jsonc" } })],
  test: {
    include: ["test/**/*.workerd.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
