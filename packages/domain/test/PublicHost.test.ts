import { assert, describe, it } from "@effect/vitest"
import * as PublicHost from "../src/PublicHost.ts"

/** The range an address falls in (for one that carries IPv4, the IPv4 address's), or "public". */
const verdict = (address: string): string => {
  const found = PublicHost.classify(address)
  return found._tag === "Special" ? found.range.name : found._tag === "Public" ? "public" : "not an address"
}

const check = (cases: ReadonlyArray<readonly [string, string]>) => {
  for (const [address, expected] of cases) {
    it(`${address} → ${expected}`, () => assert.strictEqual(verdict(address), expected))
  }
}

describe("IPv4: the special-purpose registry, multicast and broadcast, edges included", () => {
  check([
    ["0.0.0.0", "This host on this network"],
    ["0.255.255.255", "This network"],
    ["10.0.0.0", "Private-Use"],
    ["10.255.255.255", "Private-Use"],
    ["11.0.0.0", "public"],
    ["100.63.255.255", "public"],
    ["100.64.0.0", "Shared Address Space (carrier-grade NAT)"],
    ["100.127.255.255", "Shared Address Space (carrier-grade NAT)"],
    ["100.128.0.0", "public"],
    ["127.0.0.1", "Loopback"],
    ["127.255.255.255", "Loopback"],
    ["169.254.169.254", "Link Local (cloud metadata)"],
    ["172.15.255.255", "public"],
    ["172.16.0.0", "Private-Use"],
    ["172.31.255.255", "Private-Use"],
    ["172.32.0.0", "public"],
    ["192.0.0.1", "IPv4 Service Continuity Prefix"],
    ["192.0.0.8", "IPv4 dummy address"],
    ["192.0.0.9", "Port Control Protocol Anycast"],
    ["192.0.0.10", "Traversal Using Relays around NAT Anycast"],
    ["192.0.0.170", "NAT64/DNS64 Discovery"],
    ["192.0.0.171", "NAT64/DNS64 Discovery"],
    ["192.0.0.255", "IETF Protocol Assignments"],
    ["192.0.1.0", "public"],
    ["192.0.2.1", "Documentation (TEST-NET-1)"],
    ["192.0.3.0", "public"],
    ["192.31.196.1", "AS112-v4"],
    ["192.52.193.1", "AMT"],
    ["192.88.99.1", "Deprecated (6to4 Relay Anycast)"],
    ["192.168.0.1", "Private-Use"],
    ["192.175.48.1", "Direct Delegation AS112 Service"],
    ["198.17.255.255", "public"],
    ["198.18.0.0", "Benchmarking"],
    ["198.19.255.255", "Benchmarking"],
    ["198.20.0.0", "public"],
    ["198.51.100.7", "Documentation (TEST-NET-2)"],
    ["203.0.113.7", "Documentation (TEST-NET-3)"],
    ["223.255.255.255", "public"],
    ["224.0.0.1", "Multicast"],
    ["239.255.255.255", "Multicast"],
    ["240.0.0.1", "Reserved"],
    ["255.255.255.254", "Reserved"],
    ["255.255.255.255", "Limited Broadcast"],
    ["1.1.1.1", "public"],
    ["8.8.8.8", "public"],
    // As URL hosts spell them.
    ["0x7f000001", "Loopback"],
    ["127.1", "Loopback"],
    ["0251.0376.0251.0376", "Link Local (cloud metadata)"]
  ])
})

describe("IPv6: the special-purpose registry, site-local, multicast and the space outside 2000::/3", () => {
  check([
    ["::", "Unspecified Address"],
    ["::1", "Loopback Address"],
    ["[::1]", "Loopback Address"],
    ["::2", "IPv4-Compatible (deprecated)"],
    ["::808:808", "IPv4-Compatible (deprecated)"],
    ["::1:0:0:0", "Reserved by IETF"],
    ["1::", "Reserved by IETF"],
    ["100::1", "Discard-Only Address Block"],
    ["100:0:0:1::1", "Dummy IPv6 Prefix"],
    ["100:0:0:2::1", "Reserved by IETF"],
    ["1fff:ffff::1", "Reserved by IETF"],
    ["2001:1::1", "Port Control Protocol Anycast"],
    ["2001:1::2", "Traversal Using Relays around NAT Anycast"],
    ["2001:1::3", "DNS-SD Service Registration Protocol Anycast"],
    ["2001:1::4", "IETF Protocol Assignments"],
    ["2001:2::1", "Benchmarking"],
    ["2001:3::1", "AMT"],
    ["2001:4:112::1", "AS112-v6"],
    ["2001:10::1", "Deprecated (previously ORCHID)"],
    ["2001:20::1", "ORCHIDv2"],
    ["2001:30::1", "Drone Remote ID Protocol Entity Tags"],
    ["2001:1ff:ffff::1", "IETF Protocol Assignments"],
    ["2001:200::1", "public"],
    ["2001:db8::1", "Documentation"],
    ["2001:db9::1", "public"],
    ["2620:4f:8000::1", "Direct Delegation AS112 Service"],
    ["2620:4f:8001::1", "public"],
    ["3fff::1", "Documentation"],
    ["3fff:fff:ffff::1", "Documentation"],
    ["3fff:1000::1", "public"],
    ["4000::1", "Reserved by IETF"],
    ["5f00::1", "Segment Routing (SRv6) SIDs"],
    ["8000::1", "Reserved by IETF"],
    ["e000::1", "Reserved by IETF"],
    ["fc00::1", "Unique-Local"],
    ["fd00::2", "Unique-Local"],
    ["fe00::1", "Reserved by IETF"],
    ["fe80::1", "Link-Local Unicast"],
    ["fe80::1%eth0", "Link-Local Unicast"],
    ["febf::1", "Link-Local Unicast"],
    ["fec0::1", "Site-Local (deprecated)"],
    ["feff::1", "Site-Local (deprecated)"],
    ["ff02::1", "Multicast"],
    ["2606:4700::1111", "public"],
    ["2a00:1450:4001::1", "public"]
  ])
})

describe("IPv6 forms that carry an IPv4 address are as public as what they carry", () => {
  check([
    // IPv4-mapped.
    ["::ffff:127.0.0.1", "Loopback"],
    ["::ffff:7f00:1", "Loopback"],
    ["::ffff:a9fe:a9fe", "Link Local (cloud metadata)"],
    ["::ffff:8.8.8.8", "public"],
    // SIIT's IPv4-translated form.
    ["::ffff:0:7f00:1", "Loopback"],
    ["::ffff:0:a00:1", "Private-Use"],
    ["::ffff:0:808:808", "public"],
    // NAT64's well-known prefix; the local-use one is refused whatever it holds.
    ["64:ff9b::7f00:1", "Loopback"],
    ["64:ff9b::10.0.0.1", "Private-Use"],
    ["64:ff9b::808:808", "public"],
    ["64:ff9b:1::808:808", "Local-Use IPv4/IPv6 Translation"],
    // 6to4: the IPv4 address in bits 16–47.
    ["2002:7f00:1::1", "Loopback"],
    ["2002:c0a8:101::1", "Private-Use"],
    ["2002:808:808::1", "public"],
    // Teredo: server 65.54.227.120, client inverted in the last 32 bits.
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Loopback"],
    ["2001:0:4136:e378:8000:63bf:3f57:fefe", "Private-Use"],
    ["2001:0:a00:1:8000:63bf:f7f7:f7f7", "Private-Use"],
    ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", "public"]
  ])

  it("refuses all of IPv6 outside global unicast 2000::/3", () => {
    for (let first = 0; first < 0x10000; first++) {
      const address = `${first.toString(16)}:1:2:3:4:5:6:7`
      if (first < 0x2000 || first >= 0x4000) assert.isFalse(PublicHost.isPublicAddress(address), address)
    }
  })

  it("takes nothing but an address for an address", () => {
    assert.strictEqual(verdict("example.com"), "not an address")
    assert.strictEqual(verdict("1:2:3"), "not an address")
    assert.isFalse(PublicHost.isPublicAddress("[zz::1]"))
  })
})

describe("hosts, by shape", () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ["hooks.example.com", true],
    ["HOOKS.Example.COM.", true],
    // Public by shape: what they resolve to is checked at delivery.
    ["localtest.me", true],
    ["127.0.0.1.nip.io", true],
    ["localhost", false],
    ["LOCALHOST.", false],
    ["app.localhost", false],
    ["printer.local", false],
    ["metadata.google.internal", false],
    ["router.home.arpa", false],
    // A single label is completed from the server's own search domains.
    ["vm", false],
    ["metadata", false],
    ["notlocalhost.com", true],
    ["0x7f000001", false],
    ["2130706433", false],
    ["8.8.8.8", true],
    ["[::1]", false],
    ["[::ffff:0:7f00:1]", false],
    ["[2606:4700::1111]", true],
    ["[zz::1]", false]
  ]
  for (const [host, expected] of cases) {
    it(`${host} → ${expected ? "may be public" : "not public"}`, () =>
      assert.strictEqual(PublicHost.isPublicHost(host), expected))
  }
})
