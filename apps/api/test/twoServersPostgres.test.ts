/**
 * Two `pnpm start` processes on one PostgreSQL database (and, in the second case, one Redis for
 * used signatures), as two instances behind a load balancer run: requests split across both, and
 * every invariant that one process could keep in memory must hold across them. The account limit,
 * the one-time signature and one holder per number are each raced or crossed between the servers.
 */
import { execFileSync } from "node:child_process"
import { Signature } from "@senderid/server"
import { Effect } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import { firstStartKeys, type RunningServer, startServer } from "./support/server.ts"

interface Key {
  readonly apiKey: string
  readonly secret: string
}

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
const psql = (sql: string) => execFileSync("psql", [ADMIN_URL, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])

const signed = (key: Key) => Effect.runPromise(Signature.sign({ apiKey: key.apiKey, apiSecret: key.secret }))

const send = async (
  server: RunningServer,
  method: string,
  path: string,
  body: unknown,
  authorization: string
) =>
  fetch(`${server.origin}${path}`, {
    method,
    headers: { authorization, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })

/** The answer's outcome: "OK" for a 200, else its SOLAPI error code. */
const outcomeOf = async (response: Response) =>
  response.status === 200 ? "OK" : ((await response.json()) as { errorCode: string }).errorCode

const count = (outcomes: ReadonlyArray<string>) => {
  const counts: Record<string, number> = {}
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1
  return counts
}

const twoServers = (label: string, extraEnv: Record<string, string>) =>
  describe(`two servers on one PostgreSQL database${label}`, () => {
    const name = `senderid_two_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const url = new URL(ADMIN_URL)
    url.pathname = `/${name}`
    // Rate limits are per process and beside the point here: 200 requests come from one key.
    const env = { DATABASE_URL: url.toString(), SENDERID_RATE_LIMIT: "0", ...extraEnv }
    let servers: ReadonlyArray<RunningServer> = []
    let operator: Key

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop("SIGKILL")))
      psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    })

    /** As an operator, through the given server. */
    const operate = async (server: RunningServer, method: string, path: string, body?: unknown) => {
      const response = await send(server, method, path, body, await signed(operator))
      assert.strictEqual(response.status, 200, await response.clone().text())
      return response.json() as Promise<Record<string, unknown>>
    }

    /** A new account with its own customer key, opened through the first server. */
    const openAccount = async (accountId: string, limit: number): Promise<Key> => {
      const [first] = servers
      if (first === undefined) throw new Error("no server")
      await operate(first, "POST", "/operator/v1/accounts", { accountId, limit })
      const issued = await operate(first, "POST", `/operator/v1/accounts/${accountId}/keys`, {})
      return { apiKey: String(issued.apiKey), secret: String(issued.apiSecret) }
    }

    it("start on the same database, the second without a first start of its own", async () => {
      psql(`CREATE DATABASE ${name}`)
      // One after the other: the first start creates the demo account and keys once.
      const first = await startServer({ env })
      const second = await startServer({ env })
      servers = [first, second]
      operator = firstStartKeys(first.lines).operator
      assert.isTrue(first.lines.some((l) => l.includes("first start")))
      assert.isFalse(second.lines.some((l) => l.includes("first start")))
    })

    it("admit exactly 2 of 200 concurrent registrations split across both into an account with limit 2", async () => {
      const key = await openAccount("RACE", 2)
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const server = servers[i % 2] as RunningServer
          const phoneNumber = `0102${String(1_000_000 + i).padStart(7, "0")}`
          return outcomeOf(
            await send(server, "POST", "/senderid/v1/numbers", { phoneNumber }, await signed(key))
          )
        })
      )
      assert.deepStrictEqual(count(outcomes), { OK: 2, LimitExceeded: 198 })
      for (const server of servers) {
        const book = (await (
          await send(server, "GET", "/senderid/v1/numbers", undefined, await signed(key))
        ).json()) as { senderIds: ReadonlyArray<unknown> }
        assert.strictEqual(book.senderIds.length, 2)
      }
    })

    it("accept one of 100 concurrent replays of one signed request split across both", async () => {
      const key = await openAccount("REPLAY", 5)
      const authorization = await signed(key)
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, async (_, i) =>
          outcomeOf(
            await send(
              servers[i % 2] as RunningServer,
              "POST",
              "/senderid/v1/numbers",
              { phoneNumber: "010-2468-1357" },
              authorization
            )
          )
        )
      )
      assert.deepStrictEqual(count(outcomes), { OK: 1, DuplicatedSignature: 99 })
    })

    it("register as DUPLICATED through one server a number another account holds through the other", async () => {
      const holder = await openAccount("HOLDER", 5)
      const claimant = await openAccount("CLAIMANT", 5)
      const [first, second] = servers as [RunningServer, RunningServer]
      const phoneNumber = "0313456789"
      // An operator's special number is ACTIVE at once: held by HOLDER, registered through the first.
      await operate(first, "POST", "/operator/v1/accounts/HOLDER/numbers", { phoneNumber })
      const held = (await (
        await send(second, "GET", `/senderid/v1/numbers/${phoneNumber}`, undefined, await signed(holder))
      ).json()) as { status: string }
      assert.strictEqual(held.status, "ACTIVE")
      const response = await send(
        second,
        "POST",
        "/senderid/v1/numbers",
        { phoneNumber },
        await signed(claimant)
      )
      assert.strictEqual(response.status, 200)
      const book = (await response.json()) as {
        senderIds: ReadonlyArray<{ phoneNumber: string; status: string }>
      }
      assert.deepStrictEqual(
        book.senderIds.map((s) => [s.phoneNumber, s.status]),
        [[phoneNumber, "DUPLICATED"]]
      )
    })
  })

twoServers("", {})
twoServers(" with Redis for used signatures", { REDIS_URL: "redis://127.0.0.1:6379" })
