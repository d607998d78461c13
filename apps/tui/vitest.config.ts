import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Colour on (the NO_COLOR test compares both), and a 24-row terminal for the screens' layout.
    env: { FORCE_COLOR: "1", LINES: "24", COLUMNS: "100" }
  }
})
