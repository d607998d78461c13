/**
 * The spans an effect opened, recorded by a tracer of the test's own: every SQL statement the client
 * runs opens one carrying its text (`db.query.text`), and a transaction's span records its commit.
 * The apps turn tracing off; a test that provides a tracer turns it back on for its effect.
 */
import { Effect, Tracer } from "effect"

export const spansDuring = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const spans: Array<Tracer.NativeSpan> = []
    const tracer = Tracer.make({
      span(options) {
        const span = new Tracer.NativeSpan(options)
        spans.push(span)
        return span
      }
    })
    const result = yield* Effect.withTracer(effect, tracer)
    return { result, spans }
  })
