import { repositoryConformance } from "@senderid/domain/testing"
import * as Postgres from "../src/postgres.ts"
import { freshDatabase } from "./support/postgres.ts"

repositoryConformance("PostgreSQL", Postgres.layer({ url: freshDatabase("conformance"), maxConnections: 20 }))
