#!/usr/bin/env node
/**
 * `senderid-ops`: reads where to connect (flags, environment, config file), proves the server is
 * there and the key is an operator's, then draws the console full-screen. Every way it can stop
 * early prints one clear sentence and exits non-zero; nothing it meets prints a stack trace.
 */
import { enableCompileCache } from "node:module"
import { startDirectory } from "./Paths.tsx"
import { askHidden } from "./SecretPrompt.ts"
import { resolveSettings } from "./Settings.ts"

/** The exit status, once everything the console has to say is written. */
const main = async (): Promise<number> => {
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true
  const resolved = await resolveSettings(
    process.argv.slice(2),
    process.env,
    // Asked on stderr, so nothing of it ends up in a redirected stdout.
    terminal
      ? {
          askSecret: (apiKey) =>
            askHidden(`Secret of the operator key ${apiKey}: `, process.stdin, process.stderr)
        }
      : {}
  )
  if (resolved._tag === "Help") {
    process.stdout.write(`${resolved.text}\n`)
    return 0
  }
  if (resolved._tag === "Invalid") {
    process.stderr.write(`senderid-ops: ${resolved.message}\n`)
    return 2
  }
  const { settings } = resolved
  if (!terminal) {
    process.stderr.write("senderid-ops: needs a terminal (run it in one, or over ssh -t).\n")
    return 2
  }
  // Loaded only now: the console (Ink, the client, Effect) is most of the start-up, which `--help`
  // and a missing flag need not wait for. V8 keeps its compiled code on disk (the system's temporary
  // folder, or NODE_COMPILE_CACHE): later starts skip most of parsing and compiling it.
  enableCompileCache()
  const [{ render }, { App, RENDER_OPTIONS }, { connect }] = await Promise.all([
    import("ink"),
    import("./App.tsx"),
    import("./Connection.ts")
  ])
  const connection = await connect(settings)
  if (connection._tag === "Refused") {
    process.stderr.write(`senderid-ops: ${connection.message}\n`)
    return 1
  }
  const instance = render(
    <App
      client={connection.client}
      server={settings.url}
      colour={settings.colour}
      directory={startDirectory(process.env, process.cwd())}
    />,
    RENDER_OPTIONS
  )
  await instance.waitUntilExit()
  await connection.client.close()
  return 0
}

// Anything that escapes is reported in one line; the console must never dump a stack on an operator.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(`senderid-ops: ${reason instanceof Error ? reason.message : String(reason)}\n`)
})
// Exits explicitly once everything is written, rather than waiting on whatever handles (sockets,
// timers) the libraries underneath still hold: q means gone.
main().then(
  (status) => process.stdout.write("", () => process.exit(status)),
  (error: unknown) => {
    process.stderr.write(`senderid-ops: ${error instanceof Error ? error.message : String(error)}\n`, () =>
      process.exit(1)
    )
  }
)
