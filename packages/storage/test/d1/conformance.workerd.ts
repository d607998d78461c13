/**
 * The repository conformance suite, unchanged, against D1 inside workerd: the same invariants the
 * SQLite and PostgreSQL adapters meet, here enforced by one atomic batch per commit.
 */

import { env } from "cloudflare:workers"
import { repositoryConformance } from "@senderid/domain/testing"
import * as D1 from "../../src/d1.ts"

repositoryConformance("D1", D1.layer(env.DB))
