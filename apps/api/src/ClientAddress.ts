/**
 * Who is calling, as far as the Node server can tell, for the limit on failed authentications: the
 * socket's peer. Behind a reverse proxy every peer is the proxy, so when the peer is one the operator
 * trusts (`SENDERID_TRUSTED_PROXIES`) the client is the rightmost `X-Forwarded-For` entry that is
 * not itself a trusted proxy: each proxy appends the address it was called from, so that entry was
 * written by a proxy we trust, and everything left of it by whoever called first. Without trusted
 * proxies the header is ignored: a client could write any address there, and get a fresh budget of
 * failures with each one.
 */
import { getConnInfo } from "@hono/node-server/conninfo"
import type { Context } from "hono"

// An IPv4 client of a dual-stack socket shows as `::ffff:192.0.2.1`; it is the same client.
const canonical = (address: string) =>
  address
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/u, "")

export const clientAddressOf = (trustedProxies: ReadonlyArray<string>) => {
  const trusted = new Set(trustedProxies.map(canonical))
  return (c: Context): string | undefined => {
    const peer = getConnInfo(c).remote.address
    if (peer === undefined) return undefined
    let client = canonical(peer)
    const forwarded = trusted.has(client) ? (c.req.header("x-forwarded-for")?.split(",") ?? []) : []
    for (let i = forwarded.length - 1; i >= 0 && trusted.has(client); i--) {
      const hop = canonical(forwarded[i] ?? "")
      if (hop === "") break
      client = hop
    }
    return client
  }
}
