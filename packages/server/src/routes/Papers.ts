/**
 * The review requests a customer files: evidence for a number, a duplicate-unlock for a number another
 * account holds, and a higher limit. Each answers with the account book, as SOLAPI does.
 */
import { Wire } from "@senderid/contract"
import { SenderIds } from "@senderid/domain"
import { Effect } from "effect"
import type { Handlers } from "../Route.ts"

export const paperHandlers: Handlers<"submitApproval" | "requestUnlock" | "requestLimitation"> = {
  submitApproval: ({ accountId, body, param }) =>
    SenderIds.use((s) => s.submitEvidence(accountId, param("phoneNumber"), body.documents)).pipe(
      Effect.map((book) => Wire.accountBook(book))
    ),

  requestUnlock: ({ accountId, body, param }) =>
    SenderIds.use((s) =>
      s.requestUnlock(accountId, param("phoneNumber"), { reason: body.reason, name: body.name })
    ).pipe(Effect.map((book) => Wire.accountBook(book))),

  requestLimitation: ({ accountId, body }) =>
    SenderIds.use((s) => s.requestLimitation(accountId, body)).pipe(
      Effect.map((book) => Wire.accountBook(book))
    )
}
