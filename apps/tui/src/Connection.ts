/**
 * Opening the client, and the first call that proves the server is there and the key is an
 * operator's. Its failures become one sentence that says what to check, never a stack trace.
 */
import { ApiError, createClient, type PromiseClient, TimeoutError, TransportError } from "@senderid/client"
import { transportReason } from "./ErrorText.ts"
import { safeText } from "./SafeText.ts"
import type { Settings } from "./Settings.ts"

export type Connection =
  | { readonly _tag: "Connected"; readonly client: PromiseClient }
  | { readonly _tag: "Refused"; readonly message: string }

export const openClient = (settings: Settings): PromiseClient =>
  createClient({
    baseUrl: settings.url,
    apiKey: settings.apiKey,
    apiSecret: settings.apiSecret,
    language: "en",
    timeout: "10 seconds",
    // Reads are retried a little (the client never retries a non-idempotent POST); an operator
    // waiting at a keyboard prefers a quick inline error to a long backoff.
    retry: { times: 2, initialDelay: "200 millis", maxDelay: "1 second" }
  })

export const connect = async (settings: Settings): Promise<Connection> => {
  const client = openClient(settings)
  try {
    await client.listAccounts({ query: { limit: 1 } })
    return { _tag: "Connected", client }
  } catch (error) {
    await client.close()
    return { _tag: "Refused", message: refusal(settings, error) }
  }
}

/** SOLAPI's codes for a key or signature it does not accept (401 and 403 alike, as SOLAPI answers). */
const CREDENTIAL_CODES = new Set([
  "Unauthorized",
  "InvalidAuthorization",
  "InvalidAPIKey",
  "SignatureDoesNotMatch",
  "DuplicatedSignature"
])

/** The server's words, written to the terminal as text (`safeText`), never as control sequences. */
const refusal = (settings: Settings, error: unknown): string => safeLines(refusalOf(settings, error))

/** Each line made safe; the line breaks are the console's own. */
const safeLines = (message: string) => message.split("\n").map(safeText).join("\n")

const refusalOf = (settings: Settings, error: unknown): string => {
  if (error instanceof TransportError)
    return `Cannot reach the senderid server at ${settings.url} (${transportReason(error)}). Is it running? \`pnpm start\` starts one.`
  if (error instanceof TimeoutError)
    return `The senderid server at ${settings.url} did not answer within ${error.timeoutMillis} ms.`
  if (error instanceof ApiError && error.errorCode === "RequestTimeTooSkewed")
    return `The server at ${settings.url} refused the request's time: ${error.errorMessage}\nCheck this machine's clock.`
  if (error instanceof ApiError && CREDENTIAL_CODES.has(error.errorCode))
    return `The server at ${settings.url} refused the credentials: ${error.errorCode}: ${error.errorMessage}\nCheck the key and secret (--key and --secret, SENDERID_API_KEY and SENDERID_API_SECRET, or the config file).`
  if (error instanceof ApiError && error.status === 403)
    return `This key may not use the operator API: ${error.errorCode}: ${error.errorMessage}\nUse an operator key (\`pnpm keys create --operator NAME\`), not a customer's.`
  if (error instanceof ApiError && !error.errorMessage.trimStart().startsWith("<"))
    return `The server at ${settings.url} answered ${error.status} ${error.errorCode}: ${error.errorMessage}`
  // An HTML page (a proxy's, another web server's) says nothing an operator can use; where it came
  // from does.
  if (error instanceof ApiError)
    return `The server at ${settings.url} answered ${error.status} with a web page, not the senderid API: is --url right?`
  return `Could not connect to ${settings.url}: ${error instanceof Error ? error.message : String(error)}`
}
