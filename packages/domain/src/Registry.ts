/**
 * All the registry's use-case services as one layer over the ports they need. Composition roots
 * (apps, tests) provide the ports — storage, blobs, telephony, events — with the CSPRNG
 * (`SecureRandom` from `effect/crypto`, WebCrypto's in the apps) and the key ARS PINs are hashed
 * under (`PinHasher`), and get every use case. A root that leaves one out does not compile.
 */
import { Layer } from "effect"
import { Accounts } from "./Accounts.ts"
import { Documents } from "./Documents.ts"
import { EventRelay } from "./EventRelay.ts"
import { Expiry } from "./Expiry.ts"
import { RegistryStats } from "./RegistryStats.ts"
import { Reviews } from "./Reviews.ts"
import { SenderIds } from "./SenderIds.ts"

export const layer = Layer.mergeAll(
  SenderIds.layer,
  Documents.layer,
  Reviews.layer,
  Accounts.layer,
  Expiry.layer,
  RegistryStats.layer,
  EventRelay.layer
)
