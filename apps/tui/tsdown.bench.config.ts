import { defineConfig } from "tsdown"

// The benchmarks render the console (JSX), so they are bundled like the bin, into dist/bench.
export default defineConfig({
  entry: { keystroke: "bench/keystroke.tsx" },
  outDir: "dist/bench",
  format: "esm",
  platform: "node",
  fixedExtension: false,
  dts: false,
  deps: { alwaysBundle: [/^@senderid\//] }
})
