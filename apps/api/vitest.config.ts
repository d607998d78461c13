import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The servers the tests start run the bundle, as `pnpm start` does: built once, up front.
    globalSetup: ["test/support/bundle.ts"],
    // Deadlines, not delays: a test here starts up to five real processes (the server, `pnpm keys`),
    // and each Node start took 10–15 s on a 2-core machine at load 27 (76 s for one test).
    testTimeout: 180_000,
    hookTimeout: 180_000
  }
})
