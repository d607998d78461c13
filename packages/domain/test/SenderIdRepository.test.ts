import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { repositoryConformance } from "../src/testing/index.ts"

repositoryConformance("memory", SenderIdRepository.layerMemory)
