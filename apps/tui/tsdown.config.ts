import { defineConfig } from "tsdown"

// One executable file, dist/bin.js: the workspace packages are bundled in, npm dependencies stay imports.
export default defineConfig({
  entry: ["src/bin.tsx"],
  format: "esm",
  platform: "node",
  fixedExtension: false,
  dts: false,
  sourcemap: true,
  deps: { alwaysBundle: [/^@senderid\//] }
})
