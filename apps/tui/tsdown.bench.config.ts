import { defineConfig } from "tsdown"

// The benchmarks render the console (JSX), so they are bundled like the bin. Everything the bench
// runs lives in dist-bench/, never dist/: `pnpm test` rebuilds (and cleans) dist/ for its e2e test,
// and the two must be able to run side by side.
export default defineConfig({
  entry: { keystroke: "bench/keystroke.tsx" },
  outDir: "dist-bench/bench",
  format: "esm",
  platform: "node",
  fixedExtension: false,
  dts: false,
  deps: { alwaysBundle: [/^@senderid\//] }
})
