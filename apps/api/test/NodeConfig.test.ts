/**
 * The private-host policy's default: `allow` only for a server that nothing but this machine
 * reaches — listening on loopback, with no public origin in front of it — and whatever the
 * operator sets explicitly otherwise.
 */
import { assert, describe, it } from "vitest"
import { fromEnvironment } from "../src/NodeConfig.ts"

describe("SENDERID_WEBHOOK_PRIVATE_HOSTS by default", () => {
  const cases: ReadonlyArray<readonly [Record<string, string>, boolean]> = [
    [{}, true],
    [{ HOST: "localhost" }, true],
    [{ HOST: "::1", SENDERID_PUBLIC_URL: "http://[::1]:3000" }, true],
    [{ HOST: "127.0.0.1", SENDERID_PUBLIC_URL: "http://localhost:3000" }, true],
    [{ HOST: "0.0.0.0" }, false],
    [{ HOST: "192.168.1.5" }, false],
    // Behind a proxy: the listener is loopback, but the world reaches it.
    [{ HOST: "127.0.0.1", SENDERID_PUBLIC_URL: "https://api.example.com" }, false],
    [{ SENDERID_PUBLIC_URL: "http://192.168.1.5:3000" }, false],
    [{ SENDERID_PUBLIC_URL: "not a url" }, false],
    // Set explicitly, it decides.
    [
      {
        HOST: "127.0.0.1",
        SENDERID_PUBLIC_URL: "https://api.example.com",
        SENDERID_WEBHOOK_PRIVATE_HOSTS: "allow"
      },
      true
    ],
    [{ HOST: "0.0.0.0", SENDERID_WEBHOOK_PRIVATE_HOSTS: "allow" }, true],
    [{ HOST: "127.0.0.1", SENDERID_WEBHOOK_PRIVATE_HOSTS: "deny" }, false]
  ]
  for (const [env, allowed] of cases) {
    it(`${JSON.stringify(env)} → ${allowed ? "allow" : "deny"}`, () => {
      assert.strictEqual(
        fromEnvironment({ SENDERID_DATA_DIR: "/tmp/unused", ...env }).webhookPrivateHosts,
        allowed
      )
    })
  }
})
