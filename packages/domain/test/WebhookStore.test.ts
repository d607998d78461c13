import { webhookStoreConformance } from "../src/testing/index.ts"
import { WebhookStore } from "../src/WebhookStore.ts"

webhookStoreConformance("memory", WebhookStore.layerMemory)
