/**
 * The sender-ID aggregate: one number registered by one account, its verification state machine
 * (PENDING, ACTIVE, INACTIVE, DUPLICATED, EXPIRED, REJECTED), its evidence submissions, its
 * duplicate-unlock request and its audit log. Every transition here is a pure function that
 * either returns the next state with one audit entry appended or fails with a typed error.
 */
import { Duration, Effect, Schema } from "effect"
import { type At as AuditAt, AuditEntry, entry as auditEntry } from "./AuditEntry.ts"
import { Category, type ProofMethod, proofMethodsOf } from "./PhoneNumber.ts"
import * as Review from "./Review.ts"
import {
  ApprovalNotFound,
  ArsCallLimited,
  ArsNotAllowed,
  DeleteNotAllowed,
  EvidenceReviewPending,
  type ReasonRequired,
  type ReviewAlreadyDecided,
  SenderIdSuspended,
  StatusChangeNotAllowed,
  SuspensionNotAllowed,
  SuspensionUnchanged,
  UnlockAlreadyApproved,
  UnlockAlreadyRequested,
  UnlockNotAllowed,
  UnlockRequestNotFound,
  VerificationNotAllowed
} from "./SenderIdError.ts"
import { Suspension } from "./Suspension.ts"

export const SenderIdStatus = Schema.Literals([
  "PENDING",
  "ACTIVE",
  "INACTIVE",
  "DUPLICATED",
  "EXPIRED",
  "REJECTED"
])
export type SenderIdStatus = typeof SenderIdStatus.Type

/** How ownership was proven: an ARS call, operator-approved documents, or an operator registering
 * a special number for the public body that owns it. */
export const VerificationMethod = Schema.Literals(["ARS", "DOCUMENT", "OPERATOR"])
export type VerificationMethod = typeof VerificationMethod.Type

export const ApprovalSubmission = Schema.Struct({
  approvalId: Schema.String,
  documents: Schema.Array(Schema.String),
  ...Review.reviewFields
})
export type ApprovalSubmission = typeof ApprovalSubmission.Type

export const UnlockRequest = Schema.Struct({
  duplicateId: Schema.String,
  reasonForRequested: Schema.String,
  name: Schema.NullOr(Schema.String),
  ...Review.reviewFields,
  /** When an approved unlock was spent by an activation: it lets one take-over, not every later one. */
  consumedAt: Schema.NullOr(Schema.Number)
})
export type UnlockRequest = typeof UnlockRequest.Type

export const ArsCall = Schema.Struct({
  transactionId: Schema.String,
  placedAt: Schema.Number,
  /** Calls since `windowStartedAt`; the window is 24 hours. */
  callsInWindow: Schema.Number,
  windowStartedAt: Schema.Number
})
export type ArsCall = typeof ArsCall.Type

/** Timestamps are epoch milliseconds; the wire layer renders them as ISO 8601. `version` is the
 * optimistic-concurrency counter the repository checks on every write. */
export const SenderId = Schema.Struct({
  handleKey: Schema.String,
  accountId: Schema.String,
  phoneNumber: Schema.String,
  category: Category,
  status: SenderIdStatus,
  method: Schema.NullOr(VerificationMethod),
  expireAt: Schema.NullOr(Schema.Number),
  log: Schema.Array(AuditEntry),
  approvalDocuments: Schema.Array(ApprovalSubmission),
  unlockDuplicate: Schema.NullOr(UnlockRequest),
  autoExtension: Schema.Boolean,
  /** The latest ARS call placed to the number (absent before the first): only its challenge may be
   * answered, and calls are rationed per interval and per 24 hours. */
  arsCall: Schema.optionalKey(ArsCall),
  /** Present while an operator suspends the number. */
  suspension: Schema.optionalKey(Suspension),
  dateCreated: Schema.Number,
  dateUpdated: Schema.Number,
  version: Schema.Number
})
export type SenderId = typeof SenderId.Type

export type At = AuditAt

/** A number is *held* while its owner may send from it or switch it back on. At most one account
 * holds a number; a registration by any other account becomes DUPLICATED. */
export const holds = (self: SenderId): boolean => self.status === "ACTIVE" || self.status === "INACTIVE"

/** Usable for sending right now. */
export const isUsable = (self: SenderId, now: number): boolean =>
  self.status === "ACTIVE" && (self.expireAt === null || self.expireAt > now)

export const proofMethods = (self: SenderId): ReadonlyArray<ProofMethod> => proofMethodsOf(self.category)

const VERIFIABLE: ReadonlyArray<SenderIdStatus> = ["PENDING", "EXPIRED", "REJECTED"]

/** What the owner must do next, in SOLAPI's `necessaryMeasures` vocabulary. */
export const necessaryMeasures = (self: SenderId): ReadonlyArray<string> => {
  if (self.suspension !== undefined) return ["SUSPENDED"]
  switch (self.status) {
    case "DUPLICATED":
      return ["DUPLICATED"]
    case "PENDING":
    case "EXPIRED":
    case "REJECTED":
      if (self.approvalDocuments.some((s) => s.status === "PENDING")) return ["WAIT_FOR_REVIEW"]
      return proofMethods(self).includes("ARS") ? ["ARS", "BUSINESS_DOCUMENTS"] : ["BUSINESS_DOCUMENTS"]
    default:
      return []
  }
}

const appendLog = (
  self: SenderId,
  at: At,
  message: string,
  patch: Partial<Omit<SenderId, "log" | "dateUpdated">>,
  note?: string | undefined
): SenderId => {
  const next = { ...self, ...patch }
  return {
    ...next,
    dateUpdated: at.now,
    log: [...self.log, auditEntry(at, message, self.status, next.status, note)]
  }
}

const plus = (now: number, ttl: Duration.Duration) => now + Duration.toMillis(ttl)

/** A new registration: PENDING, or DUPLICATED when another account already holds the number. */
export const register = (input: {
  readonly handleKey: string
  readonly accountId: string
  readonly phoneNumber: string
  readonly category: Category
  readonly heldByAnotherAccount: boolean
  readonly pendingTtl: Duration.Duration
  readonly autoExtension?: boolean | undefined
  readonly at: At
}): SenderId => {
  const status: SenderIdStatus = input.heldByAnotherAccount ? "DUPLICATED" : "PENDING"
  return {
    handleKey: input.handleKey,
    accountId: input.accountId,
    phoneNumber: input.phoneNumber,
    category: input.category,
    status,
    method: null,
    expireAt: plus(input.at.now, input.pendingTtl),
    log: [
      auditEntry(
        input.at,
        input.heldByAnotherAccount
          ? "sender ID created; the number is held by another account (DUPLICATED)"
          : "sender ID created",
        null,
        status
      )
    ],
    approvalDocuments: [],
    unlockDuplicate: null,
    autoExtension: input.autoExtension ?? false,
    dateCreated: input.at.now,
    dateUpdated: input.at.now,
    version: 0
  }
}

/** A number registered directly by an operator (special short numbers for the public body that
 * owns them): ACTIVE at once, proven by the operator's decision. */
export const registerByOperator = (input: {
  readonly handleKey: string
  readonly accountId: string
  readonly phoneNumber: string
  readonly category: Category
  readonly activeTtl: Duration.Duration
  readonly at: At
}): SenderId => ({
  ...register({ ...input, heldByAnotherAccount: false, pendingTtl: input.activeTtl }),
  status: "ACTIVE",
  method: "OPERATOR",
  log: [auditEntry(input.at, "sender ID registered and verified by an operator", null, "ACTIVE")]
})

/** Ownership proof may start only from PENDING, EXPIRED or REJECTED, and never while an operator
 * suspends the number. A DUPLICATED number must first have its duplicate-unlock request approved
 * (which moves it to PENDING). */
export const assertVerifiable = (
  self: SenderId
): Effect.Effect<void, VerificationNotAllowed | SenderIdSuspended> =>
  self.suspension !== undefined
    ? Effect.fail(suspendedError(self, self.suspension))
    : VERIFIABLE.includes(self.status)
      ? Effect.void
      : Effect.fail(new VerificationNotAllowed({ phoneNumber: self.phoneNumber, status: self.status }))

export const assertArsAllowed = (
  self: SenderId
): Effect.Effect<void, VerificationNotAllowed | ArsNotAllowed | SenderIdSuspended> =>
  proofMethods(self).includes("ARS")
    ? assertVerifiable(self)
    : Effect.fail(new ArsNotAllowed({ phoneNumber: self.phoneNumber, category: self.category }))

const DAY_MILLIS = 24 * 60 * 60 * 1000

/**
 * Records an ARS call about to be placed, if the number may receive one now: not within `interval`
 * of the previous call, and not more than `perDay` calls in 24 hours. The new call's challenge
 * replaces every earlier one (see `isCurrentChallenge`).
 */
export const placeArsCall = (
  self: SenderId,
  call: { readonly transactionId: string; readonly interval: Duration.Duration; readonly perDay: number },
  at: At
): Effect.Effect<SenderId, ArsCallLimited> => {
  const previous = self.arsCall
  const waitMillis =
    previous === undefined ? 0 : previous.placedAt + Duration.toMillis(call.interval) - at.now
  if (waitMillis > 0) {
    return Effect.fail(
      new ArsCallLimited({
        phoneNumber: self.phoneNumber,
        reason: "interval",
        retryAfterSeconds: Math.ceil(waitMillis / 1000)
      })
    )
  }
  const sameWindow = previous !== undefined && at.now - previous.windowStartedAt < DAY_MILLIS
  const callsInWindow = sameWindow ? previous.callsInWindow + 1 : 1
  if (sameWindow && callsInWindow > call.perDay) {
    return Effect.fail(
      new ArsCallLimited({
        phoneNumber: self.phoneNumber,
        reason: "daily",
        retryAfterSeconds: Math.ceil((previous.windowStartedAt + DAY_MILLIS - at.now) / 1000)
      })
    )
  }
  return Effect.succeed(
    appendLog(self, at, `ARS verification call placed (${call.transactionId})`, {
      arsCall: {
        transactionId: call.transactionId,
        placedAt: at.now,
        callsInWindow,
        windowStartedAt: sameWindow ? previous.windowStartedAt : at.now
      }
    })
  )
}

/** Only the latest call's challenge may be answered; numbers called before calls were recorded accept any. */
export const isCurrentChallenge = (self: SenderId, transactionId: string): boolean =>
  self.arsCall === undefined || self.arsCall.transactionId === transactionId

/** The only way into ACTIVE from a verification: callers pass the proof (a completed ARS challenge
 * or an approved evidence submission), never a bare status. */
const activate = (
  self: SenderId,
  method: VerificationMethod,
  activeTtl: Duration.Duration,
  at: At,
  message: string,
  note?: string | undefined
) => appendLog(self, at, message, { status: "ACTIVE", method, expireAt: plus(at.now, activeTtl) }, note)

/** Completes an ARS verification; the caller has checked the challenge's PIN. */
export const verifyByArs = (
  self: SenderId,
  activeTtl: Duration.Duration,
  at: At
): Effect.Effect<SenderId, VerificationNotAllowed | ArsNotAllowed | SenderIdSuspended> =>
  assertArsAllowed(self).pipe(Effect.as(activate(self, "ARS", activeTtl, at, "verified by ARS call")))

export const submitEvidence = (
  self: SenderId,
  submission: { readonly approvalId: string; readonly documents: ReadonlyArray<string> },
  at: At
): Effect.Effect<SenderId, VerificationNotAllowed | EvidenceReviewPending | SenderIdSuspended> =>
  Effect.gen(function* () {
    yield* assertVerifiable(self)
    const pending = self.approvalDocuments.find((s) => s.status === "PENDING")
    if (pending) {
      return yield* new EvidenceReviewPending({
        phoneNumber: self.phoneNumber,
        approvalId: pending.approvalId
      })
    }
    return appendLog(self, at, `evidence submitted for review (${submission.approvalId})`, {
      approvalDocuments: [
        ...self.approvalDocuments,
        {
          approvalId: submission.approvalId,
          documents: [...submission.documents],
          ...Review.pending(at.now)
        }
      ]
    })
  })

/** An operator's decision on an evidence submission: approval activates with `method: DOCUMENT`
 * (its note kept on the submission and in the audit entry), rejection moves the number to REJECTED
 * with the reason (the owner may resubmit). */
export const decideEvidence = (
  self: SenderId,
  approvalId: string,
  decision: Review.Decision,
  ttl: { readonly activeTtl: Duration.Duration; readonly pendingTtl: Duration.Duration },
  at: At
): Effect.Effect<
  SenderId,
  ApprovalNotFound | ReviewAlreadyDecided | ReasonRequired | VerificationNotAllowed | SenderIdSuspended
> =>
  Effect.gen(function* () {
    const submission = self.approvalDocuments.find((s) => s.approvalId === approvalId)
    if (!submission) return yield* new ApprovalNotFound({ phoneNumber: self.phoneNumber, approvalId })
    const decidedSubmission = yield* Review.decide(submission, approvalId, decision, at.now)
    yield* assertVerifiable(self)
    const decided = self.approvalDocuments.map((s) => (s.approvalId === approvalId ? decidedSubmission : s))
    const withDecision = { ...self, approvalDocuments: decided }
    return decision.approve
      ? activate(
          withDecision,
          "DOCUMENT",
          ttl.activeTtl,
          at,
          `evidence ${approvalId} approved; verified by documents`,
          Review.noteOf(decision)
        )
      : appendLog(withDecision, at, `evidence ${approvalId} rejected: ${decision.reason}`, {
          status: "REJECTED",
          expireAt: plus(at.now, ttl.pendingTtl)
        })
  })

/** The owner's switch: ACTIVE ⇄ INACTIVE only, and back to ACTIVE only before the expiry. */
export const setStatus = (
  self: SenderId,
  to: SenderIdStatus,
  at: At
): Effect.Effect<SenderId, StatusChangeNotAllowed | SenderIdSuspended> => {
  if (self.suspension !== undefined) return Effect.fail(suspendedError(self, self.suspension))
  const allowed =
    (self.status === "ACTIVE" && to === "INACTIVE") ||
    (self.status === "INACTIVE" && to === "ACTIVE" && (self.expireAt === null || self.expireAt > at.now))
  return allowed
    ? Effect.succeed(appendLog(self, at, `status changed to ${to}`, { status: to }))
    : Effect.fail(new StatusChangeNotAllowed({ phoneNumber: self.phoneNumber, from: self.status, to }))
}

/** An ACTIVE number must be switched off before it can be deleted, so a number in use never
 * vanishes by one mistaken call. Returns the final audit entry kept after the deletion. */
export const markDeleted = (
  self: SenderId,
  at: At
): Effect.Effect<SenderId, DeleteNotAllowed | SenderIdSuspended> =>
  self.suspension !== undefined
    ? Effect.fail(suspendedError(self, self.suspension))
    : self.status === "ACTIVE"
      ? Effect.fail(new DeleteNotAllowed({ phoneNumber: self.phoneNumber, status: self.status }))
      : Effect.succeed(appendLog(self, at, "sender ID deleted", {}))

export const requestUnlock = (
  self: SenderId,
  request: {
    readonly duplicateId: string
    readonly reasonForRequested: string
    readonly name: string | null
  },
  at: At
): Effect.Effect<SenderId, UnlockNotAllowed | UnlockAlreadyApproved | UnlockAlreadyRequested> =>
  Effect.gen(function* () {
    const current = self.unlockDuplicate
    if (current?.status === "APPROVED" && current.consumedAt === null) {
      return yield* new UnlockAlreadyApproved({
        phoneNumber: self.phoneNumber,
        duplicateId: current.duplicateId
      })
    }
    if (self.status !== "DUPLICATED") {
      return yield* new UnlockNotAllowed({ phoneNumber: self.phoneNumber, status: self.status })
    }
    if (current?.status === "PENDING") {
      return yield* new UnlockAlreadyRequested({
        phoneNumber: self.phoneNumber,
        duplicateId: current.duplicateId
      })
    }
    return appendLog(self, at, `duplicate-unlock requested: ${request.reasonForRequested}`, {
      unlockDuplicate: {
        duplicateId: request.duplicateId,
        reasonForRequested: request.reasonForRequested,
        name: request.name,
        ...Review.pending(at.now),
        consumedAt: null
      }
    })
  })

/** Approval lets the number proceed to verification (PENDING); the current holder keeps it until
 * this account actually proves ownership. Rejection leaves it DUPLICATED with the reason. */
export const decideUnlock = (
  self: SenderId,
  decision: Review.Decision,
  pendingTtl: Duration.Duration,
  at: At
): Effect.Effect<SenderId, UnlockRequestNotFound | ReviewAlreadyDecided | ReasonRequired> =>
  Effect.gen(function* () {
    const request = self.unlockDuplicate
    if (request === null) return yield* new UnlockRequestNotFound({ phoneNumber: self.phoneNumber })
    const decided = yield* Review.decide(request, request.duplicateId, decision, at.now)
    return decision.approve
      ? appendLog(
          self,
          at,
          "duplicate-unlock approved; the number may now be verified",
          { unlockDuplicate: decided, status: "PENDING", expireAt: plus(at.now, pendingTtl) },
          Review.noteOf(decision)
        )
      : appendLog(self, at, `duplicate-unlock rejected: ${decision.reason}`, { unlockDuplicate: decided })
  })

/** Whether this registration may take the number over from its current holder on activation. */
export const mayTakeOver = (self: SenderId): boolean =>
  self.unlockDuplicate?.status === "APPROVED" && self.unlockDuplicate.consumedAt === null

/** An activation spends an approved unlock (within the activation's own audit entry): the approval
 * allowed this take-over, not every later one. */
export const spendUnlock = (self: SenderId, at: At): SenderId =>
  mayTakeOver(self) && self.unlockDuplicate !== null
    ? { ...self, unlockDuplicate: { ...self.unlockDuplicate, consumedAt: at.now } }
    : self

/** The previous holder's side of a take-over: it loses the number to the account whose
 * duplicate-unlock was approved and which then proved ownership. */
export const displace = (self: SenderId, pendingTtl: Duration.Duration, at: At): SenderId =>
  appendLog(self, at, "number verified by another account after an approved duplicate-unlock review", {
    status: "DUPLICATED",
    method: null,
    expireAt: plus(at.now, pendingTtl),
    unlockDuplicate: null
  })

/** Whether the number may still be proven (PENDING, EXPIRED, REJECTED), and is not suspended. */
export const isVerifiable = (self: SenderId): boolean =>
  VERIFIABLE.includes(self.status) && self.suspension === undefined

/** Another account proved the number while this registration waited: it is DUPLICATED from now,
 * which is what lets it ask for a duplicate-unlock. */
export const markHeldElsewhere = (self: SenderId, pendingTtl: Duration.Duration, at: At): SenderId =>
  appendLog(self, at, "the number is held by another account (DUPLICATED)", {
    status: "DUPLICATED",
    expireAt: plus(at.now, pendingTtl)
  })

/** Whether the sweep has something to do with this sender ID at `now`. */
export const isLapsed = (self: SenderId, now: number): boolean =>
  self.expireAt !== null && self.expireAt <= now && self.status !== "EXPIRED"

/** A lapsed verification: ACTIVE or INACTIVE → EXPIRED (verify again to come back). */
export const expire = (self: SenderId, at: At): SenderId =>
  appendLog(self, at, "verification expired", { status: "EXPIRED" })

/** Auto-extension: renews an ACTIVE number's verification for another period from its expiry. */
export const extend = (self: SenderId, activeTtl: Duration.Duration, at: At): SenderId =>
  appendLog(self, at, "verification extended automatically", {
    expireAt: plus(Math.max(self.expireAt ?? at.now, at.now), activeTtl)
  })

/** The final entry of a registration that was never verified in time (the sweep removes it). */
export const lapse = (self: SenderId, at: At): SenderId =>
  appendLog(self, at, "registration lapsed unverified", {})

export const setAutoExtension = (self: SenderId, enabled: boolean, at: At): SenderId =>
  appendLog(self, at, `auto-extension ${enabled ? "enabled" : "disabled"}`, { autoExtension: enabled })

/** An account book's order: oldest registration first, then by handle key (code units) — unique, so
 * numbers registered in the same millisecond keep one order from read to read. */
export const bookOrder = (a: SenderId, b: SenderId): number =>
  a.dateCreated - b.dateCreated || (a.handleKey < b.handleKey ? -1 : a.handleKey > b.handleKey ? 1 : 0)

/** A place in an account book's order, where a page starts. */
export interface BookPosition {
  readonly dateCreated: number
  readonly handleKey: string
}

/** A page boundary in the book: opaque to clients (`nextKey`, then `startKey`), a position to
 * adapters. It names a place in the order, not a row, so it stays valid when that number is deleted. */
export const bookCursor = (position: BookPosition): string => `${position.dateCreated}.${position.handleKey}`

/** The position a cursor names, or `undefined` when it was not made by `bookCursor`. */
export const parseBookCursor = (cursor: string): BookPosition | undefined => {
  const match = /^(\d{1,16})\.([A-Za-z0-9]{1,64})$/u.exec(cursor)
  const dateCreated = Number(match?.[1])
  return match === null || !Number.isSafeInteger(dateCreated)
    ? undefined
    : { dateCreated, handleKey: match[2] as string }
}

/** What of this registration waits for an operator: a PENDING evidence submission, a PENDING
 * duplicate-unlock request. The operator's queue is these, across every account. */
export const pendingReviews = (self: SenderId): ReadonlyArray<Review.QueuedReview> => {
  const where = { accountId: self.accountId, handleKey: self.handleKey, phoneNumber: self.phoneNumber }
  const queued: Array<Review.QueuedReview> = self.approvalDocuments
    .filter((s) => s.status === "PENDING")
    .map((s) => ({ kind: "EVIDENCE", reviewId: s.approvalId, dateCreated: s.dateCreated, ...where }))
  const unlock = self.unlockDuplicate
  if (unlock !== null && unlock.status === "PENDING") {
    queued.push({
      kind: "DUPLICATE_UNLOCK",
      reviewId: unlock.duplicateId,
      dateCreated: unlock.dateCreated,
      ...where
    })
  }
  return queued
}

const suspendedError = (self: SenderId, suspension: Suspension) =>
  new SenderIdSuspended({ phoneNumber: self.phoneNumber, reason: suspension.reason })

/** An operator's suspension: a held number (ACTIVE or INACTIVE) becomes INACTIVE and stays so,
 * held by its account, until the operator lifts it. */
export const suspend = (
  self: SenderId,
  reason: string,
  operatorId: string,
  at: At
): Effect.Effect<SenderId, SuspensionNotAllowed | SuspensionUnchanged> => {
  if (self.suspension !== undefined) {
    return Effect.fail(new SuspensionUnchanged({ subject: self.phoneNumber, suspended: true }))
  }
  if (!holds(self))
    return Effect.fail(new SuspensionNotAllowed({ subject: self.phoneNumber, status: self.status }))
  return Effect.succeed(
    appendLog(self, at, `suspended by an operator: ${reason}`, {
      status: "INACTIVE",
      suspension: { reason, operatorId, since: at.now }
    })
  )
}

/** Lifts the suspension; the number stays INACTIVE (or EXPIRED) for its owner to switch back on. */
export const liftSuspension = (self: SenderId, at: At): Effect.Effect<SenderId, SuspensionUnchanged> => {
  if (self.suspension === undefined) {
    return Effect.fail(new SuspensionUnchanged({ subject: self.phoneNumber, suspended: false }))
  }
  const { suspension: _lifted, ...rest } = appendLog(self, at, "suspension lifted by an operator", {})
  return Effect.succeed(rest)
}
