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
export { webhookStoreConformance } from "./webhookStoreConformance.ts"

/** Every port but the repository in memory: blobs, the development ARS provider, events. */
export const layerMemoryAuxiliaryPorts = Layer.mergeAll(
  DocumentBlobStore.layerMemory,
  VoiceCallProvider.layerDevelopment,
  EventPublisher.layerMemory
)

/** Every port in memory. */
export const layerMemoryPorts = Layer.merge(SenderIdRepository.layerMemory, layerMemoryAuxiliaryPorts)

/** The whole registry (every use case) on the given repository, the other ports in memory; the
 * ports stay accessible too. Storage adapters use it to run use cases against real engines. */
export const registryOn = <E, R>(repository: Layer.Layer<SenderIdRepository, E, R>) =>
  Registry.layer.pipe(Layer.provideMerge(Layer.merge(repository, layerMemoryAuxiliaryPorts)))

/** The whole registry over in-memory ports. */
export const layerMemoryRegistry = registryOn(SenderIdRepository.layerMemory)
