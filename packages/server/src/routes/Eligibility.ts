/**
 * The send-eligibility routes: may an account send from a number (or from each of a batch) now.
 * A service key names the account it asks about; a customer's key asks about its own account.
 */
import { EligibilityWire, type Endpoints, OperatorRequests } from "@senderid/contract"
import { SenderIds } from "@senderid/domain"
import { Effect } from "effect"
import { decodeValue } from "../RequestBody.ts"
import { reject } from "../RequestError.ts"
import type { Handlers, RouteRequest } from "../Route.ts"

/**
 * The account a request asks about. A service key must name it (an unknown account has registered
 * nothing, so every number is NOT_REGISTERED). A customer's key may repeat its own account, so a
 * client can send the same request with either key, but naming another one is refused rather than
 * ignored: an answer about the wrong account would look like a real one.
 */
const accountAskedAbout = (
  request: Pick<RouteRequest<Endpoints.Endpoint>, "accountId" | "serviceId">,
  named: string | undefined
) => {
  if (request.serviceId !== "") {
    return named === undefined
      ? Effect.fail(reject("MissingRequiredParameter", { field: "accountId" }))
      : Effect.succeed(named)
  }
  return named === undefined || named === request.accountId
    ? Effect.succeed(request.accountId)
    : Effect.fail(reject("Forbidden", { accountId: named }))
}

export const eligibilityHandlers: Handlers<"getEligibility" | "checkEligibility"> = {
  getEligibility: (request) =>
    Effect.gen(function* () {
      const raw = request.query.accountId?.[0]
      const named =
        raw === undefined ? undefined : yield* decodeValue(OperatorRequests.AccountId, raw, "accountId")
      const accountId = yield* accountAskedAbout(request, named)
      const answer = yield* SenderIds.use((s) => s.eligibility(accountId, request.param("phoneNumber")))
      return EligibilityWire.eligibilityView(answer)
    }),

  checkEligibility: (request) =>
    Effect.gen(function* () {
      const accountId = yield* accountAskedAbout(request, request.body.accountId)
      const answers = yield* SenderIds.use((s) => s.eligibilities(accountId, request.body.phoneNumbers))
      return { accountId, results: answers.map(EligibilityWire.eligibilityView) }
    })
}
