import { assert, describe, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import * as fc from "fast-check"
import {
  type Category,
  InvalidPhoneNumber,
  isPhoneNumber,
  normalize,
  PhoneNumber,
  PhoneNumberInput,
  type PhoneNumberPolicy,
  type ProofMethod,
  permissivePolicy,
  proofMethodsOf,
  type RejectionRule,
  validate,
  validateEffect
} from "../src/PhoneNumber.ts"

const ARS_OR_DOCUMENT: ReadonlyArray<ProofMethod> = ["ARS", "DOCUMENT"]
const DOCUMENT_ONLY: ReadonlyArray<ProofMethod> = ["DOCUMENT"]

const accepts = (input: string, category: Category, policy?: PhoneNumberPolicy) => {
  const result = validate(input, policy)
  if (Result.isFailure(result)) {
    assert.fail(`expected ${input} to be ${category}, got ${result.failure.rule}: ${result.failure.reason}`)
  }
  assert.strictEqual(result.success.category, category, input)
  return result.success
}

const rejects = (input: string, rule: RejectionRule, policy?: PhoneNumberPolicy) => {
  const result = validate(input, policy)
  if (Result.isSuccess(result))
    assert.fail(`expected ${input} to be rejected (${rule}), got ${result.success.category}`)
  assert.strictEqual(result.failure.rule, rule, `${input}: ${result.failure.reason}`)
  assert.strictEqual(result.failure.input, input)
  assert.isAbove(result.failure.reason.length, 10)
  return result.failure
}

const normalised = (input: string) => {
  const result = normalize(input)
  if (Result.isFailure(result)) assert.fail(`expected ${input} to normalise, got ${result.failure.rule}`)
  return result.success
}

describe("normalize", () => {
  it("drops hyphens, spaces, dots and parentheses and trims", () => {
    assert.strictEqual(normalised("010-2345-6789"), "01023456789")
    assert.strictEqual(normalised(" 010 2345 6789 "), "01023456789")
    assert.strictEqual(normalised("010.2345.6789"), "01023456789")
    assert.strictEqual(normalised("(02) 345-6789"), "023456789")
    assert.strictEqual(normalised("\t031-234-5678\n"), "0312345678")
  })

  it("turns +82 into the leading 0", () => {
    assert.strictEqual(normalised("+82 10-2345-6789"), "01023456789")
    assert.strictEqual(normalised("+821023456789"), "01023456789")
    assert.strictEqual(normalised("+82 2 345 6789"), "023456789")
  })

  it("keeps a representative number as it is after +82: it has no trunk 0", () => {
    assert.strictEqual(normalised("+82 1588-1234"), "15881234")
    assert.strictEqual(normalised("+8215881234"), "15881234")
    assert.strictEqual(normalised("+82 1644 5678"), "16445678")
    assert.strictEqual(normalised("+82-1899-0000"), "18990000")
    assert.strictEqual(accepts("+82 1588-1234", "representative").phoneNumber, "15881234")
    // Not the representative shape: the trunk 0 comes back, and the range's own rule answers.
    assert.strictEqual(normalised("+82 16 234 5678"), "0162345678")
    rejects("+82 16 234 5678", "legacy2G")
  })

  it("keeps the number's own 0 after +82 instead of producing 00", () => {
    assert.strictEqual(normalised("+82 (0)10 2345 6789"), "01023456789")
    assert.strictEqual(normalised("+82010-2345-6789"), "01023456789")
    assert.strictEqual(normalised("+82 (0)2-345-6789"), "023456789")
  })

  it("rejects other country codes as international", () => {
    assert.strictEqual(rejects("+1 555 123 4567", "international").rule, "international")
    rejects("+8 10 2345 6789", "international")
    rejects("+44 20 7946 0958", "international")
  })

  it("rejects numbers starting 00, including a dialled international prefix", () => {
    rejects("0082 10 2345 6789", "startsWith00")
    rejects("00123456789", "startsWith00")
    // 0000 is in the "short, uncallable" row; its 00 start already rejects it
    rejects("0000", "startsWith00")
  })

  it("treats a bare 82 without + as plain digits, not as a country code", () => {
    assert.strictEqual(normalised("82 10 2345 6789"), "821023456789")
    const rejection = rejects("82 10 2345 6789", "unknownPrefix")
    assert.include(rejection.reason, "+821023456789")
  })

  it("rejects letters and other symbols, naming the offending character", () => {
    assert.include(rejects("010-ABCD-5678", "notDigits").reason, '"A"')
    rejects("010/2345/6789", "notDigits")
    assert.include(rejects("０１０２３４５６７８９", "notDigits").reason, "ASCII digits")
    rejects("+82 10 2345 678x", "notDigits")
    rejects("+", "notDigits")
    rejects("010+23456789", "notDigits")
  })

  it("rejects empty and blank input", () => {
    rejects("", "empty")
    rejects("   ", "empty")
    rejects("- ( ) .", "empty")
  })
})

describe("mobile (010)", () => {
  it("accepts 11 digits as mobile and 10 digits as the old 3-digit exchange, ARS or documents", () => {
    const mobile = accepts("01023456789", "mobile")
    assert.deepStrictEqual(mobile.proofMethods, ARS_OR_DOCUMENT)
    assert.isFalse(mobile.operatorOnly)
    assert.strictEqual(mobile.phoneNumber, "01023456789")
    const old = accepts("0102345678", "mobileOldExchange")
    assert.deepStrictEqual(old.proofMethods, ARS_OR_DOCUMENT)
  })

  it("rejects 9 digits as too short and 12 as too long", () => {
    rejects("010234567", "tooShort")
    rejects("010234567890", "tooLong")
  })

  it("accepts exchanges 2 to 9 and rejects 010-0xxx and 010-1xxx as nonexistent", () => {
    accepts("01029999999", "mobile")
    accepts("01090000000", "mobile")
    accepts("0109000000", "mobileOldExchange")
    rejects("01012345678", "nonexistentRange")
    rejects("01002345678", "nonexistentRange")
    rejects("0101234567", "nonexistentRange")
    rejects("010", "tooShort")
  })
})

describe("legacy and unassigned 01x", () => {
  it("rejects 011 and 016-019 saying the ranges left service", () => {
    for (const prefix of ["011", "016", "017", "018", "019"]) {
      assert.include(rejects(`${prefix}2345678`, "legacy2G").reason, "left service")
      rejects(`${prefix}23456789`, "legacy2G")
    }
  })

  it("rejects 012-015 as unassigned", () => {
    for (const prefix of ["012", "013", "014", "015"]) rejects(`${prefix}23456789`, "unassigned01x")
  })
})

describe("Seoul landline (02)", () => {
  it("accepts 9 and 10 digits with an exchange 2-9, ARS or documents", () => {
    assert.deepStrictEqual(accepts("022345678", "seoulLandline").proofMethods, ARS_OR_DOCUMENT)
    accepts("0223456789", "seoulLandline")
    accepts("029999999", "seoulLandline")
  })

  it("rejects 8 digits as too short and 11 as too long", () => {
    rejects("02234567", "tooShort")
    rejects("02234567890", "tooLong")
  })

  it("rejects a local number starting 0 or 1 after 02", () => {
    rejects("0212345678", "nonexistentRange")
    rejects("0202345678", "nonexistentRange")
    // api.md shows 02-111-1111 as an example of "area code included"; the table's 02[2-9] wins
    rejects("02-111-1111", "nonexistentRange")
  })
})

describe("regional landline", () => {
  const codes = ["031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055"]
  const all = [...codes, "061", "062", "063", "064"]

  it("accepts every area code 031-033, 041-044, 051-055, 061-064 with 10 and 11 digits", () => {
    for (const code of all) {
      assert.deepStrictEqual(accepts(`${code}2345678`, "regionalLandline").proofMethods, ARS_OR_DOCUMENT)
      accepts(`${code}23456789`, "regionalLandline")
    }
  })

  it("rejects 9 digits as too short and 12 as too long", () => {
    for (const code of all) {
      rejects(`${code}234567`, "tooShort")
      rejects(`${code}234567890`, "tooLong")
    }
  })

  it("rejects a local number starting 0 or 1 after the area code", () => {
    rejects("0311234567", "nonexistentRange")
    rejects("0640234567", "nonexistentRange")
  })

  it("rejects neighbouring codes that are not area codes", () => {
    for (const code of ["034", "035", "039", "040", "045", "049", "050", "056", "059", "065", "069"]) {
      const result = validate(`${code}2345678`)
      assert.isTrue(Result.isFailure(result), code)
    }
    for (const code of ["034", "039", "040", "045", "056", "065", "069", "071", "081", "090"]) {
      rejects(`${code}2345678`, "unknownPrefix")
    }
  })

  it("treats 030 as unified messaging, not an area code", () => {
    rejects("0302345678", "tooShort")
    accepts("03023456789", "unifiedMessaging")
  })
})

describe("landline without area code", () => {
  it("rejects 7 and 8 digit local numbers as missing the area code", () => {
    rejects("2345678", "missingAreaCode")
    rejects("234-5678", "missingAreaCode")
    rejects("23456789", "missingAreaCode")
    rejects("1111111", "missingAreaCode")
    rejects("111-1111", "missingAreaCode")
  })
})

describe("nationwide representative (15xx/16xx/18xx)", () => {
  it("accepts exactly 8 digits, documents only", () => {
    for (const n of ["15881234", "1588-1234", "16001234", "16449999", "18001234", "18999999"]) {
      const valid = accepts(n, "representative")
      assert.deepStrictEqual(valid.proofMethods, DOCUMENT_ONLY)
      assert.isFalse(valid.operatorOnly)
    }
  })

  it("rejects an extension suffix (9-12 digits) with the representative reason", () => {
    const rejection = rejects("158877771", "representativeLength")
    assert.strictEqual(
      rejection.reason,
      "representative numbers (15xx/16xx/18xx) are exactly 8 digits, with no extension and no area code"
    )
    rejects("1588-1234-12", "representativeLength")
    rejects("158812341234", "representativeLength")
    rejects("1588123412345", "tooLong")
  })

  it("rejects an area code in front of a representative number", () => {
    rejects("03115881234", "representativeLength")
    rejects("02-1588-1234", "representativeLength")
    rejects("064-1600-1234", "representativeLength")
  })

  it("rejects 5 to 7 digits as too short", () => {
    rejects("1588123", "tooShort")
    rejects("15881", "tooShort")
  })

  it("rejects 8-digit numbers starting 17, 19 or other 1x prefixes: only 15, 16 and 18 exist", () => {
    rejects("17001234", "unknownPrefix")
    rejects("19001234", "unknownPrefix")
    rejects("10001234", "unknownPrefix")
    rejects("14001234", "unknownPrefix")
  })
})

describe("internet phone (070)", () => {
  it("accepts 11 digits with an exchange 2-9, ARS or documents", () => {
    assert.deepStrictEqual(accepts("07023456789", "internetPhone").proofMethods, ARS_OR_DOCUMENT)
    accepts("07098765432", "internetPhone")
  })

  it("rejects 10 and 12 digits", () => {
    rejects("0702345678", "tooShort")
    rejects("070234567890", "tooLong")
  })

  it("rejects 070-0xxx and 070-1xxx as nonexistent", () => {
    rejects("07012345678", "nonexistentRange")
    rejects("07002345678", "nonexistentRange")
  })
})

describe("personal / virtual (050x)", () => {
  it("accepts 0502-0508 with 11 or 12 digits, documents only", () => {
    assert.deepStrictEqual(accepts("05021234567", "personalVirtual").proofMethods, DOCUMENT_ONLY)
    accepts("050212345678", "personalVirtual")
    accepts("05081234567", "personalVirtual")
    accepts("0505-1234-5678", "personalVirtual")
  })

  it("rejects 10 and 13 digits", () => {
    rejects("0502123456", "tooShort")
    rejects("0502123456789", "tooLong")
  })

  it("rejects 0500, 0501 and 0509", () => {
    rejects("05011234567", "nonexistentRange")
    rejects("05091234567", "nonexistentRange")
    rejects("05001234567", "nonexistentRange")
  })
})

describe("unified messaging (030)", () => {
  it("accepts 11 and 12 digits, documents only", () => {
    assert.deepStrictEqual(accepts("03012345678", "unifiedMessaging").proofMethods, DOCUMENT_ONLY)
    accepts("030123456789", "unifiedMessaging")
  })

  it("rejects 10 and 13 digits", () => {
    rejects("0301234567", "tooShort")
    rejects("0301234567890", "tooLong")
  })
})

describe("toll-free (080)", () => {
  it("accepts exactly 10 digits, documents only", () => {
    assert.deepStrictEqual(accepts("080-123-4567", "tollFree").proofMethods, DOCUMENT_ONLY)
  })

  it("rejects 9 and 11 digits", () => {
    rejects("080123456", "tooShort")
    rejects("08012345678", "tooLong")
  })
})

describe("premium rate (060)", () => {
  it("rejects a well-formed premium number by default", () => {
    rejects("0602123456", "premiumRateNotAllowed")
    rejects("0602123456", "premiumRateNotAllowed", { allowPremiumRate: false })
  })

  it("accepts 0602-0609 with 10 digits when the policy allows it, documents only", () => {
    const valid = accepts("060-2123-456", "premiumRate", { allowPremiumRate: true })
    assert.deepStrictEqual(valid.proofMethods, DOCUMENT_ONLY)
    assert.isFalse(valid.operatorOnly)
    accepts("0609999999", "premiumRate", { allowPremiumRate: true })
  })

  it("reports the shape before the policy: wrong lengths and 0600/0601 stay rejected when allowed", () => {
    rejects("060212345", "tooShort")
    rejects("06021234567", "tooLong", { allowPremiumRate: true })
    rejects("0601123456", "nonexistentRange", { allowPremiumRate: true })
    rejects("0600123456", "nonexistentRange")
  })
})

describe("special short numbers", () => {
  it("rejects 3-4 digit 1xx/1xxx numbers by default as operator-only", () => {
    for (const n of ["112", "119", "114", "111", "1335", "1330"]) rejects(n, "specialShortOperatorOnly")
  })

  it("accepts them with allowSpecialShort as operator-only with no proof methods", () => {
    for (const n of ["112", "119", "114", "1335", "1345"]) {
      const valid = accepts(n, "specialShort", { allowSpecialShort: true })
      assert.isTrue(valid.operatorOnly)
      assert.deepStrictEqual(valid.proofMethods, [])
    }
    assert.deepStrictEqual(proofMethodsOf("specialShort"), [])
  })

  it("keeps 4-digit 15xx/16xx/18xx and 1111 in the short, uncallable row even when special short is allowed", () => {
    // Decision: 1588 alone is a representative prefix without its number, and the repeated-digit
    // 1111 is no service number; both are "short, uncallable", not special short numbers.
    const policy = { allowSpecialShort: true }
    assert.include(rejects("1588", "tooShort", policy).reason, "1588-1234")
    rejects("1600", "tooShort", policy)
    rejects("1800", "tooShort", policy)
    rejects("1111", "tooShort", policy)
    accepts("111", "specialShort", policy)
  })

  it("rejects shorter and longer short numbers", () => {
    const policy = { allowSpecialShort: true }
    rejects("1", "tooShort", policy)
    rejects("11", "tooShort", policy)
    rejects("11234", "tooShort", policy)
    rejects("113355", "tooShort", policy)
  })

  it("rejects an area code in front of a special short number", () => {
    rejects("02114", "nonexistentRange", permissivePolicy)
  })
})

describe("anything else", () => {
  it("rejects numbers outside 8-11 digits (12 only for 030/050)", () => {
    rejects("0", "tooShort")
    rejects("02", "tooShort")
    rejects("22345", "tooShort")
    rejects("2234567890123", "tooLong")
    rejects("010234567890", "tooLong")
  })

  it("rejects unknown prefixes and suggests the missing leading 0 when that makes a valid number", () => {
    assert.include(rejects("1023456789", "unknownPrefix").reason, "01023456789")
    assert.include(rejects("223456789", "unknownPrefix").reason, "0223456789")
    rejects("09123456789", "unknownPrefix")
  })

  it("returns the normalised digits as the branded phone number", () => {
    const valid = accepts("+82 (0)31-234-5678", "regionalLandline")
    assert.strictEqual(valid.phoneNumber, "0312345678")
    assert.isTrue(isPhoneNumber(valid.phoneNumber))
  })
})

describe("validateEffect", () => {
  it.effect("succeeds with the valid number", () =>
    Effect.gen(function* () {
      const valid = yield* validateEffect("010-2345-6789")
      assert.strictEqual(valid.phoneNumber, "01023456789")
      assert.strictEqual(valid.category, "mobile")
    })
  )

  it.effect("fails with InvalidPhoneNumber carrying the rule and reason", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(validateEffect("1588-7777-1"))
      assert.instanceOf(error, InvalidPhoneNumber)
      assert.strictEqual(error._tag, "InvalidPhoneNumber")
      assert.strictEqual(error.rule, "representativeLength")
      assert.strictEqual(error.input, "1588-7777-1")
      assert.include(error.reason, "exactly 8 digits")
    })
  )

  it.effect("honours the policy", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(validateEffect("119"))
      assert.strictEqual(error.rule, "specialShortOperatorOnly")
      const valid = yield* validateEffect("119", { allowSpecialShort: true })
      assert.isTrue(valid.operatorOnly)
    })
  )
})

describe("schemas", () => {
  it("PhoneNumber accepts normalised digits of any category, premium and special short included", () => {
    for (const n of ["01023456789", "15881234", "0602123456", "112"]) {
      assert.isTrue(Result.isSuccess(Schema.decodeUnknownResult(PhoneNumber)(n)), n)
      assert.isTrue(isPhoneNumber(n), n)
    }
  })

  it("PhoneNumber rejects human forms and invalid digits", () => {
    for (const n of ["010-2345-6789", "+821023456789", "01012345678", "1588", "", " 01023456789"]) {
      assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(PhoneNumber)(n)), n)
      assert.isFalse(isPhoneNumber(n), n)
    }
    assert.isFalse(isPhoneNumber(1023456789))
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(PhoneNumber)(1023456789)))
  })

  it("PhoneNumberInput decodes a human-form number to its digits", () => {
    assert.strictEqual(Schema.decodeUnknownSync(PhoneNumberInput)("+82 (0)10 2345 6789"), "01023456789")
    assert.strictEqual(Schema.decodeUnknownSync(PhoneNumberInput)("(02) 345-6789"), "023456789")
  })

  it("PhoneNumberInput fails with the rejection reason as the message", () => {
    const result = Schema.decodeUnknownResult(PhoneNumberInput)("158877771")
    if (Result.isSuccess(result)) assert.fail("expected a failure")
    assert.strictEqual(
      result.failure.message,
      "representative numbers (15xx/16xx/18xx) are exactly 8 digits, with no extension and no area code"
    )
  })

  it("PhoneNumberInput applies the default policy", () => {
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(PhoneNumberInput)("0602123456")))
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(PhoneNumberInput)("112")))
  })

  it("PhoneNumberInput encodes to the digits", () => {
    const phone = PhoneNumber.make("01023456789")
    assert.strictEqual(Schema.encodeSync(PhoneNumberInput)(phone), "01023456789")
  })

  it("InvalidPhoneNumber round-trips through its schema", () => {
    const error = new InvalidPhoneNumber({ input: "1588", rule: "tooShort", reason: "r" })
    const encoded = Schema.encodeSync(InvalidPhoneNumber)(error)
    const decoded = Schema.decodeUnknownSync(InvalidPhoneNumber)(encoded)
    assert.strictEqual(decoded.rule, "tooShort")
  })
})

/** The table written again as independent regular expressions. */
const ORACLE: ReadonlyArray<readonly [RegExp, Category]> = [
  [/^010[2-9]\d{7}$/u, "mobile"],
  [/^010[2-9]\d{6}$/u, "mobileOldExchange"],
  [/^02[2-9]\d{6,7}$/u, "seoulLandline"],
  [/^0(3[1-3]|4[1-4]|5[1-5]|6[1-4])[2-9]\d{6,7}$/u, "regionalLandline"],
  [/^1[568]\d{6}$/u, "representative"],
  [/^070[2-9]\d{7}$/u, "internetPhone"],
  [/^050[2-8]\d{7,8}$/u, "personalVirtual"],
  [/^030\d{8,9}$/u, "unifiedMessaging"],
  [/^080\d{7}$/u, "tollFree"],
  [/^060[2-9]\d{6}$/u, "premiumRate"],
  [/^(?!1[568]\d\d$)(?!1111$)1\d{2,3}$/u, "specialShort"]
]
const oracle = (digits: string): Category | undefined => ORACLE.find(([re]) => re.test(digits))?.[1]

const digit = fc.constantFrom("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
const PREFIXES = [
  ...["00", "010", "0100", "0101", "0102", "0109", "011", "012", "015", "016", "019", "02", "020", "021"],
  ...["030", "031", "033", "034", "041", "044", "045", "050", "0500", "0501", "0502", "0508", "0509"],
  ...["051", "055", "056", "060", "0600", "0601", "0602", "061", "064", "065", "070", "0701", "0702"],
  ...["080", "081", "09", "1", "11", "15", "16", "17", "18", "19", "2", "8", "82"]
]
/** Digit strings biased towards the table's prefixes and boundary lengths. */
const digits = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.string({ unit: digit, maxLength: 11 }))
  .map(([prefix, rest]) => prefix + rest)

const SEPARATORS = ["", "", "", "-", " ", ".", "(", ")", " - "]
const formatted = (d: string) =>
  fc
    .array(fc.constantFrom(...SEPARATORS), { minLength: d.length + 1, maxLength: d.length + 1 })
    .map((seps) => seps.map((sep, i) => sep + (d[i] ?? "")).join(""))

const verdict = (input: string, policy?: PhoneNumberPolicy) => {
  const result = validate(input, policy)
  return Result.isSuccess(result)
    ? { ok: true, category: result.success.category, digits: result.success.phoneNumber as string }
    : { ok: false, rule: result.failure.rule, reason: result.failure.reason }
}

describe("properties", () => {
  it("classifies every digit string exactly as the table's patterns do", () => {
    fc.assert(
      fc.property(digits, (d) => {
        const expected = oracle(d)
        const result = validate(d, permissivePolicy)
        if (expected === undefined) return Result.isFailure(result)
        return Result.isSuccess(result) && result.success.category === expected
      }),
      { numRuns: 5000 }
    )
  })

  it("accepts under the default policy only 8-12 digit numbers starting 0 or 1", () => {
    fc.assert(
      fc.property(digits, (d) => {
        const result = validate(d)
        return Result.isFailure(result) || /^[01]\d{7,11}$/u.test(result.success.phoneNumber)
      }),
      { numRuns: 2000 }
    )
  })

  it("gives the same verdict for a number however it is punctuated", () => {
    fc.assert(
      fc.property(
        digits.chain((d) => fc.tuple(fc.constant(d), formatted(d))),
        ([d, human]) => {
          assert.deepStrictEqual(verdict(human, permissivePolicy), verdict(d, permissivePolicy))
          assert.deepStrictEqual(verdict(human), verdict(d))
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("gives the same verdict for +82 in place of the leading 0", () => {
    fc.assert(
      fc.property(
        // 0 + an 8-digit 15xx/16xx/18xx is the one shape +82 cannot stand for: that is a representative number.
        digits.filter((d) => /^0[1-9]/u.test(d) && !/^01[568]\d{6}$/u.test(d)),
        (d) => {
          assert.deepStrictEqual(verdict(`+82 ${d.slice(1)}`), verdict(d))
          assert.deepStrictEqual(verdict(`+82 (0)${d.slice(1)}`), verdict(d))
        }
      ),
      { numRuns: 1000 }
    )
  })

  it("gives a representative number the same verdict with or without +82, however it is written", () => {
    const representative = fc
      .tuple(fc.constantFrom("15", "16", "18"), fc.stringMatching(/^\d{6}$/u))
      .map(([prefix, rest]) => `${prefix}${rest}`)
    const international = (d: string) =>
      fc.constantFrom(
        `+82${d}`,
        `+82 ${d}`,
        `+82-${d.slice(0, 4)}-${d.slice(4)}`,
        `+82 ${d.slice(0, 4)} ${d.slice(4)}`,
        ` +82.${d.slice(0, 4)}.${d.slice(4)} `
      )
    fc.assert(
      fc.property(
        representative.chain((d) => fc.tuple(fc.constant(d), international(d))),
        ([d, written]) => {
          assert.strictEqual(normalised(written), d)
          assert.deepStrictEqual(verdict(written), verdict(d))
          assert.deepStrictEqual(verdict(written), verdict(d, permissivePolicy))
        }
      ),
      { numRuns: 1000 }
    )
  })

  it("normalize is idempotent on its output", () => {
    const humanish = fc.oneof(
      fc.string(),
      digits.chain(formatted),
      digits.map((d) => `+82${d}`)
    )
    fc.assert(
      fc.property(humanish, (s) => {
        const once = normalize(s)
        if (Result.isFailure(once)) return true
        const twice = normalize(once.success)
        return Result.isSuccess(twice) && twice.success === once.success && /^\d+$/u.test(once.success)
      }),
      { numRuns: 2000 }
    )
  })

  it("never throws and always explains a rejection", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const result = validate(s)
        return Result.isSuccess(result) || result.failure.reason.length > 0
      })
    )
  })
})
