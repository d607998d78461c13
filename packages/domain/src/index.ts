/**
 * `@senderid/domain`: the sender-number registry's pure core. Number rules, identifiers, the
 * sender-ID and account aggregates, documents, typed errors, ports and use cases — no I/O, so it
 * runs in Node, browsers and Workers alike. Model modules are namespaces (`SenderId.SenderId`,
 * `PhoneNumber.validate`); services and errors are exported by name.
 */
export * as Account from "./Account.ts"
export { Accounts } from "./Accounts.ts"
export * from "./ApiKeys.ts"
export * as ArsChallenge from "./ArsChallenge.ts"
export * as AuditEntry from "./AuditEntry.ts"
export * as Document from "./Document.ts"
export * from "./DocumentBlobStore.ts"
export * as DocumentFile from "./DocumentFile.ts"
export { FileSizeTooLarge, InvalidFileEncoding, InvalidFileType } from "./DocumentFile.ts"
export { Documents } from "./Documents.ts"
export * as Eligibility from "./Eligibility.ts"
export * from "./EventPublisher.ts"
export { EventRelay } from "./EventRelay.ts"
export { Expiry, type SweepReport } from "./Expiry.ts"
export * from "./IdempotencyKeys.ts"
export * as Identifier from "./Identifier.ts"
export * as PhoneNumber from "./PhoneNumber.ts"
export { InvalidPhoneNumber } from "./PhoneNumber.ts"
export * from "./PinHasher.ts"
export * as PublicHost from "./PublicHost.ts"
export * as RandomText from "./RandomText.ts"
export * as Registry from "./Registry.ts"
export * as RegistryEvent from "./RegistryEvent.ts"
export * from "./RegistryPolicy.ts"
export { type ExpiryWindow, RegistryStats, type RegistryStatsReport } from "./RegistryStats.ts"
export * as Review from "./Review.ts"
export { Reviews } from "./Reviews.ts"
export * as SenderId from "./SenderId.ts"
export * from "./SenderIdError.ts"
export * from "./SenderIdRepository.ts"
export * from "./SenderIds.ts"
export * as Suspension from "./Suspension.ts"
export * from "./UsedSignatures.ts"
export * from "./VoiceCallProvider.ts"
export * as Webhook from "./Webhook.ts"
export * from "./WebhookStore.ts"
export {
  type DeliveryReport,
  publisherOf as webhookPublisherOf,
  WebhookPolicy,
  type WebhookPolicyShape,
  Webhooks
} from "./Webhooks.ts"
export * from "./WebhookTransport.ts"
