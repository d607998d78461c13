/**
 * The Node HTTP server the app is served by, so that every client gets an answer and none holds a
 * connection for long:
 * - timeouts for a request's headers, for the whole request and for an idle keep-alive connection,
 *   and a cap on open connections (`ConnectionLimits`, from the environment);
 * - an answer that leaves part of its request unread (a 413, a refusal before the body was read)
 *   closes the connection with a lingering close: our side is shut after the answer and what the
 *   client is still sending is read and thrown away, up to a bound, so that it finishes writing and
 *   reads the answer instead of failing with EPIPE or ECONNRESET;
 * - `drain()` for shutdown: stops accepting, answers every request that has arrived with
 *   `Connection: close`, closes idle connections, and resolves once every connection is closed.
 */
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  type Server,
  ServerResponse
} from "node:http"
import { Server as NetServer, Socket } from "node:net"
import { getRequestListener } from "@hono/node-server"
import type { ConnectionLimits } from "./NodeConfig.ts"

/** What a lingering close reads and throws away at most, unless the body ends first: bytes, then time. */
export const LINGER_BYTES = 64 * 1024 * 1024
export const LINGER_MS = 5_000

/**
 * How long a connection that is idle when the drain starts may still bring a request, which is
 * answered and closes it: its client may be sending one right now, not knowing the server stops,
 * and closing the connection under it would leave that request unanswered.
 */
export const IDLE_GRACE_MS = 1_000

type Fetch = Parameters<typeof getRequestListener>[0]

/** After the event loop has read what is already in the sockets' buffers: a request that has reached
 * the server is then in progress, and its connection is no longer idle. */
const afterPendingReads = (run: () => void) => setImmediate(() => setImmediate(run))

export interface NodeServer {
  readonly server: Server
  /** Resolves once every connection is closed; nothing new is accepted meanwhile. */
  readonly drain: () => Promise<void>
}

export const makeNodeServer = (fetch: Fetch, limits: ConnectionLimits): NodeServer => {
  let draining = false
  // The request each connection is reading, so that a lingering close can discard the rest of it.
  const reading = new WeakMap<Socket, IncomingMessage>()
  const lingering = new WeakSet<Socket>()

  class Answer extends ServerResponse {
    override writeHead(
      statusCode: number,
      reasonOrHeaders?: string | OutgoingHttpHeaders | Array<OutgoingHttpHeader>,
      headers?: OutgoingHttpHeaders | Array<OutgoingHttpHeader>
    ): this {
      // An answer that leaves part of its request unread, or goes out while draining, is the
      // connection's last: Node then says `Connection: close` and ends the connection after it.
      if (draining || !this.req.complete) this.shouldKeepAlive = false
      return typeof reasonOrHeaders === "string"
        ? super.writeHead(statusCode, reasonOrHeaders, headers)
        : super.writeHead(statusCode, reasonOrHeaders)
    }
  }

  const linger = (socket: Socket) => {
    const request = reading.get(socket)
    // Read in full, the request leaves nothing that could reset the connection: close as Node does.
    if (request === undefined || request.complete) return Socket.prototype.destroySoon.call(socket)
    if (lingering.has(socket)) return
    lingering.add(socket)
    socket.end()
    const timer = setTimeout(() => socket.destroy(), LINGER_MS)
    timer.unref()
    socket.once("close", () => clearTimeout(timer))
    // Whoever was reading the body (a stream the app gave up on) is done with it.
    request.removeAllListeners("data")
    let discarded = 0
    request.on("data", (chunk: Buffer) => {
      discarded += chunk.length
      if (discarded > LINGER_BYTES) socket.destroy()
    })
    // Everything has arrived: nothing is left to discard, and the answer is the client's to read.
    request.once("end", () => socket.destroy())
    request.resume()
  }

  const listener = getRequestListener(fetch)
  const server = createServer(
    {
      ServerResponse: Answer,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks both request timeouts every 30 s unless told otherwise.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs, limits.requestTimeoutMs)
    },
    (request, response) => {
      reading.set(request.socket, request)
      void listener(request, response)
    }
  )
  // Connections over the cap are closed as they are accepted.
  server.maxConnections = limits.maxConnections
  server.on("connection", (socket: Socket) => {
    // Node ends a connection after its last answer with `destroySoon`: end, then destroy once
    // written. With request bytes still arriving, that destroy resets the connection, and a client
    // still sending fails before it has read the answer.
    socket.destroySoon = () => linger(socket)
  })

  const drain = () =>
    new Promise<void>((resolve) => {
      // Connections the kernel has completed are accepted before the listener closes (closing it
      // resets them), and until then answers keep their connections, so that no client is sent to
      // reconnect into that queue. From then on every answer closes its connection (or lingers,
      // bounded), and idle connections are closed after a grace period.
      afterPendingReads(() => {
        draining = true
        // net.Server's close: http.Server's would close the idle connections at the same instant.
        NetServer.prototype.close.call(server, () => resolve())
        setTimeout(
          () => afterPendingReads(() => server.closeIdleConnections()),
          Math.min(IDLE_GRACE_MS, limits.keepAliveTimeoutMs)
        ).unref()
      })
    })

  return { server, drain }
}
