/**
 * Builders for conformance tests: accounts, sender IDs in any status, documents, challenges and
 * events, with identifiers unique within a run (and very unlikely to meet another run's), so the
 * suite can share one database across its tests.
 */

import { Duration } from "effect"
import type { Account } from "../Account.ts"
import * as AccountModel from "../Account.ts"
import type { ArsChallenge } from "../ArsChallenge.ts"
import { accountActor } from "../AuditEntry.ts"
import type { Document } from "../Document.ts"
import type { RegistryEvent } from "../RegistryEvent.ts"
import type { SenderId, SenderIdStatus } from "../SenderId.ts"
import * as SenderIdModel from "../SenderId.ts"

const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`.toUpperCase()
let counter = Math.floor(Math.random() * 9_000_000)
const next = () => ++counter

export const NOW = 1_800_000_000_000

export const accountId = (): string => `acct-${runId}-${next()}`

/** A valid, run-unique mobile number `0102xxxxxxx`. */
export const phoneNumber = (): string => `0102${String(next() % 10_000_000).padStart(7, "0")}`

const id = (preamble: string) =>
  `${preamble}20270115080000${`${runId}${next()}`.slice(-15).padStart(15, "X")}`

export const account = (options: { readonly accountId?: string; readonly limit?: number } = {}): Account =>
  AccountModel.open(options.accountId ?? accountId(), options.limit ?? 5, {
    now: NOW,
    actor: accountActor("test")
  })

export const senderId = (
  owner: string,
  options: {
    readonly phoneNumber?: string
    readonly status?: SenderIdStatus
    readonly expireAt?: number | null
  } = {}
): SenderId => {
  const registered = SenderIdModel.register({
    handleKey: id("SED"),
    accountId: owner,
    phoneNumber: options.phoneNumber ?? phoneNumber(),
    category: "mobile",
    heldByAnotherAccount: false,
    pendingTtl: Duration.days(12),
    at: { now: NOW, actor: accountActor(owner) }
  })
  const status = options.status ?? "PENDING"
  return {
    ...registered,
    status,
    method: status === "ACTIVE" || status === "INACTIVE" ? "ARS" : null,
    expireAt: options.expireAt === undefined ? registered.expireAt : options.expireAt
  }
}

/** The same sender ID after one more audited change (what a use case would commit). */
export const changed = (self: SenderId, patch: Partial<SenderId>, message = "changed"): SenderId => ({
  ...self,
  ...patch,
  dateUpdated: self.dateUpdated + 1,
  log: [
    ...self.log,
    {
      createAt: self.dateUpdated + 1,
      message,
      actor: accountActor(self.accountId),
      statusBefore: self.status,
      statusAfter: patch.status ?? self.status
    }
  ]
})

export const document = (owner: string, options: Partial<Document> = {}): Document => ({
  documentId: id("DOC"),
  accountId: owner,
  name: "business-registration.pdf",
  originalName: "business-registration.pdf",
  category: "SENDERID_APPROVAL",
  fileType: "pdf",
  mimeType: "application/pdf",
  size: 1234,
  use: false,
  dateCreated: NOW,
  ...options
})

export const challenge = (owner: string, target: SenderId): ArsChallenge => ({
  transactionId: id("ARS"),
  accountId: owner,
  phoneNumber: target.phoneNumber,
  handleKey: target.handleKey,
  // Not a real hash: conformance suites store and read challenges, they never check a PIN.
  pinHash: "0".repeat(64),
  status: "OPEN",
  attempts: 0,
  maxAttempts: 5,
  expireAt: NOW + 300_000,
  dateCreated: NOW,
  dateUpdated: NOW,
  version: 0
})

export const event = (owner: string): RegistryEvent => ({
  eventId: id("EVT"),
  type: "senderid.registered",
  accountId: owner,
  occurredAt: NOW,
  data: { phoneNumber: "01023456789", status: "PENDING", note: null, flag: true, count: 1 }
})
