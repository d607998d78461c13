import { defineConfig } from "tsdown"

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/sqlite.ts",
    "src/postgres.ts",
    "src/d1.ts",
    "src/usedSignatures.ts",
    "src/usedSignaturesRedis.ts",
    "src/usedSignaturesFile.ts",
    "src/idempotencyKeys.ts",
    "src/fileBlobStore.ts",
    "src/sqlBlobStore.ts",
    "src/apiKeys.ts",
    "src/pinKeys.ts",
    "src/webhooks.ts"
  ],
  format: "esm",
  dts: true,
  platform: "node",
  external: [/^effect/, /^@effect\//, /^@senderid\//, /^@cloudflare\//, "ioredis"]
})
