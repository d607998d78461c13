/**
 * `@senderid/server`: the HTTP layer. So far its two foundations — SOLAPI's HMAC authentication
 * (`Signature`) and the one table from domain error to SOLAPI's `{ errorCode, errorMessage }` and
 * status (`ErrorTable`); the Hono app composing them with the use cases comes next.
 */
export * as ErrorTable from "./ErrorTable.ts"
export * as Signature from "./Signature.ts"
