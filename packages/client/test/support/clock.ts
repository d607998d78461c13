/**
 * The test's TestClock, announcing each sleep once it has begun: a test learns as an event that the
 * code under test is waiting, and for how long, then moves the clock past the wait (or not quite).
 * Neither real time nor a guess about when the wait starts.
 */
import { Clock, Duration, Effect, Fiber, Queue } from "effect"

export const announcingClock = Effect.gen(function* () {
  // Under `it.effect` the current clock is the TestClock that `TestClock.adjust` moves.
  const clock = yield* Clock.Clock
  const sleeps = yield* Queue.unbounded<number>()
  const announcing: Clock.Clock = {
    ...clock,
    sleep: (duration) =>
      Effect.gen(function* () {
        // Started at once, so the sleep is registered with the clock before it is announced.
        const sleeping = yield* Effect.forkChild(clock.sleep(duration), { startImmediately: true })
        yield* Queue.offer(sleeps, Duration.toMillis(duration))
        yield* Fiber.join(sleeping)
      })
  }
  return { clock: announcing, sleeps }
})
