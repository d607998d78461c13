/**
 * Keystroke to frame: the console on an account with 100 numbers and on one with 10,000, side by
 * side in one run, against the real API (`apps/api`, SQLite). For each kind of key — moving the
 * cursor, paging, cycling the status filter, typing into the live number search — it times the
 * key's arrival to the first frame written for it, keys a human's pace apart (so Ink's 30 fps
 * throttle never holds a frame back). Target: ≤ 50 ms with 10,000 numbers.
 */
import { performance } from "node:perf_hooks"
import { createClient, type PromiseClient } from "@senderid/client"
import { render } from "ink"
import { App, RENDER_OPTIONS } from "../src/App.tsx"
import { startApiServer } from "../test/support/apiServer.ts"
import { FakeStdin, FakeStdout, frameShowing, keyToFrame } from "./terminal.ts"

const KEYS = { down: "\u001B[B", pageDown: "\u001B[6~", enter: "\r", escape: "\u001B" }
const PACE_MS = 60

const mobile = (i: number) => `010${String(20_000_000 + i)}`

/** An account holding `count` numbers, registered 100 at a time as a customer would. */
const seedAccount = async (
  operator: PromiseClient,
  origin: string,
  accountId: string,
  count: number,
  offset: number
) => {
  await operator.openAccount({ body: { accountId, limit: count } })
  const key = await operator.issueKey({ params: { accountId }, body: {} })
  const customer = createClient({ baseUrl: origin, apiKey: key.apiKey, apiSecret: key.apiSecret })
  for (let from = 0; from < count; from += 100) {
    const numbers = Array.from({ length: Math.min(100, count - from) }, (_, i) => ({
      phoneNumber: mobile(offset + from + i)
    }))
    await customer.registerNumbers({ body: { numbers }, idempotencyKey: `${accountId}-${from}` })
  }
  await customer.close()
}

const percentile = (values: ReadonlyArray<number>, p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

type Series = Record<string, Array<number>>

/** Opens `accountId`'s numbers in a fresh console and times each kind of key. */
const measure = async (
  client: PromiseClient,
  origin: string,
  accountId: string,
  expected: number
): Promise<Series> => {
  const stdout = new FakeStdout()
  const stdin = new FakeStdin()
  const frames = () => stdout.writes.length
  const instance = render(
    <App client={client} server={origin} colour={true} initial="accounts" directory={process.cwd()} />,
    {
      ...RENDER_OPTIONS,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      patchConsole: false,
      exitOnCtrlC: false
    }
  )
  const settle = async (ms = 400) => {
    let last = frames()
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, ms))
      if (frames() === last) return
      last = frames()
    }
  }
  await settle()
  // Accounts are listed by id; find the row, open it, and wait for its whole book.
  const list = await client.listAccounts({ query: { limit: 100 } })
  const row = list.accounts.findIndex((a) => a.accountId === accountId)
  for (let i = 0; i < row; i++) await keyToFrame(stdin, stdout, KEYS.down)
  const loadStart = performance.now()
  stdin.press(KEYS.enter)
  const openMs = (await frameShowing(stdout, `1 of ${expected}`)) - loadStart
  await settle()

  const series: Series = { "Enter: open the account (fetch the book + frame)": [openMs] }
  const time = async (name: string, key: string, times: number) => {
    const samples = series[name] ?? []
    series[name] = samples
    for (let i = 0; i < times; i++) {
      samples.push(await keyToFrame(stdin, stdout, key))
      await new Promise((resolve) => setTimeout(resolve, PACE_MS))
    }
  }
  // Within the first 100 rows, so both accounts move on every key (a key at the end draws nothing).
  await time("↓ next row", KEYS.down, 60)
  for (let round = 0; round < 15; round++) {
    await time("g first row", "g", 1)
    for (let page = 0; page < 3; page++) await time("PgDn next page", KEYS.pageDown, 1)
  }
  await time("f cycle status filter", "f", 28)
  for (let round = 0; round < 6; round++) {
    await keyToFrame(stdin, stdout, "/")
    await new Promise((resolve) => setTimeout(resolve, PACE_MS))
    for (const digit of "200012") await time("search: type a digit (live filter)", digit, 1)
    await time("search: Esc restores the list", KEYS.escape, 1)
  }
  instance.unmount()
  return series
}

const main = async () => {
  console.log("keystroke → frame (senderid-ops, 80×24, real API on SQLite); seeding 10,100 numbers…")
  const api = await startApiServer({ SENDERID_RATE_LIMIT: "0" })
  const operator = createClient({ baseUrl: api.origin, ...api.operator })
  try {
    await seedAccount(operator, api.origin, "SMALL", 100, 0)
    await seedAccount(operator, api.origin, "LARGE", 10_000, 1000)
    const small = await measure(operator, api.origin, "SMALL", 100)
    const large = await measure(operator, api.origin, "LARGE", 10_000)
    const rows = Object.keys(large).map((name) => {
      const s = small[name] ?? []
      const l = large[name] ?? []
      return {
        key: name,
        samples: l.length,
        "100: p50 ms": percentile(s, 50).toFixed(1),
        "10,000: p50 ms": percentile(l, 50).toFixed(1),
        "10,000: p95 ms": percentile(l, 95).toFixed(1),
        "10,000: max ms": Math.max(...l).toFixed(1),
        "ratio p50 10,000/100": (percentile(l, 50) / percentile(s, 50)).toFixed(2)
      }
    })
    console.table(rows)
    // Opening the account is a fetch of the whole book, reported above but not a redraw.
    const keys = Object.entries(large).filter(([name]) => !name.startsWith("Enter: open"))
    const worstP95 = Math.max(...keys.map(([, v]) => percentile(v, 95)))
    console.log(
      `target: keystroke → frame ≤ 50 ms with 10,000 numbers; worst p95 over every key: ${worstP95.toFixed(1)} ms — ${
        worstP95 <= 50 ? "met" : "NOT met"
      }`
    )
  } finally {
    await operator.close()
    await api.stop()
  }
}

await main()
