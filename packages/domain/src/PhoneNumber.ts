/**
 * Korean sender-number (발신번호) rules: normalisation of human input, the category table of
 * `number-rules.md`, and the branded `PhoneNumber` schema. Every rejection names the rule it
 * broke and a reason a user can act on, because the wire error code alone (`InvalidPhoneNumber`)
 * does not tell anyone how to fix the number.
 */
import { Effect, Result, Schema, SchemaIssue, SchemaTransformation } from "effect"

export const Category = Schema.Literals([
  "mobile",
  "mobileOldExchange",
  "seoulLandline",
  "regionalLandline",
  "representative",
  "internetPhone",
  "personalVirtual",
  "unifiedMessaging",
  "tollFree",
  "premiumRate",
  "specialShort"
])
export type Category = typeof Category.Type

/** ARS: a call to the number reads a PIN; DOCUMENT: evidence reviewed by an operator. */
export const ProofMethod = Schema.Literals(["ARS", "DOCUMENT"])
export type ProofMethod = typeof ProofMethod.Type

export const RejectionRule = Schema.Literals([
  "empty",
  "notDigits",
  "international",
  "startsWith00",
  "legacy2G",
  "unassigned01x",
  "nonexistentRange",
  "missingAreaCode",
  "representativeLength",
  "tooShort",
  "tooLong",
  "premiumRateNotAllowed",
  "specialShortOperatorOnly",
  "unknownPrefix"
])
export type RejectionRule = typeof RejectionRule.Type

export interface PhoneNumberRejection {
  readonly input: string
  readonly rule: RejectionRule
  readonly reason: string
}

/** Operator switches; both default to off, which is what a customer-facing endpoint wants. */
export interface PhoneNumberPolicy {
  readonly allowPremiumRate?: boolean
  readonly allowSpecialShort?: boolean
}

/** The policy that only asks "is this shaped like a registrable number at all?". */
export const permissivePolicy: PhoneNumberPolicy = { allowPremiumRate: true, allowSpecialShort: true }

const isNationalNumber = (s: string): boolean =>
  /^\d+$/u.test(s) && Result.isSuccess(validate(s, permissivePolicy))

/** National digits with the leading 0 (or a 15xx/16xx/18xx/special short number), already normalised. */
export const PhoneNumber = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) => {
      if (!/^\d+$/u.test(s)) return "a PhoneNumber holds national digits only; normalise the input first"
      const result = validate(s, permissivePolicy)
      return Result.isSuccess(result) ? undefined : result.failure.reason
    })
  ),
  Schema.brand("PhoneNumber")
)
export type PhoneNumber = typeof PhoneNumber.Type

export const isPhoneNumber = (u: unknown): u is PhoneNumber => typeof u === "string" && isNationalNumber(u)

export interface ValidPhoneNumber {
  readonly phoneNumber: PhoneNumber
  readonly category: Category
  readonly proofMethods: ReadonlyArray<ProofMethod>
  /** Only an operator may register it (special short numbers, for the public body that owns them). */
  readonly operatorOnly: boolean
}

export class InvalidPhoneNumber extends Schema.TaggedError<InvalidPhoneNumber>()("InvalidPhoneNumber", {
  input: Schema.String,
  rule: RejectionRule,
  reason: Schema.String
}) {}

const SEPARATORS = /[\s\-.()]/gu

/**
 * Nationwide representative numbers (15xx/16xx/18xx-xxxx) are dialled without a trunk 0 at home,
 * so after `+82` they stay as they are. Only the exact 8-digit shape counts: `+82 16 234 5678` is
 * the old 016 mobile range with its 0 dropped, and gets the 0 back like every other number.
 */
const hasNoTrunkPrefix = (nationalSignificant: string) => /^1[568]\d{6}$/u.test(nationalSignificant)

/**
 * Turns a human-written number into national digits. `+82` stands for the trunk 0 of numbers that
 * have one (`+82 10…` → `010…`), not of representative numbers (`+82 1588-1234` → `15881234`), and
 * `+82 (0)10…` / `+82010…` keep their own 0 instead of gaining a second one. A bare `82…` is left
 * alone on purpose: without the `+` it is indistinguishable from digits the user meant literally.
 */
export const normalize = (input: string): Result.Result<string, PhoneNumberRejection> => {
  const reject = (rule: RejectionRule, reason: string) =>
    Result.fail<PhoneNumberRejection>({ input, rule, reason })
  const compact = input.trim().replace(SEPARATORS, "")
  if (compact === "") return reject("empty", "enter a phone number; the input is empty")

  let digits = compact
  if (compact.startsWith("+")) {
    const afterPlus = compact.slice(1)
    const stray = afterPlus.match(/\D/u)
    if (stray !== null) return reject("notDigits", notDigitsReason(stray[0]))
    if (afterPlus === "")
      return reject("notDigits", "a lone + is not a phone number; write +82 followed by the number")
    if (!afterPlus.startsWith("82")) {
      return reject(
        "international",
        "only Korean numbers can be registered: write them as +82… or in national form starting with 0"
      )
    }
    const national = afterPlus.slice(2)
    digits = national.startsWith("0") || hasNoTrunkPrefix(national) ? national : `0${national}`
  }

  const stray = digits.match(/\D/u)
  if (stray !== null) return reject("notDigits", notDigitsReason(stray[0]))
  if (digits.startsWith("00")) {
    return reject(
      "startsWith00",
      "numbers starting with 00 are international dialling codes; enter the national number starting with a single 0 (e.g. 010-2345-6789)"
    )
  }
  return Result.succeed(digits)
}

/** The key a stored number is found by: the normalised digits when the input normalises, else
 * the input itself (which then matches nothing), so lookups report "not found", not a format error. */
export const lookupKey = (input: string): string => {
  const normalised = normalize(input)
  return Result.isSuccess(normalised) ? normalised.success : input
}

// Korean input methods often produce full-width digits (０–９); say so rather than "remove ０".
const FULL_WIDTH_DIGIT = /^[\uFF10-\uFF19]$/u

const notDigitsReason = (found: string) =>
  FULL_WIDTH_DIGIT.test(found)
    ? `write the number with ASCII digits 0–9; "${found}" is a full-width digit`
    : `a phone number may contain only digits, hyphens, spaces, dots, parentheses and a leading +82; remove "${found}"`

const ARS_OR_DOCUMENT: ReadonlyArray<ProofMethod> = ["ARS", "DOCUMENT"]
const DOCUMENT_ONLY: ReadonlyArray<ProofMethod> = ["DOCUMENT"]

const PROOF_METHODS: Record<Category, ReadonlyArray<ProofMethod>> = {
  mobile: ARS_OR_DOCUMENT,
  mobileOldExchange: ARS_OR_DOCUMENT,
  seoulLandline: ARS_OR_DOCUMENT,
  regionalLandline: ARS_OR_DOCUMENT,
  internetPhone: ARS_OR_DOCUMENT,
  representative: DOCUMENT_ONLY,
  personalVirtual: DOCUMENT_ONLY,
  unifiedMessaging: DOCUMENT_ONLY,
  tollFree: DOCUMENT_ONLY,
  premiumRate: DOCUMENT_ONLY,
  // An operator decides for the public body that owns the number; no customer-side proof exists.
  specialShort: []
}

/** How ownership of a number of this category can be proven. */
export const proofMethodsOf = (category: Category): ReadonlyArray<ProofMethod> => PROOF_METHODS[category]

const REGIONAL_AREA_CODES: ReadonlySet<string> = new Set([
  "031",
  "032",
  "033",
  "041",
  "042",
  "043",
  "044",
  "051",
  "052",
  "053",
  "054",
  "055",
  "061",
  "062",
  "063",
  "064"
])

const LEGACY_2G: ReadonlySet<string> = new Set(["011", "016", "017", "018", "019"])
const UNASSIGNED_01X: ReadonlySet<string> = new Set(["012", "013", "014", "015"])

const REPRESENTATIVE_REASON =
  "representative numbers (15xx/16xx/18xx) are exactly 8 digits, with no extension and no area code"

/** A shape verdict before any policy switch is applied. */
type Verdict =
  | { readonly _tag: "Category"; readonly category: Category }
  | { readonly _tag: "Rejected"; readonly rule: RejectionRule; readonly reason: string }

const category = (c: Category): Verdict => ({ _tag: "Category", category: c })
const rejected = (rule: RejectionRule, reason: string): Verdict => ({ _tag: "Rejected", rule, reason })

const digitCount = (n: number) => (n === 1 ? "1 digit" : `${n} digits`)

/** Checks a digit count against the row's range; the reason names the row so the user knows the target. */
const byLength = (d: string, min: number, max: number, what: string, c: Category): Verdict => {
  const range = min === max ? `exactly ${min}` : `${min} or ${max}`
  if (d.length < min)
    return rejected("tooShort", `${what} have ${range} digits; this one has ${digitCount(d.length)}`)
  if (d.length > max)
    return rejected("tooLong", `${what} have ${range} digits; this one has ${digitCount(d.length)}`)
  return category(c)
}

const GENERIC_LENGTH = "sender numbers have 8 to 11 digits (12 only for 030 and 050x numbers)"

/**
 * A landline after its area code: the local number must start 2–9; a 15xx/16xx/18xx number behind
 * an area code is the "area code + representative" row, which carriers do not route.
 */
const landline = (
  d: string,
  areaCode: string,
  min: number,
  max: number,
  what: string,
  c: Category
): Verdict => {
  const local = d.slice(areaCode.length)
  if (local === "") return rejected("tooShort", `${what} have ${min} or ${max} digits, area code included`)
  if (/^1[568]/u.test(local) && local.length >= 8)
    return rejected("representativeLength", REPRESENTATIVE_REASON)
  if (local.startsWith("0") || local.startsWith("1")) {
    return rejected(
      "nonexistentRange",
      `after the area code ${areaCode} the local number starts with a digit 2–9; ${areaCode}-0… and ${areaCode}-1… do not exist`
    )
  }
  return byLength(d, min, max, what, c)
}

/** 0N0 ranges whose fourth digit is restricted (010, 050, 060, 070). */
const withExchange = (
  d: string,
  allowed: RegExp,
  nonexistent: string,
  onValid: () => Verdict,
  shortReason: string
): Verdict => {
  const fourth = d[3]
  if (fourth === undefined) return rejected("tooShort", shortReason)
  return allowed.test(fourth) ? onValid() : rejected("nonexistentRange", nonexistent)
}

const classifyFromZero = (d: string): Verdict => {
  const prefix = d.slice(0, 3)
  if (d.length < 3) return rejected("tooShort", `${GENERIC_LENGTH}; this one has ${digitCount(d.length)}`)

  if (prefix === "010") {
    return withExchange(
      d,
      /[2-9]/u,
      "010 mobile numbers continue with a digit 2–9 (010-2xxx … 010-9xxx); 010-0xxx and 010-1xxx do not exist",
      () =>
        d.length === 10
          ? category("mobileOldExchange")
          : byLength(d, 10, 11, "mobile numbers (010)", "mobile"),
      "mobile numbers (010) have 10 or 11 digits"
    )
  }
  if (LEGACY_2G.has(prefix)) {
    return rejected(
      "legacy2G",
      `the ${prefix} mobile range left service when 2G networks shut down; register the 010 number that replaced it`
    )
  }
  if (UNASSIGNED_01X.has(prefix)) {
    return rejected(
      "unassigned01x",
      `the ${prefix} range is not assigned to subscriber phones (paging, machine-to-machine or unused) and cannot be a sender number; use a 010 mobile or landline number`
    )
  }
  if (d[1] === "2") return landline(d, "02", 9, 10, "Seoul numbers (02)", "seoulLandline")
  if (REGIONAL_AREA_CODES.has(prefix)) {
    return landline(d, prefix, 10, 11, `regional numbers (${prefix})`, "regionalLandline")
  }
  if (prefix === "070") {
    return withExchange(
      d,
      /[2-9]/u,
      "070 internet-phone numbers continue with a digit 2–9; 070-0xxx and 070-1xxx do not exist",
      () => byLength(d, 11, 11, "internet-phone numbers (070)", "internetPhone"),
      "internet-phone numbers (070) have exactly 11 digits"
    )
  }
  if (prefix === "050") {
    return withExchange(
      d,
      /[2-8]/u,
      "personal numbers use 0502 to 0508; 0500, 0501 and 0509 do not exist",
      () => byLength(d, 11, 12, "personal numbers (050x)", "personalVirtual"),
      "personal numbers (050x) have 11 or 12 digits"
    )
  }
  if (prefix === "060") {
    return withExchange(
      d,
      /[2-9]/u,
      "premium-rate numbers use 0602 to 0609; 0600 and 0601 do not exist",
      () => byLength(d, 10, 10, "premium-rate numbers (060)", "premiumRate"),
      "premium-rate numbers (060) have exactly 10 digits"
    )
  }
  if (prefix === "030") return byLength(d, 11, 12, "unified-messaging numbers (030)", "unifiedMessaging")
  if (prefix === "080") return byLength(d, 10, 10, "toll-free numbers (080)", "tollFree")
  return rejected(
    "unknownPrefix",
    `no Korean number range starts with ${prefix}: area codes are 02 and 031–064, other ranges 010, 070, 050x, 030, 080 and 060`
  )
}

/**
 * Numbers not starting with 0. The table lists `1588` and `1111` as "short, uncallable" although
 * they also fit "special short = 1 + 2–3 digits"; we resolve it so: a 4-digit 15xx/16xx/18xx is a
 * representative prefix missing its number, and the repeated-digit 1111 is no service number, so
 * both are `tooShort`. Three-digit 1xx numbers (including 111, a real public number) stay special.
 */
const classifyOther = (d: string): Verdict => {
  const n = d.length
  if (/^1[568]/u.test(d)) {
    if (n === 8) return category("representative")
    if (n > 12) return rejected("tooLong", `${REPRESENTATIVE_REASON}; this one has ${n} digits`)
    if (n > 8) return rejected("representativeLength", REPRESENTATIVE_REASON)
    if (n === 4) {
      return rejected(
        "tooShort",
        `${d} is only the prefix of a representative number; ${REPRESENTATIVE_REASON} (e.g. ${d}-1234)`
      )
    }
    if (n > 4) return rejected("tooShort", `${REPRESENTATIVE_REASON}; this one has ${n} digits`)
  }
  if (d === "1111") {
    return rejected(
      "tooShort",
      "1111 is not a service number: special short numbers belong to public services (e.g. 112, 1335), and other sender numbers have at least 8 digits"
    )
  }
  if (d.startsWith("1") && (n === 3 || n === 4)) return category("specialShort")

  if (n === 7 || (n === 8 && !d.startsWith("1"))) {
    return rejected(
      "missingAreaCode",
      "landline numbers must include their area code (02 for Seoul, 031–064 elsewhere), e.g. 02-123-4567"
    )
  }
  if (n < 8) return rejected("tooShort", `${GENERIC_LENGTH}; this one has ${digitCount(n)}`)
  if (n > 12) return rejected("tooLong", `${GENERIC_LENGTH}; this one has ${n} digits`)
  return rejected("unknownPrefix", `${unknownStartReason(d)}${hintFor(d)}`)
}

const unknownStartReason = (d: string) =>
  d.startsWith("1")
    ? `no ${d.length}-digit numbers start with ${d.slice(0, 2)}: nationwide representative numbers start with 15, 16 or 18 and have 8 digits, other numbers start with 0`
    : "Korean numbers start with 0 (area code, 010, 070, 050x, 030, 080) or are 8-digit representative numbers starting with 15, 16 or 18"

/** Two common slips: a dropped leading 0, and a country code written without its `+`. */
const hintFor = (d: string): string => {
  if (d.startsWith("82") && classifyFromZero(`0${d.slice(2)}`)._tag === "Category") {
    return `; if 82 is the country code, write it as +${d}`
  }
  if (classifyFromZero(`0${d}`)._tag === "Category") return `; did you mean 0${d}?`
  return ""
}

const classify = (d: string): Verdict => (d.startsWith("0") ? classifyFromZero(d) : classifyOther(d))

/**
 * Normalises and classifies a sender number. The shape is judged first and the operator policy
 * second, so a malformed premium-rate number hears about its shape, not about the policy.
 */
export const validate = (
  input: string,
  policy: PhoneNumberPolicy = {}
): Result.Result<ValidPhoneNumber, PhoneNumberRejection> => {
  const normalised = normalize(input)
  if (Result.isFailure(normalised)) return Result.fail(normalised.failure)
  const digits = normalised.success
  const verdict = classify(digits)
  if (verdict._tag === "Rejected") return Result.fail({ input, rule: verdict.rule, reason: verdict.reason })

  const c = verdict.category
  if (c === "premiumRate" && policy.allowPremiumRate !== true) {
    return Result.fail({
      input,
      rule: "premiumRateNotAllowed",
      reason:
        "premium-rate numbers (060) cannot be registered unless an operator enables them for the account"
    })
  }
  if (c === "specialShort" && policy.allowSpecialShort !== true) {
    return Result.fail({
      input,
      rule: "specialShortOperatorOnly",
      reason:
        "special short numbers (e.g. 112, 119, 1335) are registered only by an operator, for the public body that owns them"
    })
  }
  return Result.succeed({
    // The cast is the brand's own proof: this function is the check behind `PhoneNumber`.
    phoneNumber: digits as PhoneNumber,
    category: c,
    proofMethods: PROOF_METHODS[c],
    operatorOnly: c === "specialShort"
  })
}

export const validateEffect = (
  input: string,
  policy?: PhoneNumberPolicy
): Effect.Effect<ValidPhoneNumber, InvalidPhoneNumber> => {
  const result = validate(input, policy)
  return Result.isSuccess(result)
    ? Effect.succeed(result.success)
    : Effect.fail(new InvalidPhoneNumber(result.failure))
}

/**
 * A human-written number (`010-2345-6789`, `+82 10 2345 6789`) decoded to `PhoneNumber` under
 * the default policy; a failure's message is the rejection reason. Encoding gives the digits.
 */
export const PhoneNumberInput = Schema.String.pipe(
  Schema.decodeTo(
    PhoneNumber,
    SchemaTransformation.transformEffect({
      decode: (input: string, options) => {
        const result = validate(input)
        return Result.isSuccess(result)
          ? Effect.succeed<string>(result.success.phoneNumber)
          : Effect.fail(new SchemaIssue.InvalidValue({ message: result.failure.reason }, input, options))
      },
      encode: (digits: string) => Effect.succeed(digits)
    })
  )
)
