import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Result } from "effect"
import { Base64 } from "effect/encoding"
import * as fc from "fast-check"
import {
  ALLOWED_EXTENSIONS,
  DEFAULT_MAX_BYTES,
  type DecodedFile,
  decodeUpload,
  detectFileType,
  type FileType,
  type InvalidFileEncodingReason,
  mimeType
} from "../src/DocumentFile.ts"

const ascii = (text: string): Array<number> => Array.from(text, (c) => c.charCodeAt(0))

// Smallest real-looking headers: the magic number followed by a few body bytes.
const fixtures: Record<FileType, Uint8Array> = {
  png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, ...ascii("IHDR")]),
  gif: new Uint8Array([...ascii("GIF89a"), 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00]),
  jpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii("JFIF"), 0x00]),
  pdf: new Uint8Array(ascii("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n")),
  tiff: new Uint8Array([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00])
}

const gif87a = new Uint8Array([...ascii("GIF87a"), 0x01, 0x00, 0x01, 0x00])
const bigEndianTiff = new Uint8Array([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08])
const exe = new Uint8Array([...ascii("MZ"), 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00])
const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00])
const html = new Uint8Array(ascii("  <!DOCTYPE html><html><body>hi</body></html>"))
const text = new Uint8Array(ascii("just some plain text, not a document"))
const PNG_SIGNATURE = fixtures.png.subarray(0, 8)

const withPrefix = (prefix: Uint8Array, size: number): Uint8Array => {
  const bytes = new Uint8Array(size)
  bytes.set(prefix)
  return bytes
}

const fileTypes: ReadonlyArray<FileType> = ["png", "gif", "jpeg", "pdf", "tiff"]

describe("detectFileType", () => {
  it("recognises every accepted type by its magic number", () => {
    for (const fileType of fileTypes) {
      assert.deepStrictEqual(detectFileType(fixtures[fileType]), Option.some(fileType))
    }
    assert.deepStrictEqual(detectFileType(gif87a), Option.some("gif"))
    assert.deepStrictEqual(detectFileType(bigEndianTiff), Option.some("tiff"))
  })

  it("recognises nothing in executables, archives, markup, text, truncated headers or empty input", () => {
    for (const bytes of [exe, zip, html, text, new Uint8Array(), PNG_SIGNATURE.subarray(0, 7)]) {
      assert.isTrue(Option.isNone(detectFileType(bytes)))
    }
  })

  it("maps each type to the mime type it is served with", () => {
    assert.deepStrictEqual(fileTypes.map(mimeType), [
      "image/png",
      "image/gif",
      "image/jpeg",
      "application/pdf",
      "image/tiff"
    ])
  })
})

describe("decodeUpload", () => {
  it.effect("types each accepted file from a plain base64 string", () =>
    Effect.gen(function* () {
      for (const fileType of fileTypes) {
        const bytes = fixtures[fileType]
        const file = yield* decodeUpload(Base64.encode(bytes))
        assert.strictEqual(file.fileType, fileType)
        assert.strictEqual(file.mimeType, mimeType(fileType))
        assert.strictEqual(file.size, bytes.length)
        assert.deepStrictEqual(file.bytes, bytes)
      }
    })
  )

  it.effect("types each accepted file from a base64 data URL", () =>
    Effect.gen(function* () {
      for (const fileType of fileTypes) {
        const file = yield* decodeUpload(
          `data:${mimeType(fileType)};base64,${Base64.encode(fixtures[fileType])}`
        )
        assert.strictEqual(file.fileType, fileType)
        assert.deepStrictEqual(file.bytes, fixtures[fileType])
      }
      // Parameters before `;base64` and an upper-case scheme are part of the data-URL grammar.
      const withParams = yield* decodeUpload(
        `DATA:image/png;name=scan.png;BASE64,${Base64.encode(fixtures.png)}`
      )
      assert.strictEqual(withParams.fileType, "png")
    })
  )

  it.effect("judges a data URL by its bytes, not its declared mime type", () =>
    Effect.gen(function* () {
      const file = yield* decodeUpload(`data:image/png;base64,${Base64.encode(fixtures.pdf)}`)
      assert.strictEqual(file.fileType, "pdf")
      assert.strictEqual(file.mimeType, "application/pdf")

      const e = yield* Effect.flip(decodeUpload(`data:image/png;base64,${Base64.encode(exe)}`))
      assert.strictEqual(e._tag, "InvalidFileType")
    })
  )

  it.effect("refuses a renamed .exe even when its name and data URL claim an image", () =>
    Effect.gen(function* () {
      const e = yield* Effect.flip(
        decodeUpload(`data:image/jpeg;base64,${Base64.encode(exe)}`, { name: "photo.jpg" })
      )
      assert.strictEqual(e._tag, "InvalidFileType")
      assert.deepStrictEqual(e._tag === "InvalidFileType" && [e.detected, e.name], ["exe", "photo.jpg"])
    })
  )

  it.effect("names what refused bytes look like when it can, and null when it cannot", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [Uint8Array, string | null]> = [
        [zip, "zip"],
        [html, "html"],
        [text, null]
      ]
      for (const [bytes, detected] of cases) {
        const e = yield* Effect.flip(decodeUpload(Base64.encode(bytes)))
        assert.deepStrictEqual(e._tag === "InvalidFileType" && [e.detected, e.name], [detected, null])
      }
    })
  )

  it.effect("refuses an empty file as an invalid type", () =>
    Effect.gen(function* () {
      for (const input of ["", "data:image/png;base64,", "  \n"]) {
        const e = yield* Effect.flip(decodeUpload(input))
        assert.deepStrictEqual(e._tag === "InvalidFileType" && e.detected, "empty")
      }
    })
  )

  it.effect("refuses malformed base64 with the reason", () =>
    Effect.gen(function* () {
      const png = Base64.encode(fixtures.png)
      const cases: ReadonlyArray<readonly [string, InvalidFileEncodingReason]> = [
        [`${png.slice(0, 8)}!${png.slice(9)}`, "InvalidCharacter"],
        [png.replaceAll("+", "-").replace(/^./u, "_"), "InvalidCharacter"], // base64url is not accepted
        ["iVBO=RwoaCg==", "InvalidPadding"],
        ["iVBORw===", "InvalidPadding"],
        ["iVBORw======", "InvalidPadding"],
        ["iVBORwoa=", "InvalidPadding"],
        ["iVBORwoaC", "InvalidLength"],
        ["data:image/png;base64,%%%%", "InvalidCharacter"]
      ]
      for (const [input, reason] of cases) {
        const e = yield* Effect.flip(decodeUpload(input))
        assert.deepStrictEqual(e._tag === "InvalidFileEncoding" && e.reason, reason, input)
      }
    })
  )

  it.effect("refuses a data URL that is not base64 or has no payload separator", () =>
    Effect.gen(function* () {
      const notBase64 = yield* Effect.flip(decodeUpload("data:image/png,%89PNG%0D%0A%1A%0A"))
      assert.deepStrictEqual(notBase64._tag === "InvalidFileEncoding" && notBase64.reason, "DataUrlNotBase64")
      const noComma = yield* Effect.flip(decodeUpload("data:image/png;base64"))
      assert.deepStrictEqual(noComma._tag === "InvalidFileEncoding" && noComma.reason, "MalformedDataUrl")
    })
  )

  it.effect("accepts base64 without padding", () =>
    Effect.gen(function* () {
      const bytes = withPrefix(PNG_SIGNATURE, 10) // 10 bytes: the encoding ends in "=="
      const encoded = Base64.encode(bytes)
      assert.isTrue(encoded.endsWith("=="))
      const file = yield* decodeUpload(encoded.replace(/=+$/u, ""))
      assert.deepStrictEqual(file.bytes, bytes)
    })
  )

  it.effect("tolerates line breaks, spaces and tabs inside and around the base64", () =>
    Effect.gen(function* () {
      const bytes = withPrefix(fixtures.pdf, 300)
      const wrapped =
        Base64.encode(bytes)
          .match(/.{1,76}/gu)
          ?.join("\r\n") ?? ""
      const file = yield* decodeUpload(`\n  ${wrapped.replace("A", " \tA")}\n`)
      assert.strictEqual(file.fileType, "pdf")
      assert.deepStrictEqual(file.bytes, bytes)
      const dataUrl = yield* decodeUpload(` data:application/pdf;base64,\n${wrapped}\n`)
      assert.strictEqual(dataUrl.size, 300)
    })
  )

  it.effect("accepts a file of exactly maxBytes and refuses one byte more", () =>
    Effect.gen(function* () {
      const atCap = yield* decodeUpload(Base64.encode(withPrefix(PNG_SIGNATURE, 10)), { maxBytes: 10 })
      assert.strictEqual(atCap.size, 10)
      const e = yield* Effect.flip(
        decodeUpload(Base64.encode(withPrefix(PNG_SIGNATURE, 11)), { maxBytes: 10 })
      )
      assert.deepStrictEqual(e._tag === "FileSizeTooLarge" && [e.size, e.maxBytes], [11, 10])
    })
  )

  it.effect("caps at 700 KB of 1024 bytes by default, inclusive", () =>
    Effect.gen(function* () {
      assert.strictEqual(DEFAULT_MAX_BYTES, 716_800)
      const atCap = yield* decodeUpload(Base64.encode(withPrefix(fixtures.jpeg, DEFAULT_MAX_BYTES)))
      assert.strictEqual(atCap.size, DEFAULT_MAX_BYTES)
      const e = yield* Effect.flip(
        decodeUpload(Base64.encode(withPrefix(fixtures.jpeg, DEFAULT_MAX_BYTES + 1)))
      )
      assert.deepStrictEqual(e._tag === "FileSizeTooLarge" && [e.size, e.maxBytes], [716_801, 716_800])
    })
  )

  it.effect("refuses a huge upload from its length alone, before decoding it", () =>
    Effect.gen(function* () {
      const huge = yield* Effect.flip(decodeUpload("A".repeat(20 * 1024 * 1024)))
      assert.deepStrictEqual(
        huge._tag === "FileSizeTooLarge" && [huge.size, huge.maxBytes],
        [15_728_640, 716_800]
      )
      // Not valid base64 at all, yet refused for size: proof the payload was never decoded.
      const garbage = yield* Effect.flip(decodeUpload(`data:image/png;base64,${"!".repeat(2_000_000)}`))
      assert.strictEqual(garbage._tag, "FileSizeTooLarge")
    })
  )

  it.effect("raises the cap when configured, as SOLAPI's newer 10 MB limit needs", () =>
    Effect.gen(function* () {
      const bytes = withPrefix(fixtures.pdf, DEFAULT_MAX_BYTES + 1)
      const file = yield* decodeUpload(Base64.encode(bytes), { maxBytes: 10 * 1024 * 1024 })
      assert.strictEqual(file.size, DEFAULT_MAX_BYTES + 1)
    })
  )

  it.effect("refuses a name whose extension is not an accepted one, before decoding", () =>
    Effect.gen(function* () {
      for (const name of ["setup.exe", "scan.PNG.zip", "photo.heic", "report.", "C:\\fakepath\\x.docx"]) {
        // The bytes are a valid PNG and the payload is not even decoded: the name alone refuses.
        const e = yield* Effect.flip(decodeUpload(Base64.encode(fixtures.png), { name }))
        assert.deepStrictEqual(e._tag === "InvalidFileType" && [e.detected, e.name], [null, name])
      }
    })
  )

  it.effect("accepts any allowed extension in any case, and a name without one, typing by the bytes", () =>
    Effect.gen(function* () {
      for (const extension of ALLOWED_EXTENSIONS) {
        const file = yield* decodeUpload(Base64.encode(fixtures.pdf), {
          name: `scan.${extension.toUpperCase()}`
        })
        assert.strictEqual(file.fileType, "pdf")
      }
      const mislabelled = yield* decodeUpload(Base64.encode(fixtures.pdf), { name: "a.png" })
      assert.strictEqual(mislabelled.fileType, "pdf")
      const bare = yield* decodeUpload(Base64.encode(fixtures.gif), { name: "my.folder/scan" })
      assert.strictEqual(bare.fileType, "gif")
    })
  )

  it.effect("treats a nonsensical maxBytes as a defect, not an upload error", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(decodeUpload(Base64.encode(fixtures.png), { maxBytes: -1 }))
      assert.isTrue(exit._tag === "Failure" && !exit.cause.reasons.some((r) => r._tag === "Fail"))
    })
  )

  const run = (
    input: string,
    options?: { maxBytes?: number }
  ): Result.Result<DecodedFile, { _tag: string }> =>
    Effect.runSync(Effect.result(decodeUpload(input, options)))

  it("round-trips any bytes behind a PNG signature to a png of the same size", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), (tail, asDataUrl) => {
        const bytes = new Uint8Array([...PNG_SIGNATURE, ...tail])
        const encoded = Base64.encode(bytes)
        const result = run(asDataUrl ? `data:image/png;base64,${encoded}` : encoded)
        assert.isTrue(Result.isSuccess(result))
        if (Result.isSuccess(result)) {
          assert.strictEqual(result.success.fileType, "png")
          assert.strictEqual(result.success.size, bytes.length)
          assert.deepStrictEqual(result.success.bytes, bytes)
        }
      })
    )
  })

  it("refuses random bytes that carry no accepted signature", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 4096 }).filter((bytes) => Option.isNone(detectFileType(bytes))),
        (bytes) => {
          const result = run(Base64.encode(bytes))
          assert.isTrue(Result.isFailure(result) && result.failure._tag === "InvalidFileType")
        }
      )
    )
  })

  it("agrees with detectFileType on whatever bytes it is given under the cap", () => {
    const signed = fc
      .tuple(fc.constantFrom(...fileTypes, "none" as const), fc.uint8Array({ maxLength: 512 }))
      .map(([kind, tail]) => (kind === "none" ? tail : new Uint8Array([...fixtures[kind], ...tail])))
    fc.assert(
      fc.property(signed, (bytes) => {
        const result = run(Base64.encode(bytes))
        const expected = detectFileType(bytes)
        if (Option.isSome(expected)) {
          assert.isTrue(Result.isSuccess(result) && result.success.fileType === expected.value)
        } else {
          assert.isTrue(Result.isFailure(result) && result.failure._tag === "InvalidFileType")
        }
      })
    )
  })
})
