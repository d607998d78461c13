import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { TestClock } from "effect/testing"
import {
  ApiKeyAlreadyExists,
  ApiKeyNotFound,
  type ApiKeyRecord,
  ApiKeyScope,
  ApiKeyStoreError,
  ApiKeys,
  type ApiKeysShape
} from "../src/ApiKeys.ts"

const customer = {
  apiKey: "NCSAYU7YDBXYORXC",
  secret: "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
  scopes: ["senderid:read", "senderid:write"] as const,
  accountId: "ACCOUNT-A"
}
const operator = {
  apiKey: "NCSOPERATOR00001",
  secret: "OPERATORSECRET000000000000000000",
  scopes: ["operator:read", "operator:write"] as const,
  operatorId: "OPERATOR-1"
}

describe("ApiKeyScope", () => {
  it("accepts the five scopes and nothing else", () => {
    const is = Schema.is(ApiKeyScope)
    for (const scope of [
      "senderid:read",
      "senderid:write",
      "operator:read",
      "operator:write",
      "sender:eligibility"
    ]) {
      assert.isTrue(is(scope), scope)
    }
    assert.isFalse(is("senderid:admin"))
  })
})

describe("ApiKeys.layerMemory", () => {
  it.effect("issues a key and finds it with its secret, scopes and owner", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeys
      yield* TestClock.adjust("1 second")
      const issued = yield* keys.issue(customer)
      const expected: ApiKeyRecord = {
        apiKey: customer.apiKey,
        secret: customer.secret,
        scopes: ["senderid:read", "senderid:write"],
        accountId: "ACCOUNT-A",
        operatorId: null,
        serviceId: null,
        dateCreated: 1000,
        revokedAt: null
      }
      assert.deepStrictEqual(issued, expected)
      assert.deepStrictEqual(yield* keys.find(customer.apiKey), Option.some(expected))
      assert.isTrue(Option.isNone(yield* keys.find("NCSUNKNOWN000000")))

      const op = yield* keys.issue(operator)
      assert.strictEqual(op.accountId, null)
      assert.strictEqual(op.operatorId, "OPERATOR-1")
      assert.strictEqual(op.serviceId, null)

      // A service key belongs to neither an account nor an operator.
      const service = yield* keys.issue({
        apiKey: "NCSSERVICE000001",
        secret: "SERVICESECRET0000000000000000000",
        scopes: ["sender:eligibility"],
        serviceId: "message-sender"
      })
      assert.deepStrictEqual(
        [service.accountId, service.operatorId, service.serviceId],
        [null, null, "message-sender"]
      )
    }).pipe(Effect.provide(ApiKeys.layerMemory))
  )

  it.effect("refuses to issue a key twice, even after revocation", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeys
      yield* keys.issue(customer)
      const again = yield* Effect.flip(keys.issue({ ...customer, secret: "OTHER" }))
      assert.instanceOf(again, ApiKeyAlreadyExists)
      assert.strictEqual(again.apiKey, customer.apiKey)
      assert.notInclude(JSON.stringify(again), customer.secret)
      yield* keys.revoke(customer.apiKey)
      assert.instanceOf(yield* Effect.flip(keys.issue(customer)), ApiKeyAlreadyExists)
      const found = yield* keys.find(customer.apiKey)
      assert.strictEqual(Option.getOrThrow(found).secret, customer.secret)
    }).pipe(Effect.provide(ApiKeys.layerMemory))
  )

  it.effect("revokes: the key is still found with revokedAt, and a second revoke keeps the first date", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeys
      yield* keys.issue(customer)
      yield* TestClock.adjust("5 seconds")
      yield* keys.revoke(customer.apiKey)
      yield* TestClock.adjust("5 seconds")
      yield* keys.revoke(customer.apiKey)
      const found = Option.getOrThrow(yield* keys.find(customer.apiKey))
      assert.strictEqual(found.revokedAt, 5000)
      const missing = yield* Effect.flip(keys.revoke("NCSUNKNOWN000000"))
      assert.instanceOf(missing, ApiKeyNotFound)
      assert.strictEqual(missing.apiKey, "NCSUNKNOWN000000")
    }).pipe(Effect.provide(ApiKeys.layerMemory))
  )

  it.effect("lists keys oldest first, per account, without secrets", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeys
      yield* keys.issue(customer)
      yield* TestClock.adjust("1 second")
      yield* keys.issue(operator)
      yield* TestClock.adjust("1 second")
      yield* keys.issue({
        apiKey: "NCSACCOUNTB00001",
        secret: "B",
        scopes: ["senderid:read"],
        accountId: "B"
      })

      const all = yield* keys.list()
      assert.deepStrictEqual(
        all.map((k) => k.apiKey),
        [customer.apiKey, operator.apiKey, "NCSACCOUNTB00001"]
      )
      for (const summary of all) assert.notProperty(summary, "secret")
      assert.notInclude(JSON.stringify(all), customer.secret)

      const ofA = yield* keys.list({ accountId: "ACCOUNT-A" })
      assert.deepStrictEqual(ofA, [
        {
          apiKey: customer.apiKey,
          scopes: ["senderid:read", "senderid:write"],
          accountId: "ACCOUNT-A",
          operatorId: null,
          serviceId: null,
          dateCreated: 0,
          revokedAt: null
        }
      ])
      assert.deepStrictEqual(yield* keys.list({ accountId: "NOBODY" }), [])
    }).pipe(Effect.provide(ApiKeys.layerMemory))
  )

  it.effect("hands out copies: mutating a returned record does not change the store", () =>
    Effect.gen(function* () {
      const keys = yield* ApiKeys
      const issued = yield* keys.issue(customer)
      ;(issued.scopes as Array<ApiKeyScope>).push("operator:write")
      const found = Option.getOrThrow(yield* keys.find(customer.apiKey))
      assert.deepStrictEqual(found.scopes, ["senderid:read", "senderid:write"])
    }).pipe(Effect.provide(ApiKeys.layerMemory))
  )
})

describe("ApiKeys.layerCached", () => {
  /** A store that counts how often `find` reaches it and can be told to fail. */
  const counting = Effect.gen(function* () {
    const state = { finds: 0, failNext: false }
    const inner = yield* Effect.provide(ApiKeys.use(Effect.succeed), ApiKeys.layerMemory)
    const store = ApiKeys.of({
      ...inner,
      find: (apiKey) =>
        Effect.suspend(() => {
          state.finds++
          if (state.failNext) {
            state.failNext = false
            return Effect.fail(new ApiKeyStoreError({ cause: new Error("down") }))
          }
          return inner.find(apiKey)
        })
    })
    return { state, store }
  })

  const withCache = <A, E>(
    use: (keys: ApiKeysShape, state: { finds: number; failNext: boolean }) => Effect.Effect<A, E>
  ) =>
    Effect.gen(function* () {
      const { state, store } = yield* counting
      const keys = yield* Effect.provide(
        ApiKeys.use(Effect.succeed),
        ApiKeys.layerCached({ ttl: "5 seconds" }).pipe(Layer.provide(Layer.succeed(ApiKeys, store)))
      )
      return yield* use(keys, state)
    })

  it.effect("reads a key from the store once per ttl", () =>
    withCache((keys, state) =>
      Effect.gen(function* () {
        yield* keys.issue(customer)
        for (let i = 0; i < 3; i++) assert.isTrue(Option.isSome(yield* keys.find(customer.apiKey)))
        assert.strictEqual(state.finds, 1)
        yield* TestClock.adjust("6 seconds")
        yield* keys.find(customer.apiKey)
        assert.strictEqual(state.finds, 2)
      })
    )
  )

  it.effect("forgets a key revoked through it at once", () =>
    withCache((keys) =>
      Effect.gen(function* () {
        yield* keys.issue(customer)
        assert.isNull(Option.getOrThrow(yield* keys.find(customer.apiKey)).revokedAt)
        yield* keys.revoke(customer.apiKey)
        assert.isNotNull(Option.getOrThrow(yield* keys.find(customer.apiKey)).revokedAt)
      })
    )
  )

  it.effect("never keeps a store failure", () =>
    withCache((keys, state) =>
      Effect.gen(function* () {
        yield* keys.issue(customer)
        state.failNext = true
        const failed = yield* Effect.flip(keys.find(customer.apiKey))
        assert.strictEqual(failed._tag, "ApiKeyStoreError")
        assert.isTrue(Option.isSome(yield* keys.find(customer.apiKey)))
        assert.strictEqual(state.finds, 2)
      })
    )
  )
})
