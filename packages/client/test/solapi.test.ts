/**
 * Pointed at SOLAPI, the SOLAPI-compatible methods work: the request is what SOLAPI documents
 * (path, method, `HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…` over date + salt),
 * and SOLAPI's own sample answer (from its senderid v1 docs, without our additions) decodes.
 */
import { createHmac } from "node:crypto"
import type { IncomingMessage } from "node:http"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { SenderIdClient } from "../src/index.ts"
import { json, scriptedServer } from "./support/server.ts"

/** SOLAPI's documented answer to `POST /senderid/v1/numbers` (2018 sample, verbatim). */
const SOLAPI_BOOK = {
  accountId: "12925149",
  dateCreated: "2018-11-20T05:25:27.757Z",
  dateUpdated: "2018-11-20T05:25:27.757Z",
  limit: 2,
  limitationDocuments: [],
  senderIds: [
    {
      unlockDuplicate: {
        duplicateId: null,
        reason: null,
        reasonForRequested: null,
        name: null,
        status: null,
        dateCreated: null,
        dateUpdated: null
      },
      status: "PENDING",
      expireAt: null,
      method: null,
      dateCreated: "2018-11-20T05:25:27.285Z",
      dateUpdated: "2018-11-20T05:25:27.285Z",
      log: [{ createAt: "2018-11-20T05:25:27.755Z", message: "발신번호를 생성하였습니다." }],
      approvalDocuments: [],
      phoneNumber: "01000000000",
      handleKey: "SED20181120142527G9MUYZKJXEV6ADY"
    }
  ]
}

const SECRET = "SOLAPISECRETSOLAPISECRETSOLAPI00"

describe("against a SOLAPI-shaped server", () => {
  it.live("sends SOLAPI's request and decodes SOLAPI's sample answer", () =>
    Effect.gen(function* () {
      const seen: Array<{
        readonly method: string | undefined
        readonly url: string | undefined
        readonly authorization: string | undefined
      }> = []
      const server = yield* Effect.promise(() =>
        scriptedServer((_, request: IncomingMessage, response) => {
          seen.push({
            method: request.method,
            url: request.url,
            authorization: request.headers.authorization
          })
          json(response, 200, SOLAPI_BOOK)
        })
      )
      const book = yield* SenderIdClient.use((c) =>
        c.registerNumber({ body: { phoneNumber: "01000000000" } })
      ).pipe(
        Effect.provide(
          SenderIdClient.layerFetch({ baseUrl: server.origin, apiKey: "NCSAYU7YDBXYORXC", apiSecret: SECRET })
        ),
        Effect.ensuring(Effect.promise(() => server.close()))
      )
      assert.strictEqual(book.accountId, "12925149")
      assert.strictEqual(book.senderIds[0]?.handleKey, "SED20181120142527G9MUYZKJXEV6ADY")
      assert.isUndefined(book.senderIds[0]?.necessaryMeasures)

      const [request] = seen
      assert.strictEqual(request?.method, "POST")
      assert.strictEqual(request?.url, "/senderid/v1/numbers")
      const parts = /^HMAC-SHA256 apiKey=(\w+), date=(\S+), salt=(\w+), signature=([0-9a-f]{64})$/u.exec(
        request?.authorization ?? ""
      )
      assert.isNotNull(parts)
      const [, apiKey, date, salt, signature] = parts ?? []
      assert.strictEqual(apiKey, "NCSAYU7YDBXYORXC")
      assert.strictEqual(salt?.length, 32)
      assert.strictEqual(signature, createHmac("sha256", SECRET).update(`${date}${salt}`).digest("hex"))
    })
  )
})
