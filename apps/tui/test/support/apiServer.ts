/**
 * The real API as `pnpm start` runs it — `apps/api/start.js` (its bundle, rebuilt first if stale), a
 * SQLite file in a fresh folder, a real port — for the end-to-end test, with the demo account and
 * the keys its first start prints.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const START = join(import.meta.dirname, "..", "..", "..", "api", "start.js")

export interface ApiServer {
  readonly origin: string
  readonly operator: { readonly apiKey: string; readonly apiSecret: string }
  readonly customer: { readonly apiKey: string; readonly apiSecret: string }
  readonly stop: () => Promise<void>
}

export const startApiServer = async (extraEnv: Readonly<Record<string, string>> = {}): Promise<ApiServer> => {
  const dataDirectory = mkdtempSync(join(tmpdir(), "senderid-tui-e2e-"))
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    SENDERID_DATA_DIR: dataDirectory,
    ...extraEnv
  }
  delete env.DATABASE_URL
  delete env.REDIS_URL
  const child: ChildProcess = spawn(process.execPath, [START, "node"], {
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()))
  const key = (role: string) => {
    const match = new RegExp(`${role} key\\s+(\\S+)\\s+secret\\s+(\\S+)`, "u").exec(output)
    return { apiKey: match?.[1] ?? "", apiSecret: match?.[2] ?? "" }
  }
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
      // Complete lines only: a chunk may end mid-line.
      for (const line of output.split("\n").slice(0, -1))
        if (line.includes('"senderid listening"')) resolve((JSON.parse(line) as { origin: string }).origin)
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8")
    })
    void exited.then(() => reject(new Error(`the API exited before listening:\n${output}`)))
  })
  return {
    origin,
    operator: key("operator"),
    customer: key("customer"),
    stop: async () => {
      child.kill("SIGTERM")
      await exited
    }
  }
}
