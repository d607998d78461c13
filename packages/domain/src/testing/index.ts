/**
 * `@senderid/domain/testing`: what adapters and apps need to test against the domain — the
 * repository conformance suite, fixtures, the whole registry wired to in-memory ports, and a seeded
 * stand-in for the CSPRNG where a test needs the same identifiers and PINs every run.
 */
import { Effect, Layer, Random } from "effect"
import { SecureRandom } from "effect/crypto"
import { DocumentBlobStore } from "../DocumentBlobStore.ts"
import * as EventPublisher from "../EventPublisher.ts"
import { PinHasher } from "../PinHasher.ts"
import * as Registry from "../Registry.ts"
import { SenderIdRepository } from "../SenderIdRepository.ts"
import * as VoiceCallProvider from "../VoiceCallProvider.ts"

export * as Fixture from "./fixtures.ts"
export { type ConformanceOptions, repositoryConformance } from "./repositoryConformance.ts"
export { webhookStoreConformance } from "./webhookStoreConformance.ts"

/**
 * A reproducible `SecureRandom` for tests: the same seed gives the same bytes, so the same
 * identifiers and PINs, whatever Effect's `Random` is. Its bytes come from Effect's seeded
 * generator, held privately here, never from the fiber's `Random`. Never in an app: it is predictable.
 */
export const layerSeededRandom = (seed: string): Layer.Layer<SecureRandom.SecureRandom> =>
  Layer.effect(
    SecureRandom.SecureRandom,
    Effect.gen(function* () {
      const generator = yield* Random.Random
      return SecureRandom.make((size) =>
        Uint8Array.from({ length: size }, () => generator.nextIntUnsafe() & 0xff)
      )
    }).pipe(Random.withSeed(seed))
  )

/** What a registry in one process's memory draws secrets with: WebCrypto's CSPRNG, as the apps
 * use, and a PIN key drawn for the layer's life (`PinHasher.layerMemory`). */
export const layerMemorySecrets: Layer.Layer<PinHasher | SecureRandom.SecureRandom> =
  PinHasher.layerMemory.pipe(Layer.provideMerge(SecureRandom.layerWebCrypto))

/** Every port but the repository in memory: blobs, the development ARS provider, events, secrets. */
export const layerMemoryAuxiliaryPorts = Layer.mergeAll(
  DocumentBlobStore.layerMemory,
  VoiceCallProvider.layerDevelopment,
  EventPublisher.layerMemory,
  layerMemorySecrets
)

/** Every port in memory. */
export const layerMemoryPorts = Layer.merge(SenderIdRepository.layerMemory, layerMemoryAuxiliaryPorts)

/** The whole registry (every use case) on the given repository, the other ports in memory; the
 * ports stay accessible too. Storage adapters use it to run use cases against real engines. */
export const registryOn = <E, R>(repository: Layer.Layer<SenderIdRepository, E, R>) =>
  Registry.layer.pipe(Layer.provideMerge(Layer.merge(repository, layerMemoryAuxiliaryPorts)))

/** The whole registry over in-memory ports. */
export const layerMemoryRegistry = registryOn(SenderIdRepository.layerMemory)
