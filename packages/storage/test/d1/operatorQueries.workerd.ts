/**
 * The operator reads against the memory adapter, on D1 inside workerd (see
 * `support/operatorQueryParity.ts`): the same order, search and paging as the port's reference,
 * and a refused batch leaves the review queue as it was.
 */

import { env } from "cloudflare:workers"
import * as D1 from "../../src/d1.ts"
import { operatorQueryParity } from "../support/operatorQueryParity.ts"

operatorQueryParity("D1", D1.layer(env.DB))
