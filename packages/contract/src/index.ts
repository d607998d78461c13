/**
 * `@senderid/contract`: the HTTP contract shared by the server and the client — request schemas
 * (`Requests`, `OperatorRequests`, with `SafeText` for every free-text field), response schemas and
 * the domain-to-wire mapping (`Wire`, `OperatorWire`, `WebhookWire`, `EligibilityWire`), and the endpoint table
 * (`Endpoints`). Depends only on the domain and `effect`, so it runs wherever they do.
 */
export * as EligibilityWire from "./EligibilityWire.ts"
export * as Endpoints from "./Endpoints.ts"
export * as OperatorRequests from "./OperatorRequests.ts"
export * as OperatorWire from "./OperatorWire.ts"
export * as Requests from "./Requests.ts"
export * as SafeText from "./SafeText.ts"
export * as WebhookWire from "./WebhookWire.ts"
export * as Wire from "./Wire.ts"
