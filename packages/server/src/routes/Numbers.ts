/**
 * The sender-ID routes: register (one or in bulk), the account book (whole, as SOLAPI, or a page at a
 * time), the active numbers, one number, switch on and off, delete, and the two-step ARS flow over the
 * `x-mfa-data` header.
 */
import { Requests, Wire } from "@senderid/contract"
import { PhoneNumber, SenderId, SenderIds } from "@senderid/domain"
import { Data, Effect } from "effect"
import { languageOf, toWire } from "../ErrorTable.ts"
import { pageLimit } from "../QueryParameters.ts"
import { decodeJson } from "../RequestBody.ts"
import { reject } from "../RequestError.ts"
import type { Handlers } from "../Route.ts"

/** ARS step one succeeded: the call is placed; the answer is SOLAPI's error carrying `mfa`. */
export class ArsCallPlaced extends Data.TaggedError("ArsCallPlaced")<{ readonly mfa: Wire.MfaChallenge }> {}

const BOOK_PAGE_MAX = 1000

export const numberHandlers: Handlers<
  | "registerNumber"
  | "registerNumbers"
  | "getBook"
  | "getActiveNumbers"
  | "getNumber"
  | "updateNumber"
  | "deleteNumber"
  | "authenticateNumber"
> = {
  registerNumber: ({ accountId, body }) =>
    SenderIds.use((s) => s.register(accountId, body)).pipe(Effect.map((book) => Wire.accountBook(book))),

  registerNumbers: ({ accountId, body, header }) =>
    Effect.gen(function* () {
      const senderIds = yield* SenderIds
      const language = languageOf(header("accept-language"))
      // One at a time, in order: each item sees the limit as the previous ones left it.
      const results = yield* Effect.forEach(body.numbers, (item) =>
        senderIds.add(accountId, item).pipe(
          Effect.map(
            (senderId): Wire.BulkItemResult => ({
              phoneNumber: item.phoneNumber,
              ok: true,
              senderId: Wire.senderIdView(senderId)
            })
          ),
          Effect.catch((error) => {
            const wire = toWire(error, language)
            // Infrastructure failures stop the batch: the items after it were not attempted.
            return wire.status >= 500
              ? Effect.fail(error)
              : Effect.succeed<Wire.BulkItemResult>({
                  phoneNumber: item.phoneNumber,
                  ok: false,
                  httpStatus: wire.status,
                  errorCode: wire.body.errorCode,
                  errorMessage: wire.body.errorMessage
                })
          })
        )
      )
      const registered = results.filter((r) => r.ok).length
      return { registered, failed: results.length - registered, results }
    }),

  getBook: ({ accountId, query }) =>
    Effect.gen(function* () {
      const status = query.status?.[0]
      const startKey = query.startKey?.[0]
      const paged = query.limit !== undefined || startKey !== undefined || status !== undefined
      if (!paged) return Wire.accountBook(yield* SenderIds.use((s) => s.book(accountId)))
      if (status !== undefined && !(Wire.SenderIdStatus.literals as ReadonlyArray<string>).includes(status)) {
        return yield* reject("InvalidParameter", { field: "status", problem: "value" })
      }
      const limit = yield* pageLimit(query.limit, "limit", BOOK_PAGE_MAX, BOOK_PAGE_MAX)
      // The key is opaque: one this server did not hand out is refused, never echoed or guessed at.
      const start = startKey === undefined ? undefined : SenderId.parseBookCursor(startKey)
      if (startKey !== undefined && start === undefined) {
        return yield* reject("InvalidParameter", { field: "startKey", problem: "value" })
      }
      const page = yield* SenderIds.use((s) =>
        s.bookPage(accountId, {
          limit,
          ...(status === undefined ? {} : { status: status as SenderId.SenderIdStatus }),
          ...(start === undefined ? {} : { start })
        })
      )
      return Wire.accountBook(page, { nextKey: page.nextKey })
    }),

  getActiveNumbers: ({ accountId }) => SenderIds.use((s) => s.activeNumbers(accountId)),

  getNumber: ({ accountId, param }) =>
    SenderIds.use((s) => s.get(accountId, param("phoneNumber"))).pipe(Effect.map(Wire.senderIdView)),

  updateNumber: ({ accountId, body, param }) =>
    Effect.gen(function* () {
      if (body.status === undefined && body.autoExtension === undefined) {
        return yield* reject("MissingRequiredParameter", { field: "status" })
      }
      const book = yield* SenderIds.use((s) =>
        s.update(accountId, param("phoneNumber"), { status: body.status, autoExtension: body.autoExtension })
      )
      return Wire.accountBook(book)
    }),

  deleteNumber: ({ accountId, param }) =>
    SenderIds.use((s) => s.remove(accountId, param("phoneNumber"))).pipe(
      Effect.map((book) => Wire.accountBook(book))
    ),

  authenticateNumber: ({ accountId, param, header }) =>
    Effect.gen(function* () {
      const senderIds = yield* SenderIds
      const phoneNumber = param("phoneNumber")
      const raw = header("x-mfa-data")
      if (raw === undefined || raw.trim() === "") {
        return yield* reject("MissingRequiredParameter", { field: "x-mfa-data" })
      }
      const mfa = yield* decodeJson(Requests.MfaData, raw, "x-mfa-data")
      if (PhoneNumber.lookupKey(mfa.extras.phoneNumber) !== PhoneNumber.lookupKey(phoneNumber)) {
        return yield* reject("InvalidParameter", {
          field: "x-mfa-data.extras.phoneNumber",
          problem: "value",
          expected: { _tag: "PathPhoneNumber", phoneNumber }
        })
      }
      if (mfa.transactionId !== undefined && mfa.token !== undefined) {
        return Wire.accountBook(
          yield* senderIds.completeArs(accountId, phoneNumber, {
            transactionId: mfa.transactionId,
            token: mfa.token
          })
        )
      }
      if (mfa.transactionId !== undefined || mfa.token !== undefined) {
        const missing = mfa.token === undefined ? "token" : "transactionId"
        return yield* reject("MissingRequiredParameter", { field: `x-mfa-data.${missing}` })
      }
      const call = yield* senderIds.startArs(accountId, phoneNumber)
      return yield* new ArsCallPlaced({
        mfa: {
          authType: "ARS",
          transactionId: call.transactionId,
          phoneNumber: call.phoneNumber,
          expireAt: Wire.isoDate(call.expireAt),
          attemptsLeft: call.attemptsLeft
        }
      })
    })
}
