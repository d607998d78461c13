/**
 * Assertions and customer steps shared by the route tests: SOLAPI's error shape with its status, a
 * 200 with its JSON, and proving ownership of a number by ARS the way a customer does it.
 */
import { assert } from "@effect/vitest"
import type { Wire } from "@senderid/contract"
import type { Customer, Harness } from "../support/harness.ts"

export const NUMBERS = "/senderid/v1/numbers"
export const DOCUMENTS = "/senderid/v1/documents"
export const PAPERS = "/senderid/v1/papers"

/** UTC ISO 8601 with milliseconds, as `Date.prototype.toISOString` writes it. */
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/u
export const DAY = 86_400_000

export const EN = { "accept-language": "en" } as const

/** Asserts the status and SOLAPI's `{ errorCode, errorMessage }`, and returns the whole body. */
export const expectError = async (
  response: Response,
  status: number,
  errorCode: string
): Promise<Wire.ErrorBody & Record<string, unknown>> => {
  const text = await response.text()
  assert.strictEqual(response.status, status, text)
  const parsed = JSON.parse(text) as Wire.ErrorBody & Record<string, unknown>
  assert.strictEqual(parsed.errorCode, errorCode, text)
  assert.isString(parsed.errorMessage)
  assert.isAbove(parsed.errorMessage.length, 0)
  return parsed
}

/** Asserts a 200 and returns its JSON. */
export const expectOk = async <A>(response: Response): Promise<A> => {
  const text = await response.text()
  assert.strictEqual(response.status, 200, text)
  return JSON.parse(text) as A
}

export const register = (
  h: Harness,
  who: Customer,
  phoneNumber: string,
  extra: Readonly<Record<string, unknown>> = {}
) => h.request(who, "POST", NUMBERS, { phoneNumber, ...extra })

export const bookOf = async (h: Harness, who: Customer) =>
  expectOk<Wire.AccountBook>(await h.request(who, "GET", NUMBERS))

/** The `x-mfa-data` header of the ARS flow. */
export const mfaHeader = (phoneNumber: string, extra: Readonly<Record<string, unknown>> = {}) => ({
  "x-mfa-data": JSON.stringify({ authType: "ARS", extras: { phoneNumber }, ...extra })
})

export const authenticatePath = (phoneNumber: string) => `${NUMBERS}/${phoneNumber}/authenticate`

/** ARS step one: places the call and returns the challenge from the MFARequired answer. */
export const placeCall = async (h: Harness, who: Customer, phoneNumber: string) => {
  const response = await h.request(
    who,
    "PUT",
    authenticatePath(phoneNumber),
    undefined,
    mfaHeader(phoneNumber)
  )
  const body = await expectError(response, 403, "MFARequired")
  return (body as unknown as Wire.MfaRequired).mfa
}

/** Proves ownership by ARS as a customer would: place the call, then send the PIN heard on it. */
export const activate = async (h: Harness, who: Customer, phoneNumber: string) => {
  const { transactionId } = await placeCall(h, who, phoneNumber)
  const token = await h.pinFor(phoneNumber)
  return expectOk<Wire.AccountBook>(
    await h.request(
      who,
      "PUT",
      authenticatePath(phoneNumber),
      undefined,
      mfaHeader(phoneNumber, { transactionId, token })
    )
  )
}

/** Uploads the harness's PNG and returns the document. */
export const upload = async (h: Harness, who: Customer, file: string, category = "SENDERID_APPROVAL") =>
  expectOk<Wire.DocumentView>(await h.request(who, "POST", DOCUMENTS, { file, category }))
