/**
 * The operator's dashboard route: the whole registry counted in one cheap call — accounts and
 * suspensions, numbers by status, the review queue by kind, and the expiries of the coming weeks.
 */
import { OperatorWire } from "@senderid/contract"
import { RegistryStats } from "@senderid/domain"
import { Effect } from "effect"
import { pageLimit } from "../QueryParameters.ts"
import type { Handlers } from "../Route.ts"

const WEEKS_DEFAULT = 8
// A year: twice what a verification lasts by default (`RegistryPolicy.activeTtl`, 180 days).
const WEEKS_MAX = 52

export const operatorStatsHandlers: Handlers<"getStats"> = {
  getStats: ({ query }) =>
    Effect.gen(function* () {
      const weeks = yield* pageLimit(query.weeks, "weeks", WEEKS_DEFAULT, WEEKS_MAX)
      const report = yield* RegistryStats.use((s) => s.read({ weeks }))
      return OperatorWire.registryStats(report)
    })
}
