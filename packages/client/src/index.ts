/**
 * `@senderid/client`: a typed client for every senderid endpoint (customers' and operators'), for
 * Effect users (`SenderIdClient`, over `effect/http`) and Promise users (`createClient`). SOLAPI HMAC
 * signing, typed errors, retries with backoff and jitter where they are safe, a timeout per attempt.
 */
export * from "./ClientError.ts"
export { createClient, type PromiseClient, type PromiseMethods } from "./Promise.ts"
export {
  type CallInput,
  type CallOutput,
  type ClientOptions,
  type DownloadedFile,
  type EndpointName,
  type Methods,
  type RetryOptions,
  SenderIdClient
} from "./SenderIdClient.ts"
