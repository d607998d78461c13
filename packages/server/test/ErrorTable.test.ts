import { assert, describe, it } from "@effect/vitest"
import * as Domain from "@senderid/domain"
import { Result, Schema } from "effect"
import {
  type Expected,
  languageOf,
  type ServerErrorCode,
  toWire,
  type WireError,
  wireError
} from "../src/ErrorTable.ts"

const hangul = /[가-힣]/u

interface Case {
  readonly error: Error & { readonly _tag: string }
  readonly code: string
  readonly status: number
}

const sqlCause = Object.assign(
  new Error("SQLITE_FULL: INSERT INTO sender_ids (handle_key, account_id) VALUES ('SED1', 'acc-1')"),
  {
    stack:
      "Error: SQLITE_FULL\n    at Statement.run (/srv/senderid/node_modules/better-sqlite3/lib/methods/wrappers.js:5:21)\n    at commit (/srv/senderid/packages/storage/src/SqlRepository.ts:164:11)"
  }
)

/** One instance of every domain error, with the code and status the wire contract gives it. */
const cases: ReadonlyArray<Case> = [
  { error: new Domain.AccountNotFound({ accountId: "acc-1" }), code: "InvalidAccountId", status: 400 },
  {
    error: new Domain.AccountAlreadyExists({ accountId: "acc-1" }),
    code: "AccountAlreadyExists",
    status: 409
  },
  {
    error: new Domain.SenderIdNotFound({ accountId: "acc-1", phoneNumber: "01012345678" }),
    code: "InvalidSenderId",
    status: 400
  },
  {
    error: new Domain.SenderIdAlreadyRegistered({ accountId: "acc-1", phoneNumber: "01012345678" }),
    code: "AlreadyRegistered",
    status: 409
  },
  {
    error: new Domain.SenderIdLimitReached({ accountId: "acc-1", limit: 5 }),
    code: "LimitExceeded",
    status: 403
  },
  {
    error: new Domain.NumberHeldByAnotherAccount({ phoneNumber: "01012345678" }),
    code: "DuplicatedSenderId",
    status: 409
  },
  {
    error: new Domain.StatusChangeNotAllowed({ phoneNumber: "01012345678", from: "PENDING", to: "ACTIVE" }),
    code: "FailedToUpdate",
    status: 409
  },
  {
    error: new Domain.DeleteNotAllowed({ phoneNumber: "01012345678", status: "ACTIVE" }),
    code: "FailedToDelete",
    status: 409
  },
  {
    error: new Domain.VerificationNotAllowed({ phoneNumber: "01012345678", status: "DUPLICATED" }),
    code: "VerificationNotAllowed",
    status: 409
  },
  {
    error: new Domain.ArsNotAllowed({ phoneNumber: "15881234", category: "representative" }),
    code: "ArsNotAllowed",
    status: 400
  },
  {
    error: new Domain.ArsCallLimited({
      phoneNumber: "01023456789",
      reason: "interval",
      retryAfterSeconds: 40
    }),
    code: "ArsCallLimitExceeded",
    status: 429
  },
  {
    error: new Domain.ChallengeNotFound({ transactionId: "TX1" }),
    code: "InvalidTransactionId",
    status: 400
  },
  { error: new Domain.ChallengeExpired({ transactionId: "TX1" }), code: "ChallengeExpired", status: 409 },
  {
    error: new Domain.ChallengeAlreadyUsed({ transactionId: "TX1" }),
    code: "ChallengeAlreadyUsed",
    status: 409
  },
  {
    error: new Domain.ChallengeAttemptsExceeded({ transactionId: "TX1", maxAttempts: 5 }),
    code: "ChallengeAttemptsExceeded",
    status: 409
  },
  {
    error: new Domain.ChallengeTokenMismatch({ transactionId: "TX1", attemptsLeft: 2 }),
    code: "TokenMismatch",
    status: 400
  },
  {
    error: new Domain.EvidenceReviewPending({ phoneNumber: "01012345678", approvalId: "APD1" }),
    code: "AlreadyRequested",
    status: 409
  },
  {
    error: new Domain.ApprovalNotFound({ phoneNumber: "01012345678", approvalId: "APD1" }),
    code: "InvalidApprovalId",
    status: 400
  },
  {
    error: new Domain.ReviewAlreadyDecided({ reviewId: "APD1", status: "APPROVED" }),
    code: "AlreadyDecided",
    status: 409
  },
  { error: new Domain.ReasonRequired({ reviewId: "APD1" }), code: "ReasonRequired", status: 400 },
  {
    error: new Domain.UnlockNotAllowed({ phoneNumber: "01012345678", status: "ACTIVE" }),
    code: "UnlockNotAllowed",
    status: 409
  },
  {
    error: new Domain.UnlockAlreadyApproved({ phoneNumber: "01012345678", duplicateId: "DUP1" }),
    code: "AlreadyApproved",
    status: 409
  },
  {
    error: new Domain.UnlockAlreadyRequested({ phoneNumber: "01012345678", duplicateId: "DUP1" }),
    code: "AlreadyRequested",
    status: 409
  },
  {
    error: new Domain.UnlockRequestNotFound({ phoneNumber: "01012345678" }),
    code: "UnlockNotRequested",
    status: 409
  },
  {
    error: new Domain.LimitNotIncreased({ accountId: "acc-1", requested: 2, current: 5, max: 50 }),
    code: "InvalidLimit",
    status: 400
  },
  {
    error: new Domain.LimitationRequestPending({ accountId: "acc-1", limitationId: "LID1" }),
    code: "AlreadyRequested",
    status: 409
  },
  {
    error: new Domain.LimitationRequestNotFound({ accountId: "acc-1", limitationId: "LID1" }),
    code: "InvalidLimitationId",
    status: 400
  },
  {
    error: new Domain.LimitBelowHeld({ accountId: "acc-1", limit: 1, held: 3 }),
    code: "LimitBelowHeld",
    status: 409
  },
  { error: new Domain.DocumentNotFound({ documentId: "DOC1" }), code: "InvalidDocumentId", status: 400 },
  {
    error: new Domain.DocumentCategoryMismatch({
      documentId: "DOC1",
      category: "SENDERID_LIMITATION",
      expected: ["SENDERID_APPROVAL"]
    }),
    code: "InvalidDocumentId",
    status: 400
  },
  {
    error: new Domain.DocumentInUse({ documentId: "DOC1", reviewId: "APD1" }),
    code: "DocumentInUse",
    status: 409
  },
  { error: new Domain.DocumentsRequired({}), code: "DocumentsRequired", status: 400 },
  {
    error: new Domain.ConcurrentModification({ entity: "senderId", id: "SED1" }),
    code: "ConcurrentModification",
    status: 409
  },
  {
    error: new Domain.InvalidPhoneNumber({
      input: "1234567",
      rule: "missingAreaCode",
      reason: "needs an area code"
    }),
    code: "InvalidPhoneNumber",
    status: 400
  },
  {
    error: new Domain.InvalidFileType({ detected: "exe", name: "a.exe" }),
    code: "InvalidFileType",
    status: 400
  },
  {
    error: new Domain.FileSizeTooLarge({ size: 800 * 1024, maxBytes: 700 * 1024 }),
    code: "FileSizeTooLarge",
    status: 413
  },
  {
    error: new Domain.InvalidFileEncoding({ reason: "InvalidCharacter" }),
    code: "InvalidFileEncoding",
    status: 400
  },
  // Infrastructure: retryable, and never a word about the cause.
  {
    error: new Domain.RepositoryError({ operation: "commit", cause: sqlCause }),
    code: "ServiceUnavailable",
    status: 503
  },
  {
    error: new Domain.VoiceCallFailed({ phoneNumber: "01012345678", cause: sqlCause }),
    code: "VoiceCallFailed",
    status: 503
  },
  {
    error: new Domain.DocumentBlobError({ documentId: "DOC1", cause: sqlCause }),
    code: "ServiceUnavailable",
    status: 503
  },
  {
    error: new Domain.ApiKeyAlreadyExists({ apiKey: "NCSAYU7YDBXYORXC" }),
    code: "ApiKeyAlreadyExists",
    status: 409
  },
  { error: new Domain.ApiKeyNotFound({ apiKey: "NCSAYU7YDBXYORXC" }), code: "InvalidApiKeyId", status: 400 },
  { error: new Domain.ApiKeyStoreError({ cause: sqlCause }), code: "ServiceUnavailable", status: 503 },
  { error: new Domain.UsedSignatureStoreError({ cause: sqlCause }), code: "ServiceUnavailable", status: 503 },
  { error: new Domain.IdempotencyStoreError({ cause: sqlCause }), code: "ServiceUnavailable", status: 503 },
  { error: new Domain.EventPublishFailed({ cause: sqlCause }), code: "ServiceUnavailable", status: 503 },
  {
    error: new Domain.InvalidWebhookUrl({ url: "ftp://example.com/", reason: "scheme" }),
    code: "InvalidWebhookUrl",
    status: 400
  },
  {
    error: new Domain.WebhookEndpointLimitReached({ accountId: "acc-1", limit: 10 }),
    code: "WebhookLimitExceeded",
    status: 403
  },
  {
    error: new Domain.WebhookEndpointNotFound({ accountId: "acc-1", endpointId: "WHK1" }),
    code: "InvalidWebhookId",
    status: 400
  },
  { error: new Domain.WebhookStoreError({ cause: sqlCause }), code: "ServiceUnavailable", status: 503 },
  {
    error: new Domain.SenderIdSuspended({ phoneNumber: "01023456789", reason: "spam reports" }),
    code: "NumberSuspended",
    status: 409
  },
  {
    error: new Domain.AccountSuspended({ accountId: "acc-1", reason: "unpaid" }),
    code: "AccountSuspended",
    status: 403
  },
  {
    error: new Domain.SuspensionNotAllowed({ subject: "01023456789", status: "PENDING" }),
    code: "SuspensionNotAllowed",
    status: 409
  },
  {
    error: new Domain.SuspensionUnchanged({ subject: "acc-1", suspended: true }),
    code: "SuspensionUnchanged",
    status: 409
  }
]

/** An error class, as a value: compared by identity, listed by name. */
type ErrorClass = abstract new (...args: never) => unknown

const classOf = (error: Error): ErrorClass => error.constructor as ErrorClass

const infrastructure = new Set<ErrorClass>([
  Domain.RepositoryError,
  Domain.VoiceCallFailed,
  Domain.DocumentBlobError,
  Domain.ApiKeyStoreError,
  Domain.UsedSignatureStoreError,
  Domain.IdempotencyStoreError,
  Domain.EventPublishFailed,
  Domain.WebhookStoreError
])

const isErrorClass = (value: unknown): value is ErrorClass =>
  typeof value === "function" && value.prototype instanceof Error

/** Every error class the domain exports, by name or inside a namespace such as `DocumentFile`. */
const exportedErrorClasses = (): Set<ErrorClass> => {
  const found = new Set<ErrorClass>()
  for (const value of Object.values(Domain)) {
    if (isErrorClass(value)) found.add(value)
    else if (typeof value === "object" && value !== null) {
      for (const member of Object.values(value)) if (isErrorClass(member)) found.add(member)
    }
  }
  return found
}

const names = (classes: Iterable<ErrorClass>) => [...classes].map((c) => c.name).sort()

describe("ErrorTable", () => {
  it("lists every error class the domain exports, so a new one fails here until it has a row", () => {
    assert.deepStrictEqual(names(cases.map((c) => classOf(c.error))), names(exportedErrorClasses()))
  })

  it("maps every domain error to its code and status; only infrastructure is 5xx, and that is 503", () => {
    for (const { error, code, status } of cases) {
      const ko = toWire(error, "ko")
      const en = toWire(error, "en")
      assert.deepStrictEqual([ko.body.errorCode, ko.status], [code, status], error._tag)
      assert.deepStrictEqual([en.body.errorCode, en.status], [code, status], error._tag)
      if (infrastructure.has(classOf(error))) assert.strictEqual(ko.status, 503, error._tag)
      else assert.isTrue(ko.status >= 400 && ko.status < 500, error._tag)
      assert.match(ko.body.errorMessage, hangul, error._tag)
      assert.notMatch(en.body.errorMessage, hangul, error._tag)
      assert.deepStrictEqual(Object.keys(ko.body).sort(), ["errorCode", "errorMessage"])
    }
  })

  it("keeps SOLAPI's documented codes, statuses and Korean sentences", () => {
    const at = (error: unknown) => toWire(error, languageOf(undefined))
    const expectSolapi = (wire: WireError, code: string, status: number, prefix?: string) => {
      assert.strictEqual(wire.body.errorCode, code)
      assert.strictEqual(wire.status, status)
      if (prefix !== undefined)
        assert.isTrue(wire.body.errorMessage.startsWith(prefix), wire.body.errorMessage)
    }
    expectSolapi(
      at(new Domain.InvalidPhoneNumber({ input: "0", rule: "tooShort", reason: "too short" })),
      "InvalidPhoneNumber",
      400,
      "전화번호가 유효하지 않습니다."
    )
    expectSolapi(
      at(new Domain.DocumentNotFound({ documentId: "DOC1" })),
      "InvalidDocumentId",
      400,
      "등록된 문서 정보를 찾을 수 없습니다."
    )
    expectSolapi(
      at(new Domain.DocumentCategoryMismatch({ documentId: "DOC1", category: "X", expected: ["Y"] })),
      "InvalidDocumentId",
      400,
      "등록된 문서 정보를 찾을 수 없습니다."
    )
    expectSolapi(
      at(new Domain.SenderIdNotFound({ accountId: "a", phoneNumber: "0212345678" })),
      "InvalidSenderId",
      400
    )
    expectSolapi(
      at(new Domain.StatusChangeNotAllowed({ phoneNumber: "0212345678", from: "PENDING", to: "ACTIVE" })),
      "FailedToUpdate",
      409
    )
    expectSolapi(
      at(new Domain.DeleteNotAllowed({ phoneNumber: "0212345678", status: "ACTIVE" })),
      "FailedToDelete",
      409
    )
    expectSolapi(
      at(new Domain.UnlockAlreadyApproved({ phoneNumber: "0212345678", duplicateId: "DUP1" })),
      "AlreadyApproved",
      409
    )
    expectSolapi(at(new Domain.InvalidFileType({ detected: null, name: null })), "InvalidFileType", 400)
    expectSolapi(at(new Domain.FileSizeTooLarge({ size: 2, maxBytes: 1 })), "FileSizeTooLarge", 413)
  })

  it("speaks Korean by default and English when English is the first preference", () => {
    assert.strictEqual(languageOf("en-US,en;q=0.9"), "en")
    assert.strictEqual(languageOf("en"), "en")
    assert.strictEqual(languageOf("EN-gb"), "en")
    assert.strictEqual(languageOf("ko-KR;q=0.5, en;q=0.9"), "en")
    assert.strictEqual(languageOf("ko-KR"), "ko")
    assert.strictEqual(languageOf("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"), "ko")
    assert.strictEqual(languageOf("*"), "ko")
    assert.strictEqual(languageOf(""), "ko")
    assert.strictEqual(languageOf(null), "ko")
    assert.strictEqual(languageOf(undefined), "ko")
    assert.strictEqual(languageOf("en;q=0"), "ko")
    assert.strictEqual(languageOf("english"), "ko")

    const rejection = Domain.PhoneNumber.validate("123-4567")
    assert.isTrue(Result.isFailure(rejection))
    if (Result.isSuccess(rejection)) return
    const error = new Domain.InvalidPhoneNumber(rejection.failure)
    const en = toWire(error, languageOf("en-US,en;q=0.9"))
    assert.strictEqual(en.body.errorMessage, `Invalid phone number: ${rejection.failure.reason}.`)
    for (const header of ["ko-KR", undefined, "*"]) {
      const ko = toWire(error, languageOf(header))
      assert.isTrue(ko.body.errorMessage.startsWith("전화번호가 유효하지 않습니다. "), ko.body.errorMessage)
      assert.include(ko.body.errorMessage, "지역번호")
    }
  })

  it("gives a distinct Korean sentence for every phone-number rejection rule", () => {
    const messages = Domain.PhoneNumber.RejectionRule.literals.map(
      (rule) =>
        toWire(new Domain.InvalidPhoneNumber({ input: "x", rule, reason: "r" }), "ko").body.errorMessage
    )
    assert.strictEqual(new Set(messages).size, messages.length)
    for (const message of messages) assert.isAbove(message.length, "전화번호가 유효하지 않습니다. ".length)
  })

  it("interpolates identifying fields: attempts left, the limit, the number", () => {
    const mismatch = new Domain.ChallengeTokenMismatch({ transactionId: "TX1", attemptsLeft: 2 })
    assert.include(toWire(mismatch, "ko").body.errorMessage, "2회")
    assert.include(toWire(mismatch, "en").body.errorMessage, "2 attempts left")
    const limit = new Domain.SenderIdLimitReached({ accountId: "acc-1", limit: 5 })
    assert.include(toWire(limit, "ko").body.errorMessage, "5개")
    assert.include(toWire(limit, "en").body.errorMessage, "5")
    const held = new Domain.NumberHeldByAnotherAccount({ phoneNumber: "0212345678" })
    assert.include(toWire(held, "en").body.errorMessage, "0212345678")
    const long = new Domain.DocumentNotFound({ documentId: "D".repeat(10_000) })
    assert.isBelow(toWire(long, "en").body.errorMessage.length, 200)
  })

  it("never leaks an infrastructure cause: no SQL, path or stack", () => {
    const secrets = ["SQLITE", "INSERT", "sender_ids", "/srv/", "node_modules", ".ts:", "    at ", "commit"]
    for (const { error } of cases.filter((c) => infrastructure.has(classOf(c.error)))) {
      for (const language of ["ko", "en"] as const) {
        const text = JSON.stringify(toWire(error, language))
        for (const secret of secrets) assert.notInclude(text, secret, `${error._tag} ${language}`)
      }
    }
  })

  it("answers anything unknown with InternalError 500 and nothing of what was thrown", () => {
    class LookAlike extends Schema.TaggedError<LookAlike>()("SenderIdNotFound", {
      accountId: Schema.String,
      phoneNumber: Schema.String
    }) {}
    const thrown: ReadonlyArray<unknown> = [
      sqlCause,
      new TypeError("Cannot read properties of undefined (reading 'handleKey')"),
      "SELECT * FROM sender_ids",
      42,
      null,
      undefined,
      { _tag: "SenderIdNotFound", phoneNumber: "/etc/passwd" },
      { _tag: "constructor" },
      { _tag: "__proto__" },
      new LookAlike({ accountId: "a", phoneNumber: "/etc/passwd" })
    ]
    for (const value of thrown) {
      const wire = toWire(value, "en")
      assert.deepStrictEqual([wire.status, wire.body.errorCode], [500, "InternalError"])
      assert.deepStrictEqual(wire, wireError("InternalError", "en"))
      assert.notInclude(wire.body.errorMessage, "/etc/passwd")
      assert.notInclude(wire.body.errorMessage, "SELECT")
    }
    assert.match(toWire(new Error("boom"), "ko").body.errorMessage, hangul)
  })

  it("holds the server's own errors, auth included, with SOLAPI's statuses", () => {
    const expected: ReadonlyArray<readonly [ServerErrorCode, number]> = [
      ["MissingRequiredParameter", 400],
      ["InvalidParameter", 400],
      ["InvalidJSON", 400],
      ["PayloadTooLarge", 413],
      ["NotFound", 404],
      ["MethodNotAllowed", 405],
      ["InternalError", 500],
      ["ServiceUnavailable", 503],
      ["Unauthorized", 401],
      ["InvalidAPIKey", 403],
      ["SignatureDoesNotMatch", 403],
      ["RequestTimeTooSkewed", 403],
      ["DuplicatedSignature", 403],
      ["Forbidden", 403],
      ["TooManyRequests", 429]
    ]
    for (const [code, status] of expected) {
      const detail =
        code === "MissingRequiredParameter" || code === "InvalidParameter"
          ? { field: "phoneNumber" }
          : undefined
      const ko = wireError(code as "InvalidJSON", "ko", detail as undefined)
      const en = wireError(code as "InvalidJSON", "en", detail as undefined)
      assert.deepStrictEqual(
        [ko.status, ko.body.errorCode, en.status, en.body.errorCode],
        [status, code, status, code]
      )
      assert.match(ko.body.errorMessage, hangul, code)
      assert.notMatch(en.body.errorMessage, hangul, code)
    }
    assert.include(
      wireError("MissingRequiredParameter", "ko", { field: "phoneNumber" }).body.errorMessage,
      "phoneNumber"
    )
    const unknownField = wireError("InvalidParameter", "en", { field: "color", problem: "unknown" })
    assert.strictEqual(unknownField.body.errorMessage, "The parameter color is not a known parameter.")
    assert.include(
      wireError("InvalidParameter", "ko", { field: "limit", problem: "type" }).body.errorMessage,
      "limit"
    )
    assert.include(
      wireError("Forbidden", "en", { scope: "senderid:write" }).body.errorMessage,
      "senderid:write"
    )
    assert.include(wireError("PayloadTooLarge", "en", { maxBytes: 1024 }).body.errorMessage, "1024")
  })
})

describe("InvalidParameter says what would be valid", () => {
  const cases: ReadonlyArray<readonly [Expected, string, string]> = [
    [{ _tag: "OneOf", values: ["A", "B"] }, "it must be one of A, B.", "허용되는 값: A, B."],
    [
      { _tag: "Range", minimum: 1, maximum: 9, integer: true },
      "a whole number from 1 to 9.",
      "1부터 9까지의 정수"
    ],
    [{ _tag: "Range", minimum: 0, integer: true }, "a whole number of at least 0.", "0 이상의 정수"],
    [{ _tag: "Range", maximum: 5, integer: false }, "a number of at most 5.", "5 이하의 숫자"],
    [{ _tag: "Range", integer: true }, "it must be a whole number.", "정수여야 합니다."],
    [
      { _tag: "Length", minimum: 1, maximum: 40, unit: "characters" },
      "be 1 to 40 characters long.",
      "1자부터 40자까지"
    ],
    [{ _tag: "Length", maximum: 20, unit: "items" }, "have at most 20 items.", "20개 이하"],
    [{ _tag: "Type", type: "boolean" }, "it must be true or false.", "true 또는 false"],
    [
      { _tag: "Json", example: '{"a":1}' },
      'a JSON object such as {"a":1}.',
      'JSON 객체여야 합니다. 예: {"a":1}'
    ],
    [{ _tag: "Json" }, "it must be a JSON object.", "JSON 객체여야 합니다."],
    [
      { _tag: "PathPhoneNumber", phoneNumber: "0212345678" },
      "the phone number in the path (0212345678).",
      "(0212345678)"
    ]
  ]

  it("in English and in Korean, for every kind of expectation", () => {
    for (const [expected, en, ko] of cases) {
      const english = wireError("InvalidParameter", "en", { field: "f", expected }).body.errorMessage
      const korean = wireError("InvalidParameter", "ko", { field: "f", expected }).body.errorMessage
      assert.isTrue(english.startsWith("The parameter f has an invalid value; "), english)
      assert.isTrue(english.endsWith(en), `${english} ends with ${en}`)
      assert.include(korean, ko)
      assert.match(korean, /^f: 값이 올바르지 않습니다\. /u)
      for (const message of [english, korean]) assert.notInclude(message, "undefined")
    }
  })

  it("keeps a client's path value short", () => {
    const long = "0".repeat(500)
    const message = wireError("InvalidParameter", "en", {
      field: "x",
      expected: { _tag: "PathPhoneNumber", phoneNumber: long }
    }).body.errorMessage
    assert.isBelow(message.length, 200)
  })
})
