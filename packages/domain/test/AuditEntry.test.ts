import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { RequestContext } from "../src/AuditEntry.ts"
import { Reviews } from "../src/Reviews.ts"
import { SenderIdRepository } from "../src/SenderIdRepository.ts"
import { inRegistry, openAccount, register, senderIdOf, upload } from "./registryHarness.ts"

const MOBILE = "01023456789"

describe("audit entries", () => {
  it.effect("record the request and the key a change came through, and the operator's", () =>
    inRegistry(
      Effect.gen(function* () {
        yield* openAccount("A")
        yield* register("A", MOBILE).pipe(
          Effect.provideService(RequestContext, { requestId: "req-1", apiKey: "NCSCUSTOMERKEY1" })
        )
        const document = yield* upload("A")
        yield* register("A", "01023456790", [document.documentId])
        const submitted = yield* senderIdOf("A", "01023456790")
        const approvalId = submitted.approvalDocuments[0]?.approvalId ?? ""
        yield* Reviews.use((r) =>
          r.decideEvidence(
            "alice",
            { accountId: "A", phoneNumber: "01023456790", approvalId },
            { approve: true }
          )
        ).pipe(Effect.provideService(RequestContext, { requestId: "req-2", apiKey: "NCSOPERATORKEY1" }))

        const first = (yield* senderIdOf("A", MOBILE)).log[0]
        assert.deepStrictEqual(first?.actor, { type: "ACCOUNT", id: "A", apiKey: "NCSCUSTOMERKEY1" })
        assert.strictEqual(first?.requestId, "req-1")
        const decided = (yield* senderIdOf("A", "01023456790")).log.at(-1)
        assert.deepStrictEqual(decided?.actor, { type: "OPERATOR", id: "alice", apiKey: "NCSOPERATORKEY1" })
        assert.strictEqual(decided?.requestId, "req-2")
        // Outside a request (a script, the sweep) neither is made up.
        const outside = (yield* senderIdOf("A", "01023456790")).log[0]
        assert.deepStrictEqual(outside?.actor, { type: "ACCOUNT", id: "A" })
        assert.isFalse("requestId" in (outside ?? {}))
        const trail = yield* SenderIdRepository.use((r) => r.auditTrail(submitted.handleKey))
        assert.strictEqual(trail.at(-1)?.requestId, "req-2")
      })
    )
  )
})
