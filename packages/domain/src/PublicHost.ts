/**
 * Whether a host or an IP address is on the public internet, for webhooks a deployment does not
 * want pointed at its own network. Addresses are looked up in IANA's IPv4 and IPv6 Special-Purpose
 * Address Registries (plus multicast, the deprecated site-local and IPv4-compatible blocks, and the
 * IPv6 space outside global unicast 2000::/3), the most specific range deciding. Every range here
 * is refused, even those the registry calls globally reachable (AS112 sinks, AMT relays, anycast
 * service addresses): no webhook receiver lives there. The forms that carry an IPv4 address
 * (IPv4-mapped, SIIT-translated, NAT64 64:ff9b::/96, 6to4, Teredo) are as public as what they carry,
 * since that is where a connection to them ends up.
 *
 * Names are judged by their shape only (localhost, private-use suffixes, single labels); what a
 * name resolves to is for a transport that resolves it to check with `isPublicAddress`.
 */
import { parseIpv4, parseIpv6 } from "./internal/ipAddress.ts"

export interface AddressRange {
  /** The block in CIDR notation, as the registry writes it. */
  readonly prefix: string
  readonly name: string
  /** The RFC (or registry) defining it. */
  readonly source: string
  /** Present on blocks that carry IPv4 addresses: where they sit. An address in such a block is
   * public exactly when every IPv4 address it carries is. */
  readonly carries?: (groups: ReadonlyArray<number>) => ReadonlyArray<number>
}

const lastTwoGroups = (groups: ReadonlyArray<number>) => [((groups[6] ?? 0) * 65536 + (groups[7] ?? 0)) >>> 0]

export const ipv4Ranges: ReadonlyArray<AddressRange> = [
  { prefix: "0.0.0.0/8", name: "This network", source: "RFC 791" },
  { prefix: "0.0.0.0/32", name: "This host on this network", source: "RFC 1122" },
  { prefix: "10.0.0.0/8", name: "Private-Use", source: "RFC 1918" },
  { prefix: "100.64.0.0/10", name: "Shared Address Space (carrier-grade NAT)", source: "RFC 6598" },
  { prefix: "127.0.0.0/8", name: "Loopback", source: "RFC 1122" },
  { prefix: "169.254.0.0/16", name: "Link Local (cloud metadata)", source: "RFC 3927" },
  { prefix: "172.16.0.0/12", name: "Private-Use", source: "RFC 1918" },
  { prefix: "192.0.0.0/24", name: "IETF Protocol Assignments", source: "RFC 6890" },
  { prefix: "192.0.0.0/29", name: "IPv4 Service Continuity Prefix", source: "RFC 7335" },
  { prefix: "192.0.0.8/32", name: "IPv4 dummy address", source: "RFC 7600" },
  { prefix: "192.0.0.9/32", name: "Port Control Protocol Anycast", source: "RFC 7723" },
  { prefix: "192.0.0.10/32", name: "Traversal Using Relays around NAT Anycast", source: "RFC 8155" },
  { prefix: "192.0.0.170/32", name: "NAT64/DNS64 Discovery", source: "RFC 8880" },
  { prefix: "192.0.0.171/32", name: "NAT64/DNS64 Discovery", source: "RFC 8880" },
  { prefix: "192.0.2.0/24", name: "Documentation (TEST-NET-1)", source: "RFC 5737" },
  { prefix: "192.31.196.0/24", name: "AS112-v4", source: "RFC 7535" },
  { prefix: "192.52.193.0/24", name: "AMT", source: "RFC 7450" },
  { prefix: "192.88.99.0/24", name: "Deprecated (6to4 Relay Anycast)", source: "RFC 7526" },
  { prefix: "192.168.0.0/16", name: "Private-Use", source: "RFC 1918" },
  { prefix: "192.175.48.0/24", name: "Direct Delegation AS112 Service", source: "RFC 7534" },
  { prefix: "198.18.0.0/15", name: "Benchmarking", source: "RFC 2544" },
  { prefix: "198.51.100.0/24", name: "Documentation (TEST-NET-2)", source: "RFC 5737" },
  { prefix: "203.0.113.0/24", name: "Documentation (TEST-NET-3)", source: "RFC 5737" },
  { prefix: "224.0.0.0/4", name: "Multicast", source: "RFC 5771" },
  { prefix: "240.0.0.0/4", name: "Reserved", source: "RFC 1112" },
  { prefix: "255.255.255.255/32", name: "Limited Broadcast", source: "RFC 919" }
]

export const ipv6Ranges: ReadonlyArray<AddressRange> = [
  { prefix: "::/128", name: "Unspecified Address", source: "RFC 4291" },
  { prefix: "::1/128", name: "Loopback Address", source: "RFC 4291" },
  // Deprecated, and no transition mechanism routes it any more: refused whatever it carries.
  { prefix: "::/96", name: "IPv4-Compatible (deprecated)", source: "RFC 4291" },
  { prefix: "::ffff:0:0/96", name: "IPv4-mapped Address", source: "RFC 4291", carries: lastTwoGroups },
  {
    prefix: "::ffff:0:0:0/96",
    name: "IPv4-translated Address (SIIT)",
    source: "RFC 2765",
    carries: lastTwoGroups
  },
  {
    prefix: "64:ff9b::/96",
    name: "IPv4-IPv6 Translation (NAT64)",
    source: "RFC 6052",
    carries: lastTwoGroups
  },
  // A network's own translator, with a prefix length of its choosing: where the IPv4 sits is unknown.
  { prefix: "64:ff9b:1::/48", name: "Local-Use IPv4/IPv6 Translation", source: "RFC 8215" },
  { prefix: "100::/64", name: "Discard-Only Address Block", source: "RFC 6666" },
  { prefix: "100:0:0:1::/64", name: "Dummy IPv6 Prefix", source: "RFC 9780" },
  { prefix: "2001::/23", name: "IETF Protocol Assignments", source: "RFC 2928" },
  {
    prefix: "2001::/32",
    name: "TEREDO",
    source: "RFC 4380",
    // The server in bits 32–63, the client (inverted) in bits 96–127.
    carries: (groups) => [
      ((groups[2] ?? 0) * 65536 + (groups[3] ?? 0)) >>> 0,
      (((groups[6] ?? 0) * 65536 + (groups[7] ?? 0)) ^ 0xffffffff) >>> 0
    ]
  },
  { prefix: "2001:1::1/128", name: "Port Control Protocol Anycast", source: "RFC 7723" },
  { prefix: "2001:1::2/128", name: "Traversal Using Relays around NAT Anycast", source: "RFC 8155" },
  { prefix: "2001:1::3/128", name: "DNS-SD Service Registration Protocol Anycast", source: "RFC 9665" },
  { prefix: "2001:2::/48", name: "Benchmarking", source: "RFC 5180" },
  { prefix: "2001:3::/32", name: "AMT", source: "RFC 7450" },
  { prefix: "2001:4:112::/48", name: "AS112-v6", source: "RFC 7535" },
  { prefix: "2001:10::/28", name: "Deprecated (previously ORCHID)", source: "RFC 4843" },
  { prefix: "2001:20::/28", name: "ORCHIDv2", source: "RFC 7343" },
  { prefix: "2001:30::/28", name: "Drone Remote ID Protocol Entity Tags", source: "RFC 9374" },
  { prefix: "2001:db8::/32", name: "Documentation", source: "RFC 3849" },
  {
    prefix: "2002::/16",
    name: "6to4",
    source: "RFC 3056",
    // The IPv4 address in bits 16–47.
    carries: (groups) => [((groups[1] ?? 0) * 65536 + (groups[2] ?? 0)) >>> 0]
  },
  { prefix: "2620:4f:8000::/48", name: "Direct Delegation AS112 Service", source: "RFC 7534" },
  { prefix: "3fff::/20", name: "Documentation", source: "RFC 9637" },
  { prefix: "5f00::/16", name: "Segment Routing (SRv6) SIDs", source: "RFC 9602" },
  { prefix: "fc00::/7", name: "Unique-Local", source: "RFC 4193" },
  { prefix: "fe80::/10", name: "Link-Local Unicast", source: "RFC 4291" },
  { prefix: "fec0::/10", name: "Site-Local (deprecated)", source: "RFC 3879" },
  { prefix: "ff00::/8", name: "Multicast", source: "RFC 4291" },
  // Everything outside global unicast 2000::/3 that no row above names: unassigned, per IANA's
  // IPv6 Address Space registry. Together these cover all of it.
  ...["::/8", "100::/8", "200::/7", "400::/6", "800::/5", "1000::/4"].map(reservedByIetf),
  ...["4000::/3", "6000::/3", "8000::/3", "a000::/3", "c000::/3", "e000::/4"].map(reservedByIetf),
  ...["f000::/5", "f800::/6", "fe00::/9"].map(reservedByIetf)
]

function reservedByIetf(prefix: string): AddressRange {
  return { prefix, name: "Reserved by IETF", source: "RFC 4291" }
}

interface Compiled<A> {
  readonly range: AddressRange
  readonly base: A
  readonly bits: number
}

const splitPrefix = (prefix: string) => {
  const [address = "", bits = ""] = prefix.split("/")
  return { address, bits: Number(bits) }
}

const compiledIpv4: ReadonlyArray<Compiled<number>> = ipv4Ranges.map((range) => {
  const { address, bits } = splitPrefix(range.prefix)
  return { range, base: parseIpv4(address) as number, bits }
})

const compiledIpv6: ReadonlyArray<Compiled<ReadonlyArray<number>>> = ipv6Ranges.map((range) => {
  const { address, bits } = splitPrefix(range.prefix)
  return { range, base: parseIpv6(address) as ReadonlyArray<number>, bits }
})

const ipv4InPrefix = (address: number, base: number, bits: number) =>
  bits === 0 || Math.floor(address / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits))

const ipv6InPrefix = (groups: ReadonlyArray<number>, base: ReadonlyArray<number>, bits: number) => {
  for (let i = 0; i < 8 && bits > i * 16; i++) {
    const take = Math.min(16, bits - i * 16)
    const shift = 16 - take
    if ((groups[i] ?? 0) >> shift !== (base[i] ?? 0) >> shift) return false
  }
  return true
}

/** The most specific row of `table` holding the address, if any. */
const mostSpecific = <A>(
  table: ReadonlyArray<Compiled<A>>,
  contains: (base: A, bits: number) => boolean
): AddressRange | undefined => {
  let best: Compiled<A> | undefined
  for (const row of table) {
    if ((best === undefined || row.bits > best.bits) && contains(row.base, row.bits)) best = row
  }
  return best?.range
}

/** The special-purpose block an IPv4 address (as a 32-bit number) is in, if any. */
export const ipv4RangeOf = (address: number): AddressRange | undefined =>
  mostSpecific(compiledIpv4, (base, bits) => ipv4InPrefix(address, base, bits))

/** The special-purpose block an IPv6 address (its eight groups) is in, if any. */
export const ipv6RangeOf = (groups: ReadonlyArray<number>): AddressRange | undefined =>
  mostSpecific(compiledIpv6, (base, bits) => ipv6InPrefix(groups, base, bits))

export type AddressClass =
  | { readonly _tag: "Public" }
  /** In `range` — for an address that carries an IPv4 address, the range of the IPv4 address. */
  | { readonly _tag: "Special"; readonly range: AddressRange }
  | { readonly _tag: "NotAnAddress" }

const PUBLIC: AddressClass = { _tag: "Public" }

const classifyIpv4 = (address: number): AddressClass => {
  const range = ipv4RangeOf(address)
  return range === undefined ? PUBLIC : { _tag: "Special", range }
}

const classifyIpv6 = (groups: ReadonlyArray<number>): AddressClass => {
  const range = ipv6RangeOf(groups)
  if (range === undefined) return PUBLIC
  if (range.carries === undefined) return { _tag: "Special", range }
  for (const carried of range.carries(groups)) {
    const inner = classifyIpv4(carried)
    if (inner._tag !== "Public") return inner
  }
  return PUBLIC
}

/**
 * What an IP address is, written as a resolver answers (`203.0.113.7`, `2001:db8::1`,
 * `::ffff:127.0.0.1`, `fe80::1%eth0`) or as a URL host (`0x7f000001`, `[::1]`).
 */
export const classify = (address: string): AddressClass => {
  const text = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address
  if (text.includes(":")) {
    const groups = parseIpv6(text)
    return groups === undefined ? { _tag: "NotAnAddress" } : classifyIpv6(groups)
  }
  const v4 = parseIpv4(text)
  return v4 === undefined ? { _tag: "NotAnAddress" } : classifyIpv4(v4)
}

/** Whether `address` is an IP address on the public internet. */
export const isPublicAddress = (address: string): boolean => classify(address)._tag === "Public"

/** Names that lead into a private network by definition (the name and everything under it). */
export const privateNames: ReadonlyArray<{ readonly name: string; readonly source: string }> = [
  { name: "localhost", source: "RFC 6761" },
  { name: "local", source: "RFC 6762 (multicast DNS)" },
  { name: "internal", source: "ICANN, reserved for private use (e.g. metadata.google.internal)" },
  { name: "home.arpa", source: "RFC 8375" }
]

/**
 * Whether a URL host — a name, an IPv4 address in any spelling `fetch` accepts, or `[IPv6]` —
 * may be on the public internet. Names are judged without resolving them: a private-use name, or a
 * single label (completed from the server's own search domains), is not public; any other name
 * may be, and what it resolves to decides at delivery.
 */
export const isPublicHost = (host: string): boolean => {
  const name = host.toLowerCase().replace(/\.$/u, "")
  if (name.startsWith("[")) return isPublicAddress(name)
  const v4 = parseIpv4(name)
  if (v4 !== undefined) return classifyIpv4(v4)._tag === "Public"
  if (!name.includes(".")) return false
  return !privateNames.some((p) => name === p.name || name.endsWith(`.${p.name}`))
}
