/**
 * The bytes of an uploaded evidence document (endpoint 10, `POST /documents`), decoded from
 * base64 or a data URL and checked before anything is stored: the real file type comes from
 * the bytes' magic numbers, never from a name or a declared mime type, and the size is capped.
 */
import { Effect, Option, Result, Schema } from "effect"
import { Base64 } from "effect/encoding"

/** The types SOLAPI accepts as evidence; `jpg`/`tif` are only extension spellings of these. */
export const FileType = Schema.Literals(["png", "gif", "jpeg", "pdf", "tiff"])
export type FileType = typeof FileType.Type

const MIME_TYPES = {
  png: "image/png",
  gif: "image/gif",
  jpeg: "image/jpeg",
  pdf: "application/pdf",
  tiff: "image/tiff"
} as const satisfies Record<FileType, string>

export type FileMimeType = (typeof MIME_TYPES)[FileType]

/** The mime type to store and serve a file of this type with. */
export const mimeType = (fileType: FileType): FileMimeType => MIME_TYPES[fileType]

/** File-name extensions SOLAPI accepts (lower case); a name outside these is refused. */
export const ALLOWED_EXTENSIONS: ReadonlyArray<string> = ["png", "gif", "jpg", "jpeg", "pdf", "tif", "tiff"]

const startsWith = (bytes: Uint8Array, prefix: ReadonlyArray<number>, offset = 0): boolean => {
  if (bytes.length < offset + prefix.length) return false
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[offset + i] !== prefix[i]) return false
  }
  return true
}

const ascii = (text: string): ReadonlyArray<number> => Array.from(text, (c) => c.charCodeAt(0))

const SIGNATURES: ReadonlyArray<readonly [FileType, ReadonlyArray<number>]> = [
  ["png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["gif", ascii("GIF87a")],
  ["gif", ascii("GIF89a")],
  ["jpeg", [0xff, 0xd8, 0xff]],
  // Strictly at offset 0: readers that tolerate leading junk before `%PDF-` are lenient, and
  // accepting that would let any file with a PDF marker somewhere near the start through.
  ["pdf", ascii("%PDF-")],
  ["tiff", [0x49, 0x49, 0x2a, 0x00]], // "II*\0", little-endian
  ["tiff", [0x4d, 0x4d, 0x00, 0x2a]] // "MM\0*", big-endian
]

/** The accepted type the bytes really are, judged only by their leading magic number. */
export const detectFileType = (bytes: Uint8Array): Option.Option<FileType> => {
  for (const [fileType, signature] of SIGNATURES) {
    if (startsWith(bytes, signature)) return Option.some(fileType)
  }
  return Option.none()
}

// Refused formats worth naming in `InvalidFileType.detected`, so a client (or an operator
// reading logs) learns "you sent a zip / an iPhone HEIC photo" rather than just "bad type".
const REFUSED_SIGNATURES: ReadonlyArray<readonly [string, ReadonlyArray<number>, number]> = [
  ["exe", ascii("MZ"), 0],
  ["elf", [0x7f, 0x45, 0x4c, 0x46], 0],
  ["zip", [0x50, 0x4b, 0x03, 0x04], 0],
  ["zip", [0x50, 0x4b, 0x05, 0x06], 0],
  ["zip", [0x50, 0x4b, 0x07, 0x08], 0],
  ["gzip", [0x1f, 0x8b], 0],
  ["rar", ascii("Rar!\x1a\x07"), 0],
  ["7z", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 0],
  ["webp", ascii("WEBP"), 8],
  ["heic", ascii("ftypheic"), 4],
  ["heic", ascii("ftypmif1"), 4],
  ["bmp", ascii("BM"), 0]
]

const UTF8_BOM: ReadonlyArray<number> = [0xef, 0xbb, 0xbf]

const describeRefused = (bytes: Uint8Array): string | null => {
  if (bytes.length === 0) return "empty"
  for (const [label, signature, offset] of REFUSED_SIGNATURES) {
    if (startsWith(bytes, signature, offset)) return label
  }
  // Markup is text, so sniff it as text: skip a UTF-8 BOM and leading whitespace. Only ASCII
  // matters here, so reading bytes as char codes is enough (no TextDecoder in a pure module).
  const start = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0
  const head = String.fromCharCode(...bytes.subarray(start, start + 64))
    .trimStart()
    .toLowerCase()
  if (head.startsWith("<!doctype html") || head.startsWith("<html")) return "html"
  if (head.startsWith("<?xml")) return "xml"
  return null
}

/**
 * The file is not one of the accepted types (HTTP 400). `detected` names what the bytes look
 * like when recognisable (`"exe"`, `"zip"`, `"empty"`, …), and is `null` when unknown or when
 * the file was refused by its name before being decoded.
 */
export class InvalidFileType extends Schema.TaggedError<InvalidFileType>()("InvalidFileType", {
  detected: Schema.NullOr(Schema.String),
  name: Schema.NullOr(Schema.String)
}) {}

/**
 * The decoded file exceeds `maxBytes` (HTTP 413). When refused from the encoded length alone,
 * without decoding, `size` is the decoded size that length implies (an upper bound if the
 * input carried whitespace).
 */
export class FileSizeTooLarge extends Schema.TaggedError<FileSizeTooLarge>()("FileSizeTooLarge", {
  size: Schema.Number,
  maxBytes: Schema.Number
}) {}

/** Why an upload could not be read as base64; a closed set so callers can match on it. */
export const InvalidFileEncodingReason = Schema.Literals([
  "MalformedDataUrl",
  "DataUrlNotBase64",
  "InvalidCharacter",
  "InvalidPadding",
  "InvalidLength"
])
export type InvalidFileEncodingReason = typeof InvalidFileEncodingReason.Type

/** The upload is neither valid base64 nor a base64 data URL (HTTP 400). */
export class InvalidFileEncoding extends Schema.TaggedError<InvalidFileEncoding>()("InvalidFileEncoding", {
  reason: InvalidFileEncodingReason
}) {}

/** 700 KB, the 2019 contract's cap; KB means 1024 bytes (the larger reading, so never stricter). */
export const DEFAULT_MAX_BYTES = 700 * 1024

export interface DecodedFile {
  readonly bytes: Uint8Array
  readonly fileType: FileType
  readonly mimeType: FileMimeType
  readonly size: number
}

export interface DecodeUploadOptions {
  /** Cap on the decoded size in bytes (inclusive); SOLAPI's 2026 docs raise it to 10 MB. */
  readonly maxBytes?: number | undefined
  /** The client's file name: its extension is checked against the allow-list, never trusted for the type. */
  readonly name?: string | undefined
}

// The extension is whatever follows the last dot of the base name (paths such as
// `C:\fakepath\scan.pdf` are stripped first); a name without a dot claims no type.
const extensionOf = (name: string): Option.Option<string> => {
  const base = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1)
  const dot = base.lastIndexOf(".")
  return dot === -1 ? Option.none() : Option.some(base.slice(dot + 1).toLowerCase())
}

// Longest encoded payload that could still decode to at most `maxBytes`: the padded base64
// length, plus room for line breaks (two characters per 64, which covers PEM and MIME wrapping)
// and some surrounding whitespace. Anything longer is refused without being decoded.
const encodedLengthLimit = (maxBytes: number): number => {
  const encoded = Math.ceil(maxBytes / 3) * 4
  return encoded + 2 * Math.ceil(encoded / 64) + 64
}

// Whitespace as tolerated around and inside base64 (what `\s` matches in the ASCII range).
const isWhitespace = (code: number): boolean => code === 0x20 || (code >= 0x09 && code <= 0x0d)

// Hand-written scans instead of anchored regexes such as `/^\s*data:/` or `/=+$/`: those can
// backtrack quadratically on a hostile multi-megabyte string of spaces or `=`.
const leadingWhitespace = (input: string): number => {
  let i = 0
  while (i < input.length && isWhitespace(input.charCodeAt(i))) i++
  return i
}

const trailingPadding = (input: string): number => {
  let n = 0
  while (n < input.length && input.charCodeAt(input.length - 1 - n) === 0x3d) n++
  return n
}

// The declared mime type of a data URL is ignored on purpose: the bytes decide the type.
const payloadOf = (input: string): Result.Result<string, InvalidFileEncoding> => {
  const start = leadingWhitespace(input)
  if (input.slice(start, start + 5).toLowerCase() !== "data:") return Result.succeed(input)
  const comma = input.indexOf(",", start + 5)
  if (comma === -1) return Result.fail(new InvalidFileEncoding({ reason: "MalformedDataUrl" }))
  const params = input.slice(start + 5, comma).split(";")
  const isBase64 = params.length > 1 && params[params.length - 1]?.trim().toLowerCase() === "base64"
  if (!isBase64) return Result.fail(new InvalidFileEncoding({ reason: "DataUrlNotBase64" }))
  return Result.succeed(input.slice(comma + 1))
}

const decodeBase64 = (payload: string): Result.Result<Uint8Array, InvalidFileEncoding> => {
  const compact = payload.replace(/\s+/gu, "")
  const padding = trailingPadding(compact)
  const data = compact.slice(0, compact.length - padding)
  // Padding is optional, but when present it must be exactly what completes the last quantum.
  if (data.includes("=") || (padding > 0 && padding !== (4 - (data.length % 4)) % 4)) {
    return Result.fail(new InvalidFileEncoding({ reason: "InvalidPadding" }))
  }
  // A single leftover character carries only 6 bits: no byte can be encoded that way.
  if (data.length % 4 === 1) return Result.fail(new InvalidFileEncoding({ reason: "InvalidLength" }))
  const padded = data + "=".repeat((4 - (data.length % 4)) % 4)
  // Length and padding are settled above, so the codec can only object to a character.
  return Result.mapError(Base64.decode(padded), () => new InvalidFileEncoding({ reason: "InvalidCharacter" }))
}

/**
 * Decodes an uploaded file (plain base64 or a `data:…;base64,` URL) and checks it.
 *
 * Checks run cheapest first: the name's extension, the data-URL header, the encoded length,
 * then the decoded bytes' size and magic number. An extension that is allowed but disagrees
 * with the bytes (a PDF named `a.png`) is accepted and typed by the bytes: phones and scanners
 * mislabel files often, and storing by the real type is what makes serving them safe.
 */
export const decodeUpload = Effect.fn("DocumentFile.decodeUpload")(function* (
  input: string,
  options?: DecodeUploadOptions
) {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    // A bad cap is a configuration bug, not something the uploader did: a defect.
    return yield* Effect.die(new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`))
  }
  const name = options?.name ?? null

  if (name !== null) {
    const extension = extensionOf(name)
    if (Option.isSome(extension) && !ALLOWED_EXTENSIONS.includes(extension.value)) {
      return yield* new InvalidFileType({ detected: null, name })
    }
  }

  const payload = yield* Effect.fromResult(payloadOf(input))
  if (payload.length > encodedLengthLimit(maxBytes)) {
    return yield* new FileSizeTooLarge({ size: Math.floor(payload.length / 4) * 3, maxBytes })
  }

  const bytes = yield* Effect.fromResult(decodeBase64(payload))
  if (bytes.length > maxBytes) {
    return yield* new FileSizeTooLarge({ size: bytes.length, maxBytes })
  }

  const fileType = detectFileType(bytes)
  if (Option.isNone(fileType)) {
    return yield* new InvalidFileType({ detected: describeRefused(bytes), name })
  }
  const decoded: DecodedFile = {
    bytes,
    fileType: fileType.value,
    mimeType: mimeType(fileType.value),
    size: bytes.length
  }
  return decoded
})
