/**
 * `pnpm start`: the API on Node. Reads the environment, builds the services once into a
 * `ManagedRuntime`, creates the demo keys on the first start, serves the Hono app, relays registry
 * events to the log and to webhooks, delivers webhooks, sweeps expiries every minute, and on
 * SIGTERM/SIGINT stops accepting, answers every request that has arrived, then closes the database.
 */
import type { AddressInfo } from "node:net"
import { EventRelay, Expiry, Webhooks } from "@senderid/domain"
import { LogLine, makeApp } from "@senderid/server"
import { Effect, Fiber, Layer, Logger, ManagedRuntime, References, Schedule } from "effect"
import { clientAddressOf } from "./ClientAddress.ts"
import { banner, firstStart } from "./FirstStart.ts"
import { fromEnvironment } from "./NodeConfig.ts"
import { hmacSha256 } from "./NodeCrypto.ts"
import { makeNodeServer } from "./NodeServer.ts"
import * as NodeServices from "./NodeServices.ts"

const config = fromEnvironment(process.env)
// One logger for every line on stdout: requests, Effect's logs, start and stop, in one JSON shape.
const log = LogLine.makeJsonLog((text) => process.stdout.write(`${text}\n`))
const runtime = ManagedRuntime.make(
  // Merged, not provided: the runtime itself must log JSON, not only the layer while it is built.
  // No tracer exports spans here, so none are made: each would cost every request a few µs.
  Layer.mergeAll(
    NodeServices.layer(config),
    Logger.layer([log.logger]),
    Layer.succeed(References.TracerEnabled, false)
  )
)

const keys = await runtime.runPromise(firstStart()).catch((error: unknown) => {
  // The database cannot be opened or migrated: say which and why, without a stack trace.
  process.stderr.write(`senderid: cannot start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})

const app = makeApp(runtime, {
  hmacSha256,
  ...(config.publicUrl === undefined ? {} : { publicOrigin: config.publicUrl }),
  rateLimit:
    config.rateLimitPerSecond === 0
      ? false
      : { perSecond: config.rateLimitPerSecond, burst: config.rateLimitPerSecond * 5 },
  clientAddress: clientAddressOf(config.trustedProxies),
  ...(config.requestLog ? { log: log.line } : {})
})

// Registry events leave the outbox for the log and webhook deliveries every second; a failed
// round is retried next time.
const relay = runtime.runFork(
  EventRelay.use((relay) => relay.drain()).pipe(
    Effect.catchCause((cause) => Effect.logWarning("event relay round failed", cause)),
    Effect.repeat(Schedule.spaced("1 second"))
  )
)

// Webhook deliveries that are due (new ones and retries whose backoff has passed), every second.
// Each attempt is logged and kept; instances sharing the database never attempt one together.
const deliverer = runtime.runFork(
  Webhooks.use((webhooks) => webhooks.deliverDue()).pipe(
    Effect.catchCause((cause) => Effect.logWarning("webhook delivery round failed", cause)),
    Effect.repeat(Schedule.spaced("1 second"))
  )
)

// The expiry sweep every minute: lapsed verifications become EXPIRED (or are renewed), unverified
// registrations past their time are removed. Safe beside other instances' sweeps (one commit per record).
const sweeper = runtime.runFork(
  Expiry.use((expiry) => expiry.sweep()).pipe(
    Effect.tap((report) =>
      report.expired + report.extended + report.removed > 0
        ? Effect.logInfo("expiry sweep").pipe(Effect.annotateLogs({ ...report }))
        : Effect.void
    ),
    Effect.catchCause((cause) => Effect.logWarning("expiry sweep failed", cause)),
    Effect.repeat(Schedule.spaced("1 minute"))
  )
)

const { server, drain } = makeNodeServer(app.fetch, config.connections)
server.listen(config.port, config.host, () => {
  const info = server.address() as AddressInfo
  const origin = `http://${info.family === "IPv6" ? `[${info.address}]` : info.address}:${info.port}`
  if (keys !== undefined) process.stdout.write(banner(origin, keys))
  log.line({
    time: new Date().toISOString(),
    level: "info",
    message: "senderid listening",
    origin,
    storage: config.databaseUrl === undefined ? `sqlite:${NodeServices.sqliteFile(config)}` : "postgresql",
    usedSignatures:
      config.redisUrl !== undefined
        ? "redis"
        : config.databaseUrl !== undefined
          ? "postgresql"
          : `memory, written to ${NodeServices.usedSignaturesFile(config)}`
  })
})

// A port already taken (another server still running) is an operator's everyday mistake: say so.
server.once("error", (error: NodeJS.ErrnoException) => {
  const reason =
    error.code === "EADDRINUSE"
      ? `${config.host}:${config.port} is already in use (another senderid still running?); set PORT to use another`
      : error.message
  process.stderr.write(`senderid: cannot listen: ${reason}\n`)
  void runtime.dispose().finally(() => process.exit(1))
})

let stopping = false
const shutdown = (signal: string) => {
  if (stopping) return
  stopping = true
  log.line({ time: new Date().toISOString(), level: "info", message: "senderid stopping", signal })
  // A request still running after 10 s is cut off, but each commit is one transaction: nothing is half-written.
  setTimeout(() => process.exit(1), 10_000).unref()
  void drain()
    .then(() => runtime.runPromise(Fiber.interruptAll([relay, deliverer, sweeper])))
    .then(() => runtime.dispose())
    .then(() => {
      log.line({ time: new Date().toISOString(), level: "info", message: "senderid stopped" })
      process.exit(0)
    })
}
process.once("SIGTERM", () => shutdown("SIGTERM"))
process.once("SIGINT", () => shutdown("SIGINT"))
