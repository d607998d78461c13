/**
 * One line for any failure, in the operator's words: what the server said (its code and message),
 * that it could not be reached and why (refused, no such host), or that it answered with something
 * unexpected. Never a stack.
 */
import { ApiError, DecodeError, TimeoutError, TransportError } from "@senderid/client"

/** The system's code under a transport failure (`fetch` nests it: `ECONNREFUSED`, `ENOTFOUND`). */
const systemCode = (error: unknown, depth = 0): string | undefined => {
  if (typeof error !== "object" || error === null || depth > 5) return undefined
  const code = (error as { code?: unknown }).code
  if (typeof code === "string" && /^E[A-Z_]+$/u.test(code)) return code
  return systemCode((error as { cause?: unknown }).cause, depth + 1)
}

const SYSTEM_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name cannot be resolved now",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "the connection timed out"
}

/** The innermost message under a transport failure (`fetch failed` → `bad port`). */
const rootMessage = (error: unknown, depth = 0): string | undefined => {
  if (typeof error !== "object" || error === null || depth > 5) return undefined
  const deeper = rootMessage((error as { cause?: unknown }).cause, depth + 1)
  return deeper ?? (error instanceof Error && error.message !== "" ? error.message : undefined)
}

/** Why a request got no answer, as precisely as the runtime says. */
export const transportReason = (error: TransportError): string => {
  const code = systemCode(error.cause)
  if (code !== undefined) return SYSTEM_CODES[code] ?? code
  return rootMessage(error.cause) ?? error.reason
}

export const errorText = (error: unknown): string => {
  if (error instanceof ApiError) return `${error.errorCode}: ${error.errorMessage}`
  if (error instanceof TransportError) return `The server cannot be reached (${transportReason(error)}).`
  if (error instanceof TimeoutError) return `The server did not answer within ${error.timeoutMillis} ms.`
  if (error instanceof DecodeError) return `The server's answer was not understood (${error.status}).`
  if (error instanceof Error) return error.message
  return String(error)
}
