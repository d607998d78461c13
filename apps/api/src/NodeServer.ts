/**
 * The Node HTTP server the app is served by, so that no client holds a connection for long:
 * timeouts for a request's headers, for the whole request and for an idle keep-alive connection,
 * and a cap on open connections (`ConnectionLimits`, from the environment).
 */
import { createServer, type Server } from "node:http"
import { getRequestListener } from "@hono/node-server"
import type { ConnectionLimits } from "./NodeConfig.ts"

type Fetch = Parameters<typeof getRequestListener>[0]

export const makeNodeServer = (fetch: Fetch, limits: ConnectionLimits): Server => {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks both request timeouts every 30 s unless told otherwise.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs, limits.requestTimeoutMs)
    },
    getRequestListener(fetch)
  )
  // Connections over the cap are closed as they are accepted.
  server.maxConnections = limits.maxConnections
  return server
}
