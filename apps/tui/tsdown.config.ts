import { defineConfig } from "tsdown"

// The executable, dist/bin.js, and the chunks it loads: the workspace packages and the npm
// dependencies are bundled in, so the first frame waits for a few files (tree-shaken: `effect`'s
// index alone is hundreds of modules) instead of resolving and loading each module of node_modules.
export default defineConfig({
  entry: ["src/bin.tsx"],
  format: "esm",
  platform: "node",
  fixedExtension: false,
  dts: false,
  sourcemap: true,
  deps: {
    alwaysBundle: [/./u],
    // Ink loads it only when DEV=true (React DevTools), and it is not installed.
    neverBundle: ["react-devtools-core"],
    onlyBundle: false
  }
})
