/**
 * Shared set-up for the use-case tests: a fresh in-memory registry per test, the clock at a fixed
 * instant, and short-hands for the flows most tests walk through (ARS, evidence, uploads).
 */
import { Effect, Option } from "effect"
import { Base64 } from "effect/encoding"
import { TestClock } from "effect/testing"
import { Accounts } from "../src/Accounts.ts"
import { systemActor } from "../src/AuditEntry.ts"
import type { DocumentCategory } from "../src/Document.ts"
import { Documents } from "../src/Documents.ts"
import { SenderIds } from "../src/SenderIds.ts"
import { layerMemoryRegistry } from "../src/testing/index.ts"
import { DevelopmentCalls } from "../src/VoiceCallProvider.ts"

/** 2027-01-15T08:00:00Z. */
export const NOW = Date.UTC(2027, 0, 15, 8, 0, 0)
export const DAY = 24 * 60 * 60 * 1000

export const PDF = new Uint8Array([
  0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x25, 0x25, 0x45, 0x4f, 0x46
])

export const inRegistry = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(NOW)
    return yield* effect
  }).pipe(Effect.provide(layerMemoryRegistry))

export const openAccount = (accountId: string, limit = 5) =>
  Accounts.use((accounts) => accounts.open(systemActor, accountId, { limit }))

export const register = (accountId: string, phoneNumber: string, documents?: ReadonlyArray<string>) =>
  SenderIds.use((s) => s.register(accountId, { phoneNumber, documents }))

export const senderIdOf = (accountId: string, phoneNumber: string) =>
  SenderIds.use((s) => s.get(accountId, phoneNumber))

/** Starts an ARS challenge and returns its transaction id with the PIN the callee heard. */
export const callNumber = (accountId: string, phoneNumber: string) =>
  Effect.gen(function* () {
    const placed = yield* SenderIds.use((s) => s.startArs(accountId, phoneNumber))
    const pin = yield* DevelopmentCalls.use((calls) => calls.lastPin(placed.phoneNumber))
    return { transactionId: placed.transactionId, pin: Option.getOrThrow(pin) }
  })

export const verifyByArs = (accountId: string, phoneNumber: string) =>
  Effect.gen(function* () {
    const { transactionId, pin } = yield* callNumber(accountId, phoneNumber)
    return yield* SenderIds.use((s) => s.completeArs(accountId, phoneNumber, { transactionId, token: pin }))
  })

export const upload = (accountId: string, category: DocumentCategory = "SENDERID_APPROVAL") =>
  Documents.use((d) => d.upload(accountId, { file: Base64.encode(PDF), category, name: "evidence.pdf" }))

export const tagOf = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "success" }))
