/**
 * `@senderid/domain/testing`: what adapters and apps need to test against the domain — the
 * repository conformance suite, fixtures, and the whole registry wired to in-memory ports.
 */
import { Layer } from "effect"
import { DocumentBlobStore } from "../DocumentBlobStore.ts"
import * as EventPublisher from "../EventPublisher.ts"
import * as Registry from "../Registry.ts"
import { SenderIdRepository } from "../SenderIdRepository.ts"
import * as VoiceCallProvider from "../VoiceCallProvider.ts"

export * as Fixture from "./fixtures.ts"
export { type ConformanceOptions, repositoryConformance } from "./repositoryConformance.ts"

/** Every port in memory, with the development ARS provider and an in-memory event publisher. */
export const layerMemoryPorts = Layer.mergeAll(
  SenderIdRepository.layerMemory,
  DocumentBlobStore.layerMemory,
  VoiceCallProvider.layerDevelopment,
  EventPublisher.layerMemory
)

/** The whole registry (every use case) over in-memory ports; the ports stay accessible too. */
export const layerMemoryRegistry = Registry.layer.pipe(Layer.provideMerge(layerMemoryPorts))
