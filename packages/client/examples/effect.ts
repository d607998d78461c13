import { SenderIdClient } from "@senderid/client"
import { Effect } from "effect"

const program = Effect.gen(function* () {
  const senderid = yield* SenderIdClient
  // A retry after a lost answer replays the first response instead of registering twice.
  const book = yield* senderid.registerNumber({
    body: { phoneNumber: "010-2345-6789" },
    idempotencyKey: "register-01023456789"
  })
  for (const s of book.senderIds)
    console.log(`${s.phoneNumber} ${s.status} ${s.necessaryMeasures?.join(",") ?? ""}`)
  console.log(`usable now: ${(yield* senderid.getActiveNumbers()).length}`)
})

program.pipe(
  Effect.provide(
    SenderIdClient.layerFetch({
      baseUrl: process.env.SENDERID_URL ?? "http://127.0.0.1:3000",
      apiKey: process.env.SENDERID_API_KEY ?? "",
      apiSecret: process.env.SENDERID_API_SECRET ?? ""
    })
  ),
  Effect.catchTag("ApiError", (error) =>
    Effect.sync(() => console.error(`${error.errorCode}: ${error.errorMessage}`))
  ),
  Effect.runPromise
)
