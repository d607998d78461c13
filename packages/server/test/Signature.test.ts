import { createHash, createHmac, randomBytes } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { UsedSignatures } from "@senderid/domain"
import { Effect, Option, Schema } from "effect"
import { TestClock } from "effect/testing"
import { hmacMd5, md5 } from "../src/internal/md5.ts"
import * as Signature from "../src/Signature.ts"
import { captureSolapiRequest } from "./support/solapiHeader.ts"

const customer: Signature.Credentials = {
  apiKey: "NCSAYU7YDBXYORXC",
  secret: "XTW2QVOWZDPSGQ5F1ZJRWK0ZPZEXD6GM",
  scopes: ["senderid:read", "senderid:write"],
  accountId: "24112600000000000001",
  operatorId: null,
  serviceId: null
}

const lookup = (apiKey: string) =>
  Effect.succeed(apiKey === customer.apiKey ? Option.some(customer) : Option.none<Signature.Credentials>())

const verify = (header: string | null | undefined) => Signature.verify(header, { lookup })

const signAs = (options: Partial<Signature.SignOptions> = {}) =>
  Signature.sign({ apiKey: customer.apiKey, apiSecret: customer.secret, ...options })

/** 2026-11-26T14:14:00Z, written `2026-11-26T23:14:00+09:00` in Seoul and `2026-11-26T09:14:00-05:00` in New York. */
const T0 = Date.UTC(2026, 10, 26, 14, 14, 0)
const MINUTE = 60_000
const SECOND = 1_000

const claim = (signature: string) => UsedSignatures.use((store) => store.claim(signature, "15 minutes"))

const failureOf = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect)

const malformedReason = (header: string) =>
  Signature.parseAuthorization(header).pipe(
    Effect.flip,
    Effect.map((error) => (error._tag === "MalformedAuthorization" ? error.reason : error._tag))
  )

const signatureOf = (header: string) => /signature=([0-9a-fA-F]+)/u.exec(header)?.[1] ?? ""

describe("Signature.sign and verify", () => {
  it.effect("accepts a header it signed with HMAC-SHA256 and returns the key's credentials", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const header = yield* signAs()
      assert.match(
        header,
        /^HMAC-SHA256 apiKey=NCSAYU7YDBXYORXC, date=2026-11-26T14:14:00\.000Z, salt=[0-9a-f]{32}, signature=[0-9a-f]{64}$/u
      )
      assert.deepStrictEqual(yield* verify(header), customer)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("accepts a header it signed with HMAC-MD5", () =>
    Effect.gen(function* () {
      const header = yield* signAs({ method: "HMAC-MD5" })
      assert.match(header, /^HMAC-MD5 .*signature=[0-9a-f]{32}$/u)
      assert.deepStrictEqual(yield* verify(header), customer)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("signs hex(HMAC(secret, date + salt)) exactly as node:crypto computes it", () =>
    Effect.gen(function* () {
      const date = "2026-11-26T23:14:00+09:00"
      const salt = "a1b2c3d4e5f6a7b8c9d0"
      for (const [method, algorithm] of [
        ["HMAC-SHA256", "sha256"],
        ["HMAC-MD5", "md5"]
      ] as const) {
        for (const secret of [customer.secret, "", "비밀키-🔑", "k".repeat(200)]) {
          const header = yield* Signature.sign({ apiKey: "key", apiSecret: secret, method, date, salt })
          const expected = createHmac(algorithm, secret)
            .update(date + salt)
            .digest("hex")
          assert.strictEqual(
            header,
            `${method} apiKey=key, date=${date}, salt=${salt}, signature=${expected}`
          )
        }
      }
    })
  )

  it.effect("gives every header a fresh 32-character salt", () =>
    Effect.gen(function* () {
      const salts = new Set<string>()
      for (let i = 0; i < 50; i++) {
        const parsed = yield* Signature.parseAuthorization(yield* signAs())
        assert.strictEqual(parsed.salt.length, 32)
        salts.add(parsed.salt)
      }
      assert.strictEqual(salts.size, 50)
    })
  )

  it.effect("refuses a signature made with another secret as SignatureMismatch", () =>
    Effect.gen(function* () {
      for (const method of Signature.Method.literals) {
        const header = yield* signAs({ method, apiSecret: `${customer.secret}x` })
        const error = yield* failureOf(verify(header))
        assert.instanceOf(error, Signature.SignatureMismatch)
        assert.deepStrictEqual(error, new Signature.SignatureMismatch({ apiKey: customer.apiKey }))
      }
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("refuses a header whose salt or date was changed after signing", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const header = yield* signAs({ date: "2026-11-26T23:14:00+09:00", salt: "saltsaltsalt0001" })
      const otherSalt = header.replace("salt=saltsaltsalt0001", "salt=saltsaltsalt0002")
      const otherDate = header.replace("23:14:00+09:00", "23:14:01+09:00")
      assert.instanceOf(yield* failureOf(verify(otherSalt)), Signature.SignatureMismatch)
      assert.instanceOf(yield* failureOf(verify(otherDate)), Signature.SignatureMismatch)
      assert.deepStrictEqual(yield* verify(header), customer)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("refuses an unknown key as InvalidApiKey before looking at its date or signature", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      const header = yield* Signature.sign({
        apiKey: "NCSUNKNOWNKEY000",
        apiSecret: customer.secret,
        date: "2001-01-01T00:00:00Z"
      })
      assert.deepStrictEqual(
        yield* failureOf(verify(header)),
        new Signature.InvalidApiKey({ apiKey: "NCSUNKNOWNKEY000" })
      )
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("refuses a key stored without a secret as InvalidApiKey", () =>
    Effect.gen(function* () {
      const header = yield* Signature.sign({ apiKey: customer.apiKey, apiSecret: "" })
      const error = yield* failureOf(
        Signature.verify(header, { lookup: () => Effect.succeed(Option.some({ ...customer, secret: "" })) })
      )
      assert.instanceOf(error, Signature.InvalidApiKey)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("passes the key store's own failure through unchanged", () =>
    Effect.gen(function* () {
      class KeyStoreDown extends Schema.TaggedError<KeyStoreDown>()("KeyStoreDown", {}) {}
      const header = yield* signAs()
      const error = yield* failureOf(
        Signature.verify(header, { lookup: () => Effect.fail(new KeyStoreDown()) })
      )
      assert.instanceOf(error, KeyStoreDown)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect(
    "does not record signatures that failed verification, so garbage cannot fill the replay store",
    () =>
      Effect.gen(function* () {
        const forged = yield* signAs({ apiSecret: "not-the-secret" })
        assert.instanceOf(yield* failureOf(verify(forged)), Signature.SignatureMismatch)
        assert.isTrue(yield* claim(signatureOf(forged)), "the forged signature was never claimed")
      }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )
})

describe("clock skew", () => {
  const sameInstant = [
    "2026-11-26T23:14:00+09:00",
    "2026-11-26T09:14:00-05:00",
    "2026-11-26T14:14:00Z",
    "2026-11-26T14:14:00.000Z",
    "2026-11-26T23:14:00+0900"
  ]

  for (const date of sameInstant) {
    it.effect(`accepts ${date} up to exactly 15 minutes either side of the server's clock`, () =>
      Effect.gen(function* () {
        for (const now of [T0 - 15 * MINUTE, T0, T0 + 15 * MINUTE]) {
          yield* TestClock.setTime(now)
          assert.deepStrictEqual(yield* verify(yield* signAs({ date })), customer)
        }
      }).pipe(Effect.provide(UsedSignatures.layerMemory))
    )

    it.effect(`refuses ${date} once it is 15 minutes and 1 second behind or ahead`, () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(T0 + 15 * MINUTE + SECOND)
        assert.deepStrictEqual(
          yield* failureOf(verify(yield* signAs({ date }))),
          new Signature.RequestTimeSkewed({ date, skewSeconds: -901 })
        )
        yield* TestClock.setTime(T0 - 15 * MINUTE - SECOND)
        assert.deepStrictEqual(
          yield* failureOf(verify(yield* signAs({ date }))),
          new Signature.RequestTimeSkewed({ date, skewSeconds: 901 })
        )
      }).pipe(Effect.provide(UsedSignatures.layerMemory))
    )
  }

  it.effect("reads fractional seconds and refuses a date one millisecond past the window", () =>
    Effect.gen(function* () {
      const parsed = yield* Signature.parseAuthorization(
        yield* signAs({ date: "2026-11-26T23:14:00.123456+09:00" })
      )
      assert.strictEqual(parsed.dateMillis, T0 + 123)
      yield* TestClock.setTime(T0 + 15 * MINUTE + 124)
      const error = yield* failureOf(verify(yield* signAs({ date: "2026-11-26T23:14:00.123+09:00" })))
      assert.instanceOf(error, Signature.RequestTimeSkewed)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )
})

describe("replay protection", () => {
  it.effect("refuses the same header a second time as DuplicatedSignature", () =>
    Effect.gen(function* () {
      const header = yield* signAs()
      assert.deepStrictEqual(yield* verify(header), customer)
      assert.deepStrictEqual(
        yield* failureOf(verify(header)),
        new Signature.DuplicatedSignature({ apiKey: customer.apiKey })
      )
      assert.deepStrictEqual(yield* verify(yield* signAs()), customer, "a freshly signed header still passes")
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("refuses a replay that only changes the case of the signature's hex digits", () =>
    Effect.gen(function* () {
      const header = yield* signAs()
      yield* verify(header)
      const shouted = header.replace(signatureOf(header), signatureOf(header).toUpperCase())
      assert.instanceOf(yield* failureOf(verify(shouted)), Signature.DuplicatedSignature)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("asks admit after the signature has proved the key and before claiming it", () =>
    Effect.gen(function* () {
      const header = yield* signAs()
      const admitted: Array<string> = []
      const refusing = Signature.verify(header, {
        lookup,
        admit: (credentials) =>
          Effect.sync(() => admitted.push(credentials.apiKey)).pipe(
            Effect.andThen(Effect.fail("refused" as const))
          )
      })
      assert.strictEqual(yield* failureOf(refusing), "refused")
      assert.deepStrictEqual(admitted, [customer.apiKey])
      assert.isTrue(yield* claim(signatureOf(header)), "a refused request left its signature unclaimed")
      const forged = header.replace(signatureOf(header), "0".repeat(64))
      const notAsked = Signature.verify(forged, { lookup, admit: () => Effect.die("admit must not run") })
      assert.instanceOf(yield* failureOf(notAsked), Signature.SignatureMismatch)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect("lets exactly one of 20 concurrent copies of a header through", () =>
    Effect.gen(function* () {
      const header = yield* signAs()
      const results = yield* Effect.all(
        Array.from({ length: 20 }, () => Effect.result(verify(header))),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.filter((result) => result._tag === "Success").length, 1)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect(
    "refuses a replay while its date is accepted, then as skewed; the store forgets it after 15 minutes",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(T0)
        const header = yield* signAs({ date: "2026-11-26T23:14:00+09:00" })
        yield* verify(header)
        yield* TestClock.setTime(T0 + 15 * MINUTE)
        assert.instanceOf(yield* failureOf(verify(header)), Signature.DuplicatedSignature)
        yield* TestClock.adjust("1 millis")
        assert.instanceOf(yield* failureOf(verify(header)), Signature.RequestTimeSkewed)
        assert.isTrue(yield* claim(signatureOf(header)), "the claim expired with the date's window")
        yield* TestClock.setTime(T0 + 15 * MINUTE)
        assert.deepStrictEqual(
          yield* verify(yield* signAs()),
          customer,
          "the key signs new requests as before"
        )
      }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )

  it.effect(
    "keeps refusing a replay of a header dated ahead of the server until that date leaves the window",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(T0)
        const header = yield* signAs({ date: "2026-11-26T23:29:00+09:00" })
        yield* verify(header)
        // 16 minutes after first use the date (15 minutes ahead) is still within the window.
        yield* TestClock.adjust("16 minutes")
        assert.instanceOf(yield* failureOf(verify(header)), Signature.DuplicatedSignature)
        yield* TestClock.setTime(T0 + 30 * MINUTE)
        assert.instanceOf(yield* failureOf(verify(header)), Signature.DuplicatedSignature)
        yield* TestClock.adjust("1 millis")
        assert.instanceOf(yield* failureOf(verify(header)), Signature.RequestTimeSkewed)
      }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )
})

describe("parseAuthorization", () => {
  const sig64 = "0123456789abcdef".repeat(4)
  const fields = {
    apiKey: "apiKey=NCSAYU7YDBXYORXC",
    date: "date=2026-11-26T23:14:00+09:00",
    salt: "salt=0123456789abcdef",
    signature: `signature=${sig64}`
  }
  const header = (parts: ReadonlyArray<string> = Object.values(fields), method = "HMAC-SHA256") =>
    `${method} ${parts.join(", ")}`
  const withField = (name: keyof typeof fields, value: string) =>
    header(Object.values({ ...fields, [name]: `${name}=${value}` }))

  it.effect("reads SOLAPI's header into its fields", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Signature.parseAuthorization(header()), {
        method: "HMAC-SHA256",
        apiKey: "NCSAYU7YDBXYORXC",
        date: "2026-11-26T23:14:00+09:00",
        dateMillis: T0,
        salt: "0123456789abcdef",
        signature: sig64
      })
    })
  )

  it.effect("tolerates extra whitespace, any field order and the case of names", () =>
    Effect.gen(function* () {
      const expected = yield* Signature.parseAuthorization(header())
      for (const variant of [
        `  HMAC-SHA256   ${Object.values(fields).join(" ,   ")}  `,
        `HMAC-SHA256\tapiKey = NCSAYU7YDBXYORXC,date=2026-11-26T23:14:00+09:00 ,salt=0123456789abcdef,  signature=${sig64}`,
        header([fields.signature, fields.salt, fields.date, fields.apiKey]),
        header(
          ["APIKEY=NCSAYU7YDBXYORXC", "Date=2026-11-26T23:14:00+09:00", fields.salt, fields.signature],
          "hmac-sha256"
        )
      ]) {
        assert.deepStrictEqual(yield* Signature.parseAuthorization(variant), expected, variant)
      }
    })
  )

  it.effect("answers MissingAuthorization when there is no header or only whitespace", () =>
    Effect.gen(function* () {
      for (const missing of [undefined, null, "", "   "]) {
        assert.instanceOf(
          yield* failureOf(Signature.parseAuthorization(missing)),
          Signature.MissingAuthorization
        )
      }
    })
  )

  it.effect("refuses any other method", () =>
    Effect.gen(function* () {
      for (const method of ["HMAC-SHA1", "HMAC-SHA512", "Bearer", "Basic", "HMAC_SHA256"]) {
        assert.strictEqual(yield* malformedReason(header(undefined, method)), "UnknownMethod", method)
      }
    })
  )

  it.effect("refuses a header missing any field", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* malformedReason("HMAC-SHA256"), "MissingField")
      for (const name of Object.keys(fields)) {
        const parts = Object.entries(fields).flatMap(([key, part]) => (key === name ? [] : [part]))
        assert.strictEqual(yield* malformedReason(header(parts)), "MissingField", name)
      }
    })
  )

  it.effect("refuses a repeated field, even spelled in another case", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* malformedReason(header([...Object.values(fields), fields.salt])),
        "DuplicateField"
      )
      assert.strictEqual(
        yield* malformedReason(header([...Object.values(fields), "apikey=NCSOTHERKEY00000"])),
        "DuplicateField"
      )
    })
  )

  it.effect("refuses an unknown field and a part that is not name=value", () =>
    Effect.gen(function* () {
      assert.strictEqual(
        yield* malformedReason(header([...Object.values(fields), "nonce=1"])),
        "UnknownField"
      )
      assert.strictEqual(
        yield* malformedReason(header([...Object.values(fields), "apiKey"])),
        "InvalidSyntax"
      )
      assert.strictEqual(yield* malformedReason(`${header()},`), "InvalidSyntax")
      assert.strictEqual(yield* malformedReason(header().replace(", salt", ",, salt")), "InvalidSyntax")
    })
  )

  it.effect("refuses an empty or non-printable api key", () =>
    Effect.gen(function* () {
      for (const apiKey of ["", "키", "a".repeat(129)]) {
        assert.strictEqual(yield* malformedReason(withField("apiKey", apiKey)), "InvalidApiKeyFormat", apiKey)
      }
    })
  )

  it.effect("accepts salts of 12 to 64 characters and refuses shorter, longer or spaced ones", () =>
    Effect.gen(function* () {
      for (const salt of ["s".repeat(12), "s".repeat(64), "Ab3-_.~!=+/x"]) {
        assert.strictEqual((yield* Signature.parseAuthorization(withField("salt", salt))).salt, salt)
      }
      for (const salt of [
        "",
        "s".repeat(11),
        "s".repeat(65),
        "salt with spaces",
        "솔트솔트솔트솔트솔트솔트"
      ]) {
        assert.strictEqual(yield* malformedReason(withField("salt", salt)), "InvalidSaltFormat", salt)
      }
    })
  )

  it.effect("refuses a signature that is not hex of the method's digest length", () =>
    Effect.gen(function* () {
      for (const signature of [
        "",
        "g".repeat(64),
        `${sig64.slice(0, 63)}-`,
        sig64.slice(0, 32),
        `${sig64}00`
      ]) {
        assert.strictEqual(
          yield* malformedReason(withField("signature", signature)),
          "InvalidSignatureFormat"
        )
      }
      const md5Parts = [fields.apiKey, fields.date, fields.salt]
      assert.strictEqual(
        yield* malformedReason(header([...md5Parts, `signature=${sig64}`], "HMAC-MD5")),
        "InvalidSignatureFormat"
      )
      const parsed = yield* Signature.parseAuthorization(
        header([...md5Parts, `signature=${sig64.slice(0, 32).toUpperCase()}`], "HMAC-MD5")
      )
      assert.strictEqual(parsed.signature, sig64.slice(0, 32), "kept in lower case")
    })
  )

  it.effect("refuses a date that is not an ISO 8601 instant with an offset", () =>
    Effect.gen(function* () {
      for (const date of [
        "",
        "yesterday",
        "1764166440",
        "2026-11-26",
        "2026-11-26T23:14:00",
        "2026-11-26T23:14+09:00",
        "2026-11-26 23:14:00+09:00",
        "26 Nov 2026 14:14:00 GMT",
        "2026-13-01T00:00:00Z",
        "2026-11-31T00:00:00Z",
        "2026-02-29T00:00:00Z",
        "2026-11-26T24:00:00Z",
        "2026-11-26T23:60:00Z",
        "2026-11-26T23:14:60Z",
        "2026-11-26T23:14:00+24:00",
        "2026-11-26T23:14:00+09:60",
        "2026-11-26T23:14:00.Z",
        "2026-11-26T23:14:00.1234567890Z"
      ]) {
        assert.strictEqual(yield* malformedReason(withField("date", date)), "InvalidDateFormat", date)
      }
    })
  )

  it.effect("reads leap days, offsets without a colon, lower-case t and z, and year 1", () =>
    Effect.gen(function* () {
      const millisOf = (date: string) =>
        Signature.parseAuthorization(withField("date", date)).pipe(Effect.map((parsed) => parsed.dateMillis))
      assert.strictEqual(yield* millisOf("2028-02-29T00:00:00Z"), Date.UTC(2028, 1, 29))
      assert.strictEqual(yield* millisOf("2026-11-26T09:14:00-0500"), T0)
      assert.strictEqual(yield* millisOf("2026-11-26t14:14:00.5z"), T0 + 500)
      assert.strictEqual(yield* millisOf("2026-11-27T00:44:00+10:30"), T0)
      assert.strictEqual(yield* millisOf("0001-01-01T00:00:00Z"), Date.parse("0001-01-01T00:00:00Z"))
    })
  )
})

describe("scopes", () => {
  it("grants exactly the scopes a key carries", () => {
    assert.isTrue(Signature.hasScope(customer, "senderid:read"))
    assert.isTrue(Signature.hasScope(customer, "senderid:write"))
    assert.isFalse(Signature.hasScope(customer, "operator:read"))
    assert.isFalse(Signature.hasScope({ scopes: ["senderid:write"] }, "senderid:read"))
  })

  it("decodes the five scope names and nothing else", () => {
    const decode = Schema.decodeUnknownOption(Signature.Scope)
    for (const scope of [
      "senderid:read",
      "senderid:write",
      "operator:read",
      "operator:write",
      "sender:eligibility"
    ]) {
      assert.isTrue(Option.isSome(decode(scope)), scope)
    }
    for (const scope of ["senderid:admin", "operator", "SENDERID:READ", ""]) {
      assert.isTrue(Option.isNone(decode(scope)), scope)
    }
  })
})

describe("MD5 (src/internal/md5.ts)", () => {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
  const utf8 = (text: string) => new TextEncoder().encode(text)

  it("matches the RFC 1321 test suite", () => {
    const suite: ReadonlyArray<readonly [string, string]> = [
      ["", "d41d8cd98f00b204e9800998ecf8427e"],
      ["a", "0cc175b9c0f1b6a831c399e269772661"],
      ["abc", "900150983cd24fb0d6963f7d28e17f72"],
      ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
      ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
      ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
      [
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "57edf4a22be3c955ac49da2e2107b67a"
      ]
    ]
    for (const [message, digest] of suite) assert.strictEqual(hex(md5(utf8(message))), digest, message)
  })

  it("matches the RFC 2104 and RFC 2202 HMAC-MD5 vectors", () => {
    const bytes = (byte: number, length: number) => new Uint8Array(length).fill(byte)
    const vectors: ReadonlyArray<readonly [Uint8Array, Uint8Array, string]> = [
      [bytes(0x0b, 16), utf8("Hi There"), "9294727a3638bb1c13f48ef8158bfc9d"],
      [utf8("Jefe"), utf8("what do ya want for nothing?"), "750c783e6ab0b503eaa86e310a5db738"],
      [bytes(0xaa, 16), bytes(0xdd, 50), "56be34521d144c88dbb8c733f0e8b3f6"],
      [Uint8Array.from({ length: 25 }, (_, i) => i + 1), bytes(0xcd, 50), "697eaf0aca3a3aea3a75164746ffaa79"],
      [bytes(0x0c, 16), utf8("Test With Truncation"), "56461ef2342edc00f9bab995690efd4c"],
      [
        bytes(0xaa, 80),
        utf8("Test Using Larger Than Block-Size Key - Hash Key First"),
        "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"
      ],
      [
        bytes(0xaa, 80),
        utf8("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
        "6f630fad67cda0ee1fb1f562db3aa53e"
      ]
    ]
    for (const [key, message, mac] of vectors) assert.strictEqual(hex(hmacMd5(key, message)), mac)
  })

  it("agrees with node:crypto around every padding and block boundary", () => {
    for (let length = 0; length <= 300; length++) {
      const message = randomBytes(length)
      assert.strictEqual(
        hex(md5(message)),
        createHash("md5").update(message).digest("hex"),
        `length ${length}`
      )
    }
    for (let keyLength = 0; keyLength <= 150; keyLength++) {
      const key = randomBytes(keyLength)
      const message = randomBytes(keyLength * 3)
      assert.strictEqual(
        hex(hmacMd5(key, message)),
        createHmac("md5", key).update(message).digest("hex"),
        `key length ${keyLength}`
      )
    }
    const large = randomBytes(1 << 20)
    assert.strictEqual(hex(md5(large)), createHash("md5").update(large).digest("hex"))
  })
})

describe("the official SOLAPI SDK (solapi 6.0.1)", () => {
  const captureIn = (timeZone: string) =>
    captureSolapiRequest({ apiKey: customer.apiKey, apiSecret: customer.secret, timeZone })

  for (const [timeZone, offset] of [
    ["Asia/Seoul", /\+09:00$/u],
    ["America/New_York", /-0[45]:00$/u],
    ["UTC", /Z$/u]
  ] as const) {
    it.live(`signs requests that verify accepts (SDK running in ${timeZone})`, () =>
      Effect.gen(function* () {
        const request = yield* captureIn(timeZone)
        assert.strictEqual(request.method, "GET")
        assert.strictEqual(request.path, "/cash/v1/balance")
        const parsed = yield* Signature.parseAuthorization(request.authorization)
        assert.strictEqual(parsed.method, "HMAC-SHA256")
        assert.strictEqual(parsed.apiKey, customer.apiKey)
        // date-fns formatISO: local wall time with its offset, whole seconds, `Z` only at offset zero.
        assert.match(parsed.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/u)
        assert.match(parsed.date, offset)
        assert.match(parsed.salt, /^[0-9A-Za-z]{32}$/u)
        assert.strictEqual(
          request.authorization,
          `HMAC-SHA256 apiKey=${parsed.apiKey}, date=${parsed.date}, salt=${parsed.salt}, signature=${parsed.signature}`
        )
        assert.deepStrictEqual(yield* verify(request.authorization), customer)
        assert.instanceOf(yield* failureOf(verify(request.authorization)), Signature.DuplicatedSignature)
      }).pipe(Effect.provide(UsedSignatures.layerMemory))
    )
  }

  it.live("is refused as SignatureMismatch when the SDK holds another secret", () =>
    Effect.gen(function* () {
      const request = yield* captureSolapiRequest({
        apiKey: customer.apiKey,
        apiSecret: "ANOTHERSECRET0000000000000000000",
        timeZone: "Asia/Seoul"
      })
      assert.instanceOf(yield* failureOf(verify(request.authorization)), Signature.SignatureMismatch)
    }).pipe(Effect.provide(UsedSignatures.layerMemory))
  )
})
