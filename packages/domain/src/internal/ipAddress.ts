/**
 * IP literals in URL hosts, read the way `fetch` will read them (the WHATWG URL host parser);
 * `PublicHost.ts` says which are public. `fetch` turns `0x7f000001`, `2130706433`, `127.1` and `0177.0.0.1` into
 * 127.0.0.1, and an IPv6 host may carry an IPv4 address inside it (`[::ffff:7f00:1]`), so a check
 * on the spelling alone is not enough: addresses are compared as numbers.
 */

/** An IPv4 host in any form the URL parser accepts (1–4 parts, decimal, octal `0…` or hex `0x…`),
 * as a 32-bit number; `undefined` when the host is not one. */
export const parseIpv4 = (host: string): number | undefined => {
  const labels = host.split(".")
  if (labels.at(-1) === "") labels.pop()
  if (labels.length === 0 || labels.length > 4) return undefined
  const numbers: Array<number> = []
  for (const label of labels) {
    let value: number
    if (/^0x[0-9a-f]*$/iu.test(label)) value = label.length === 2 ? 0 : Number.parseInt(label.slice(2), 16)
    else if (/^0[0-7]+$/u.test(label)) value = Number.parseInt(label.slice(1), 8)
    else if (/^(0|[1-9]\d*)$/u.test(label)) value = Number(label)
    else return undefined
    numbers.push(value)
  }
  const last = numbers.pop() as number
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined
  return numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), 0) + last
}

/** An IPv6 literal (without brackets) as its eight 16-bit groups; `undefined` when it is not one. */
export const parseIpv6 = (text: string): ReadonlyArray<number> | undefined => {
  let address = text.toLowerCase()
  const zone = address.indexOf("%")
  if (zone !== -1) address = address.slice(0, zone)
  // An IPv4 tail (`::ffff:127.0.0.1`) is two more groups.
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/u.exec(address)
  if (tail !== null) {
    const v4 = parseIpv4(tail[2] as string)
    if (v4 === undefined || !/^\d+\.\d+\.\d+\.\d+$/u.test(tail[2] as string)) return undefined
    address = `${tail[1]}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`
  }
  const halves = address.split("::")
  if (halves.length > 2) return undefined
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"))
  const head = groupsOf(halves[0] as string)
  const rest = halves.length === 2 ? groupsOf(halves[1] as string) : []
  const missing = 8 - head.length - rest.length
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...rest]
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/u.test(g))) return undefined
  return groups.map((g) => Number.parseInt(g, 16))
}
