/**
 * Where the console connects and as whom: flags first, then the environment, then a config file
 * (`--config`, `SENDERID_OPS_CONFIG`, or `~/.config/senderid/ops.json`). Each setting may come from
 * a different place; what is missing is named in the message, with how to give it. A secret given
 * nowhere is asked for (without echo) when the console can ask: on the command line it would be
 * echoed by pnpm into the scrollback and shown by `ps`.
 */
import { readFile } from "node:fs/promises"
import { homedir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"

export interface Settings {
  readonly url: string
  readonly apiKey: string
  readonly apiSecret: string
  readonly colour: boolean
}

export type SettingsResult =
  | { readonly _tag: "Ready"; readonly settings: Settings }
  | { readonly _tag: "Help"; readonly text: string }
  | { readonly _tag: "Invalid"; readonly message: string }

export const USAGE = `senderid-ops: the senderid operator console

Usage: senderid-ops [--url URL] [--key KEY] [--secret SECRET] [--config FILE]
                    [--no-color]

  --url       the server, e.g. http://127.0.0.1:3000   (env SENDERID_URL)
  --key       an operator API key                      (env SENDERID_API_KEY)
  --secret    its secret                               (env SENDERID_API_SECRET)
              Better left out: the console then asks for it without echo.
              On the command line it is shown by ps and kept in the history.
  --config    a JSON file {"url", "apiKey", "apiSecret"}
              (env SENDERID_OPS_CONFIG; default ~/.config/senderid/ops.json)
  --no-color  no colours (so does NO_COLOR=1)

An operator key is printed by \`pnpm start\` on its first start, or made with
\`pnpm keys create --operator NAME\`. Press ? in the console for its keys.`

interface FileSettings {
  readonly url?: string
  readonly apiKey?: string
  readonly apiSecret?: string
}

const defaultConfigPath = (env: Readonly<Record<string, string | undefined>>) =>
  join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "senderid", "ops.json")

const readConfig = async (
  path: string,
  required: boolean
): Promise<{ readonly file?: FileSettings; readonly problem?: string }> => {
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === "ENOENT") return {}
    return { problem: `Cannot read the config file ${path}: ${(error as Error).message}` }
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return { problem: `The config file ${path} must hold a JSON object.` }
    const pick = (name: string) => {
      const value = (parsed as Record<string, unknown>)[name]
      return typeof value === "string" && value !== "" ? { [name]: value } : {}
    }
    return { file: { ...pick("url"), ...pick("apiKey"), ...pick("apiSecret") } }
  } catch (error) {
    return { problem: `The config file ${path} is not valid JSON: ${(error as Error).message}` }
  }
}

const isHttpUrl = (url: string) => {
  try {
    const parsed = new URL(url)
    return parsed.protocol === "http:" || parsed.protocol === "https:"
  } catch {
    return false
  }
}

export interface SettingsOptions {
  /** Asks the operator for the key's secret when none is given; absent where nobody can answer
   * (no terminal). `undefined` means the operator declined. */
  readonly askSecret?: (apiKey: string) => Promise<string | undefined>
}

export const resolveSettings = async (
  argv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>,
  options: SettingsOptions = {}
): Promise<SettingsResult> => {
  let flags: ReturnType<typeof parse>
  try {
    flags = parse(argv)
  } catch (error) {
    return { _tag: "Invalid", message: `${(error as Error).message}\n\n${USAGE}` }
  }
  if (flags.help === true) return { _tag: "Help", text: USAGE }
  const explicitConfig = flags.config ?? env.SENDERID_OPS_CONFIG
  const { file, problem } = await readConfig(
    explicitConfig ?? defaultConfigPath(env),
    explicitConfig !== undefined
  )
  if (problem !== undefined) return { _tag: "Invalid", message: problem }
  const url = flags.url ?? env.SENDERID_URL ?? file?.url
  const apiKey = flags.key ?? env.SENDERID_API_KEY ?? file?.apiKey
  let apiSecret = flags.secret ?? env.SENDERID_API_SECRET ?? file?.apiSecret
  // Asked for only once everything else is there: a prompt before a missing-URL message wastes it.
  if (
    apiSecret === undefined &&
    url !== undefined &&
    apiKey !== undefined &&
    options.askSecret !== undefined
  ) {
    const answer = (await options.askSecret(apiKey))?.trim()
    if (answer === undefined) return { _tag: "Invalid", message: "No secret given: not connecting." }
    if (answer !== "") apiSecret = answer
  }
  const missing = [
    url === undefined ? 'the server (--url, SENDERID_URL or "url" in the config file)' : undefined,
    apiKey === undefined ? 'an operator key (--key, SENDERID_API_KEY or "apiKey")' : undefined,
    apiSecret === undefined ? 'its secret (--secret, SENDERID_API_SECRET or "apiSecret")' : undefined
  ].filter((m) => m !== undefined)
  if (url === undefined || apiKey === undefined || apiSecret === undefined)
    return { _tag: "Invalid", message: `Missing ${missing.join(", ")}.\n\n${USAGE}` }
  if (!isHttpUrl(url)) return { _tag: "Invalid", message: `Not an http(s) URL: ${url}` }
  const colour = !(env.NO_COLOR !== undefined && env.NO_COLOR !== "") && flags["no-color"] !== true
  return { _tag: "Ready", settings: { url: url.replace(/\/+$/u, ""), apiKey, apiSecret, colour } }
}

const parse = (argv: ReadonlyArray<string>) =>
  parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      secret: { type: "string" },
      config: { type: "string" },
      "no-color": { type: "boolean" },
      help: { type: "boolean", short: "h" }
    }
  }).values
