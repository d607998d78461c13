/**
 * The process `usedSignaturesFile.test.ts` SIGKILLs: it opens the journal named by its first
 * argument, claims the signature named by its second, prints `claimed <true|false>`, then prints
 * `flushed <n>` after each flush that wrote claims, and waits to be killed.
 */
import { UsedSignatures } from "@senderid/domain"
import { Effect, Layer } from "effect"
import { layerFile } from "../../src/usedSignaturesFile.ts"

const [filename, signature] = process.argv.slice(2)
if (filename === undefined || signature === undefined)
  throw new Error("usage: signatureClaimer.ts <file> <signature>")

const journal = layerFile({
  filename,
  onFlush: (written) => {
    if (written > 0) process.stdout.write(`flushed ${written}\n`)
  }
})

await Effect.runPromise(
  Effect.gen(function* () {
    const won = yield* UsedSignatures.use((store) => store.claim(signature, "15 minutes"))
    process.stdout.write(`claimed ${won}\n`)
    return yield* Effect.never
  }).pipe(Effect.provide(Layer.fresh(journal)))
)
