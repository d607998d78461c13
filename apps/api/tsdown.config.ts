import { defineConfig } from "tsdown"

// `pnpm start`'s bundle (see start.js): dist/node.js (the server) and dist/keys.js (`pnpm keys`),
// with the workspace packages and npm dependencies inlined, so Node loads a few files instead of
// hundreds of modules. Engines not configured (PostgreSQL, Redis) are chunks loaded only when they are.
export default defineConfig({
  entry: { node: "src/node.ts", keys: "src/keys.ts" },
  format: "esm",
  platform: "node",
  target: "node24",
  fixedExtension: false,
  dts: false,
  sourcemap: true,
  deps: {
    alwaysBundle: [/./u],
    // Loaded at the first webhook delivery, perhaps days after start: from node_modules, so a rebuild
    // of dist/ under a running server (which replaces every chunk) cannot pull it away.
    neverBundle: ["undici"],
    onlyBundle: false
  }
})
