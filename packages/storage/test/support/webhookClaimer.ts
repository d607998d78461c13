/**
 * A process `webhooks.test.ts` races against others on one SQLite file: node:sqlite runs each
 * statement synchronously, so claimers inside one process never overlap; separate processes do,
 * and only SQLite's own locking keeps their claims apart.
 *
 * Run: `node webhookClaimer.ts <file> <now> <limit>`. It opens the store, prints `ready`, waits for
 * a line on stdin, then claims until nothing is due and prints one claimed delivery id per line.
 */
import { createInterface } from "node:readline"
import { WebhookStore } from "@senderid/domain"
import { Effect, Layer } from "effect"
import * as Sqlite from "../../src/sqlite.ts"
import * as WebhookStores from "../../src/webhooks.ts"

const [filename, now, limit] = process.argv.slice(2)
if (filename === undefined || now === undefined || limit === undefined) {
  throw new Error("usage: webhookClaimer.ts <file> <now> <limit>")
}

const goSignal = Effect.callback<void>((resume) => {
  const lines = createInterface({ input: process.stdin })
  lines.once("line", () => {
    lines.close()
    resume(Effect.void)
  })
})

const program = Effect.gen(function* () {
  const store = yield* WebhookStore
  process.stdout.write("ready\n")
  yield* goSignal
  for (;;) {
    const claimed = yield* store.claimDue(Number(now), Number(limit), 600_000)
    if (claimed.length === 0) return
    process.stdout.write(claimed.map((c) => `${c.delivery.deliveryId}\n`).join(""))
  }
})

Effect.runPromise(
  program.pipe(Effect.provide(WebhookStores.layerSql.pipe(Layer.provide(Sqlite.layerClient({ filename })))))
).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  }
)
