/**
 * The telephony port for ARS verification: place a call to a number that reads a PIN aloud.
 * A real provider dials out; the development provider completes the call locally, logging the
 * PIN and keeping it where a developer or a test can read what the callee "heard".
 */
import { Context, Effect, Layer, Option, Ref } from "effect"
import type { VoiceCallFailed } from "./SenderIdError.ts"

export interface VoiceCall {
  readonly transactionId: string
  readonly phoneNumber: string
  readonly pin: string
}

export interface VoiceCallProviderShape {
  readonly placeCall: (call: VoiceCall) => Effect.Effect<void, VoiceCallFailed>
}

export class VoiceCallProvider extends Context.Service<VoiceCallProvider, VoiceCallProviderShape>()(
  "@senderid/domain/VoiceCallProvider"
) {}

/** What the development provider's callee heard: the last PIN read to each number. */
export class DevelopmentCalls extends Context.Service<
  DevelopmentCalls,
  {
    readonly lastPin: (phoneNumber: string) => Effect.Effect<Option.Option<string>>
    readonly calls: Effect.Effect<ReadonlyArray<VoiceCall>>
  }
>()("@senderid/domain/DevelopmentCalls") {}

/** The development provider: no telephony, the call "happens" in-process and is logged. */
export const layerDevelopment: Layer.Layer<VoiceCallProvider | DevelopmentCalls> = Layer.effectContext(
  Effect.gen(function* () {
    const placed = yield* Ref.make<ReadonlyArray<VoiceCall>>([])
    const provider = VoiceCallProvider.of({
      placeCall: (call) =>
        Ref.update(placed, (calls) => [...calls, call]).pipe(
          Effect.andThen(
            Effect.logInfo("development ARS call placed").pipe(
              Effect.annotateLogs({
                phoneNumber: call.phoneNumber,
                transactionId: call.transactionId,
                pin: call.pin
              })
            )
          )
        )
    })
    const heard = DevelopmentCalls.of({
      lastPin: (phoneNumber) =>
        Ref.get(placed).pipe(
          Effect.map((calls) =>
            Option.fromNullishOr(calls.findLast((c) => c.phoneNumber === phoneNumber)?.pin)
          )
        ),
      calls: Ref.get(placed)
    })
    return Context.make(VoiceCallProvider, provider).pipe(Context.add(DevelopmentCalls, heard))
  })
)
