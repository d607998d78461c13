/**
 * What `pnpm start` and `pnpm keys` compose (`NodeServices.layer`, over a SQLite file) draws every
 * identifier, PIN and secret from WebCrypto's CSPRNG (`support/recordedRandom.ts` says how that is
 * observed).
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import { fromEnvironment } from "../src/NodeConfig.ts"
import * as NodeServices from "../src/NodeServices.ts"
import { expectWebCryptoDraws, recordedRandom } from "./support/recordedRandom.ts"

/** The Node app's layer as `pnpm start` builds it, with `getRandomValues` recorded. */
const nodeApp = (environment: Record<string, string>) => {
  const config = fromEnvironment({
    SENDERID_DATA_DIR: mkdtempSync(join(tmpdir(), "senderid-random-")),
    ...environment
  })
  const recorded = recordedRandom()
  const layer = Layer.merge(NodeServices.layer(config), Logger.layer([])).pipe(Layer.provide(recorded.layer))
  return { recorded, layer }
}

describe("the Node app's randomness", () => {
  it.live("draws identifiers, PINs and credentials from WebCrypto", () => {
    const app = nodeApp({})
    return expectWebCryptoDraws(app.recorded, "01023456789").pipe(Effect.provide(app.layer))
  })
})
