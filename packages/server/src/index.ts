/**
 * `@senderid/server`: the HTTP layer. `makeApp(runtime)` is the Hono application serving SOLAPI's
 * senderid v1 API and our additions; `Signature` is SOLAPI's HMAC authentication, `ErrorTable` the
 * one table from error to `{ errorCode, errorMessage }` and status, `OpenApi` the generated
 * document, `WebhookSender` signed webhook deliveries over `fetch`, `Credentials` the generation of
 * API keys and webhook secrets, `LogLine` the one JSON shape of every log line and its logger.
 */
export { type App, type AppOptions, makeApp, type RequestLogEntry } from "./App.ts"
export * as Credentials from "./Credentials.ts"
export * as ErrorTable from "./ErrorTable.ts"
export * as LogLine from "./LogLine.ts"
export * as OpenApi from "./OpenApi.ts"
export type { RateLimitOptions } from "./RateLimit.ts"
export type { AppServices } from "./Route.ts"
export * as Signature from "./Signature.ts"
export * as WebhookSender from "./WebhookSender.ts"
