/**
 * `pnpm keys`: the operator's command for API keys, on the same database the server uses (same
 * environment variables). Secrets are printed once, at creation, and stored encrypted when
 * `SENDERID_MASTER_KEY` is set.
 *
 *   pnpm keys create --account ACME [--read-only]   a customer key (opens the account if new)
 *   pnpm keys create --operator alice [--read-only]  an operator key (read-only: operator:read)
 *   pnpm keys create --service message-sender        a service key (sender:eligibility): asks
 *                                                    whether any account may send from a number
 *   pnpm keys list [--account ACME]                  keys without their secrets
 *   pnpm keys revoke NCS…                            refuse the key from now on
 */
import { parseArgs } from "node:util"
import { Accounts, type ApiKeyScope, type ApiKeySummary, ApiKeys, AuditEntry } from "@senderid/domain"
import { Credentials } from "@senderid/server"
import { Cause, Effect, ManagedRuntime } from "effect"
import { fromEnvironment } from "./NodeConfig.ts"
import * as NodeServices from "./NodeServices.ts"

const usage = `usage:
  pnpm keys create --account <accountId> [--read-only]
  pnpm keys create --operator <operatorId> [--read-only]
  pnpm keys create --service <serviceId>
  pnpm keys list [--account <accountId>]
  pnpm keys revoke <apiKey>`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    account: { type: "string" },
    operator: { type: "string" },
    service: { type: "string" },
    "read-only": { type: "boolean", default: false },
    help: { type: "boolean", default: false }
  }
})

const [command, argument] = positionals

/** Whose a listed key is: an account's, `operator:<id>` or `service:<id>`. */
const ownerOf = (key: ApiKeySummary) =>
  key.accountId ?? (key.serviceId === null ? `operator:${key.operatorId}` : `service:${key.serviceId}`)
const operatorActor = AuditEntry.operatorActor(process.env.USER ?? "operator")

const program = Effect.gen(function* () {
  const keys = yield* ApiKeys
  switch (command) {
    case "create": {
      const owners = [values.account, values.operator, values.service].filter((o) => o !== undefined)
      if (owners.length !== 1) return usage
      const credentials = yield* Credentials.generateCredentials()
      if (values.service !== undefined) {
        // A service key has one scope and no read-only variant: it can only ask about eligibility.
        if (values["read-only"]) return usage
        const serviceId = values.service
        const scopes: ReadonlyArray<ApiKeyScope> = ["sender:eligibility"]
        yield* keys.issue({ ...credentials, scopes, serviceId })
        return `service ${serviceId}\napiKey  ${credentials.apiKey}\nsecret  ${credentials.secret}\nscopes  ${scopes.join(" ")}`
      }
      if (values.account !== undefined) {
        const accountId = values.account
        yield* Accounts.use((a) => a.ensure(operatorActor, accountId))
        const scopes: ReadonlyArray<ApiKeyScope> = values["read-only"]
          ? ["senderid:read"]
          : ["senderid:read", "senderid:write"]
        yield* keys.issue({ ...credentials, scopes, accountId })
        return `account ${accountId}\napiKey  ${credentials.apiKey}\nsecret  ${credentials.secret}\nscopes  ${scopes.join(" ")}`
      }
      const operatorId = values.operator ?? ""
      const scopes: ReadonlyArray<ApiKeyScope> = values["read-only"]
        ? ["operator:read"]
        : ["operator:read", "operator:write"]
      yield* keys.issue({ ...credentials, scopes, operatorId })
      return `operator ${operatorId}\napiKey   ${credentials.apiKey}\nsecret   ${credentials.secret}\nscopes   ${scopes.join(" ")}`
    }
    case "list": {
      const listed = yield* keys.list({ accountId: values.account })
      return listed
        .map(
          (k) =>
            `${k.apiKey}  ${ownerOf(k).padEnd(20)}  ${k.scopes.join(",").padEnd(30)}  ${new Date(k.dateCreated).toISOString()}${k.revokedAt === null ? "" : "  REVOKED"}`
        )
        .join("\n")
    }
    case "revoke": {
      if (argument === undefined) return usage
      yield* keys.revoke(argument)
      return `revoked ${argument}`
    }
    default:
      return usage
  }
})

if (values.help || command === undefined) {
  process.stdout.write(`${usage}\n`)
} else {
  const runtime = ManagedRuntime.make(NodeServices.layer(fromEnvironment(process.env)))
  const exit = await runtime.runPromiseExit(program)
  await runtime.dispose()
  if (exit._tag === "Success") {
    process.stdout.write(`${exit.value}\n`)
    process.exit(exit.value === usage ? 2 : 0)
  }
  const { _tag, message, ...fields } = Cause.squash(exit.cause) as { _tag?: string; message?: string }
  process.stderr.write(`senderid keys: ${_tag ?? "failed"} ${JSON.stringify(fields)}\n`)
  process.exit(1)
}
