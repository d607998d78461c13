/**
 * The operator's review routes: the queue of pending evidence, duplicate-unlock and limit requests
 * across accounts (oldest first, with the documents each rests on), the three decisions, and any
 * account's documents. A rejection needs a reason, which the customer sees; an approval may carry a
 * note, which only operators see.
 */
import { type OperatorRequests, OperatorWire, Wire } from "@senderid/contract"
import {
  type Document,
  DocumentNotFound,
  Documents,
  Review,
  Reviews,
  SenderIdRepository
} from "@senderid/domain"
import { Effect, Option } from "effect"
import { pageLimit } from "../QueryParameters.ts"
import { reject } from "../RequestError.ts"
import type { Handlers } from "../Route.ts"
import { fileResponse } from "./Documents.ts"

const REVIEW_PAGE_DEFAULT = 20
const REVIEW_PAGE_MAX = 100
const KINDS: ReadonlyArray<string> = Review.ReviewKind.literals

/** Operators download evidence through their own route, which reaches every account's documents. */
const operatorFileUrl = (origin: string, documentId: string) =>
  `${origin}/operator/v1/documents/${encodeURIComponent(documentId)}/file`

const documentView = (origin: string) => (document: Document.Document) =>
  Wire.documentView(document, operatorFileUrl(origin, document.documentId))

/** An approval's `reason` is its note (kept for operators); a rejection's is what the customer reads. */
const toDecision = (body: OperatorRequests.Decision): Review.Decision =>
  body.decision === "APPROVE"
    ? { approve: true, note: body.reason }
    : { approve: false, reason: body.reason ?? "" }

/** Any account's document, by id alone. */
const anyDocument = (documentId: string) =>
  SenderIdRepository.use((r) => r.findDocument(documentId)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.fail(new DocumentNotFound({ documentId })),
        onSome: Effect.succeed
      })
    )
  )

export const operatorReviewHandlers: Handlers<
  | "listReviews"
  | "decideEvidence"
  | "decideUnlock"
  | "decideLimitation"
  | "getAnyDocument"
  | "downloadAnyDocument"
> = {
  listReviews: ({ query, origin }) =>
    Effect.gen(function* () {
      const limit = yield* pageLimit(query.limit, "limit", REVIEW_PAGE_DEFAULT, REVIEW_PAGE_MAX)
      const kind = query.kind?.[0]
      if (kind !== undefined && !KINDS.includes(kind)) {
        return yield* reject("InvalidParameter", { field: "kind", problem: "value" })
      }
      const startKey = query.startKey?.[0]
      if (startKey !== undefined && Review.parseQueueCursor(startKey) === undefined) {
        return yield* reject("InvalidParameter", { field: "startKey", problem: "value" })
      }
      const accountId = query.accountId?.[0]
      const page = yield* Reviews.use((r) =>
        r.queue({
          limit,
          ...(kind === undefined ? {} : { kind: kind as Review.ReviewKind }),
          ...(accountId === undefined ? {} : { accountId }),
          ...(startKey === undefined ? {} : { startKey })
        })
      )
      return {
        reviews: page.items.map(({ review, senderId, limitation, documents, holder }) => ({
          kind: review.kind,
          reviewId: review.reviewId,
          accountId: review.accountId,
          phoneNumber: review.phoneNumber,
          dateCreated: Wire.isoDate(review.dateCreated),
          senderId: senderId === null ? null : OperatorWire.senderIdView(senderId),
          limitation: limitation === null ? null : OperatorWire.limitationDocument(limitation),
          documents: documents.map(documentView(origin)),
          holder:
            holder === null ? null : { accountId: holder.accountId, ...OperatorWire.senderIdView(holder) }
        })),
        nextKey: page.nextKey
      }
    }),

  decideEvidence: ({ operatorId, param, body }) =>
    Effect.gen(function* () {
      const accountId = param("accountId")
      const approvalId = param("approvalId")
      const senderId = yield* Reviews.use((r) =>
        r.decideEvidence(
          operatorId,
          { accountId, phoneNumber: param("phoneNumber"), approvalId },
          toDecision(body)
        )
      )
      const submission = senderId.approvalDocuments.find((a) => a.approvalId === approvalId)
      return yield* decided("EVIDENCE", approvalId, accountId, submission, senderId)
    }),

  decideUnlock: ({ operatorId, param, body }) =>
    Effect.gen(function* () {
      const accountId = param("accountId")
      const senderId = yield* Reviews.use((r) =>
        r.decideUnlock(operatorId, { accountId, phoneNumber: param("phoneNumber") }, toDecision(body))
      )
      const unlock = senderId.unlockDuplicate
      return yield* decided(
        "DUPLICATE_UNLOCK",
        unlock?.duplicateId ?? "",
        accountId,
        unlock ?? undefined,
        senderId
      )
    }),

  decideLimitation: ({ operatorId, param, body }) =>
    Effect.gen(function* () {
      const accountId = param("accountId")
      const limitationId = param("limitationId")
      const account = yield* Reviews.use((r) =>
        r.decideLimitation(operatorId, { accountId, limitationId }, toDecision(body))
      )
      const request = account.limitationRequests.find((r) => r.limitationId === limitationId)
      if (request === undefined || request.status === "PENDING") return yield* reject("InternalError")
      return {
        kind: "LIMITATION" as const,
        reviewId: limitationId,
        accountId,
        status: request.status,
        reason: request.reason,
        note: request.note ?? null,
        senderId: null,
        limitation: OperatorWire.limitationDocument(request),
        limit: account.limit
      }
    }),

  getAnyDocument: ({ param, origin }) =>
    anyDocument(param("documentId")).pipe(Effect.map(documentView(origin))),

  downloadAnyDocument: ({ param }) =>
    Effect.gen(function* () {
      const document = yield* anyDocument(param("documentId"))
      return fileResponse(yield* Documents.use((d) => d.download(document.accountId, document.documentId)))
    })
}

/** The answer to a decision on a sender ID's review: the review as decided and the sender ID now. */
const decided = (
  kind: "EVIDENCE" | "DUPLICATE_UNLOCK",
  reviewId: string,
  accountId: string,
  review: Review.Reviewable | undefined,
  senderId: Parameters<typeof OperatorWire.senderIdView>[0]
) =>
  Effect.gen(function* () {
    // The use case has just decided it; anything else is a broken invariant, not a client error.
    if (review === undefined || review.status === "PENDING") return yield* reject("InternalError")
    const account = yield* SenderIdRepository.use((r) => r.findAccount(accountId))
    return {
      kind,
      reviewId,
      accountId,
      status: review.status,
      reason: review.reason,
      note: review.note ?? null,
      senderId: OperatorWire.senderIdView(senderId),
      limitation: null,
      limit: Option.match(account, { onNone: () => 0, onSome: (a) => a.limit })
    } satisfies OperatorWire.DecidedReview
  })
