/**
 * The benchmark's raw-engine reference: a BENCH FIXTURE, not the product. Hand-written Hono routes
 * doing the work of the hot routes with nothing between them and the engine — HMAC with
 * `node:crypto`, keys in a Map, signatures claimed in a Set and written behind to a file of their own,
 * prepared statements on `node:sqlite`, and registrations group-committed (one transaction per
 * event-loop turn, a SAVEPOINT each). It skips what the product does beyond that (the audit's request
 * context, events' identifiers from a CSPRNG, typed errors, logs, rate limits), so it is the limit we
 * measure ourselves against, not a peer.
 */
import { randomUUID } from "node:crypto"
import { DatabaseSync } from "node:sqlite"
import { PhoneNumber } from "@senderid/domain"
import { Hono } from "hono"
import { makeRawAuthentication, type RawKey } from "./rawAuthentication.ts"

const iso = (millis: number | null) => (millis === null ? null : new Date(millis).toISOString())

export const makeRawReference = (registryFile: string, journalFile: string, keys: ReadonlyArray<RawKey>) => {
  const db = new DatabaseSync(registryFile)
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000")

  // Signatures: the same in-process set as the product, written behind every 100 ms.
  const journal = new DatabaseSync(journalFile)
  journal.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    CREATE TABLE IF NOT EXISTS used_signatures (signature TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID`)
  const journalInsert = journal.prepare(
    "INSERT INTO used_signatures VALUES (?, ?) ON CONFLICT (signature) DO UPDATE SET expires_at = excluded.expires_at"
  )
  let pendingClaims: Array<readonly [string, number]> = []
  const flushTimer = setInterval(() => {
    if (pendingClaims.length === 0) return
    const batch = pendingClaims
    pendingClaims = []
    journal.exec("BEGIN")
    for (const [signature, expiresAt] of batch) journalInsert.run(signature, expiresAt)
    journal.exec("COMMIT")
  }, 100)
  flushTimer.unref()

  const authenticate = makeRawAuthentication(keys, (signature, expiresAt) => {
    pendingClaims.push([signature, expiresAt])
  })

  const usable = db.prepare(`SELECT phone_number FROM sender_ids
    WHERE account_id = ? AND status = 'ACTIVE' AND (expire_at IS NULL OR expire_at > ?)
    ORDER BY date_created, handle_key`)
  const usableOne = db.prepare(
    `SELECT status, expire_at FROM sender_ids WHERE account_id = ? AND phone_number = ?`
  )
  const registered = db.prepare("SELECT 1 FROM sender_ids WHERE account_id = ? AND phone_number = ?")
  const held = db.prepare(
    "SELECT 1 FROM sender_ids WHERE phone_number = ? AND status IN ('ACTIVE', 'INACTIVE') AND account_id <> ?"
  )
  const takeSlot = db.prepare(
    "UPDATE accounts SET held = held + 1 WHERE account_id = ? AND held < lim RETURNING lim"
  )
  const insertSenderId = db.prepare(`INSERT INTO sender_ids
    (handle_key, account_id, phone_number, status, expire_at, date_created, version, log_length, body)
    VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?)`)
  const insertAudit = db.prepare(`INSERT INTO audit_entries
    (subject, seq, account_id, create_at, message, actor_type, actor_id, status_before, status_after)
    VALUES (?, 0, ?, ?, 'created', 'ACCOUNT', ?, NULL, ?)`)
  const insertEvent = db.prepare(
    "INSERT INTO outbox (event_id, account_id, published, body) VALUES (?, ?, 0, ?)"
  )
  const account = db.prepare("SELECT lim, body FROM accounts WHERE account_id = ?")
  const book =
    db.prepare(`SELECT handle_key, phone_number, status, expire_at, date_created, body FROM sender_ids
    WHERE account_id = ? ORDER BY date_created, handle_key`)

  interface Registration {
    readonly accountId: string
    readonly phoneNumber: string
    readonly resolve: (outcome: "ok" | "duplicate" | "limit") => void
  }
  let queue: Array<Registration> = []
  const PENDING_TTL = 12 * 24 * 3_600_000
  const commitGroup = () => {
    const group = queue
    queue = []
    const outcomes: Array<"ok" | "duplicate" | "limit"> = []
    db.exec("BEGIN")
    for (const r of group) {
      db.exec("SAVEPOINT r")
      if (registered.get(r.accountId, r.phoneNumber) !== undefined) {
        db.exec("ROLLBACK TO r; RELEASE r")
        outcomes.push("duplicate")
        continue
      }
      const status = held.get(r.phoneNumber, r.accountId) === undefined ? "PENDING" : "DUPLICATED"
      if (takeSlot.get(r.accountId) === undefined) {
        db.exec("ROLLBACK TO r; RELEASE r")
        outcomes.push("limit")
        continue
      }
      const now = Date.now()
      const handleKey = `SED${randomUUID().replaceAll("-", "").slice(0, 29).toUpperCase()}`
      insertSenderId.run(
        handleKey,
        r.accountId,
        r.phoneNumber,
        status,
        now + PENDING_TTL,
        now,
        JSON.stringify({
          category: "mobile",
          method: null,
          approvalDocuments: [],
          unlockDuplicate: null,
          autoExtension: false,
          dateUpdated: now
        })
      )
      insertAudit.run(handleKey, r.accountId, now, r.accountId, status)
      const eventId = `EVT${randomUUID()}`
      insertEvent.run(
        eventId,
        r.accountId,
        JSON.stringify({ eventId, type: "senderid.registered", accountId: r.accountId, occurredAt: now })
      )
      db.exec("RELEASE r")
      outcomes.push("ok")
    }
    db.exec("COMMIT")
    for (const [i, r] of group.entries()) r.resolve(outcomes[i] ?? "limit")
  }

  const bookOf = (accountId: string) => {
    const owner = account.get(accountId) as { lim: number; body: string }
    const rows = book.all(accountId) as Array<{
      handle_key: string
      phone_number: string
      status: string
      expire_at: number | null
      date_created: number
      body: string
    }>
    return {
      accountId,
      limit: owner.lim,
      senderIds: rows.map((row) => {
        const body = JSON.parse(row.body) as { method: string | null; dateUpdated: number }
        return {
          handleKey: row.handle_key,
          phoneNumber: row.phone_number,
          status: row.status,
          method: body.method,
          expireAt: iso(row.expire_at),
          dateCreated: iso(row.date_created),
          dateUpdated: iso(body.dateUpdated)
        }
      })
    }
  }

  const app = new Hono()
  app.get("/senderid/v1/numbers/active", (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    const rows = usable.all(accountId, Date.now()) as Array<{ phone_number: string }>
    return c.json(rows.map((row) => row.phone_number))
  })
  app.get("/senderid/v1/numbers", (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    return c.json(bookOf(accountId))
  })
  const eligibility = (accountId: string, input: string, now: number) => {
    const phoneNumber = PhoneNumber.lookupKey(input)
    const row = usableOne.get(accountId, phoneNumber) as
      | { status: string; expire_at: number | null }
      | undefined
    if (row === undefined)
      return { phoneNumber, eligible: false, status: "NOT_REGISTERED", reason: "NOT_REGISTERED" }
    const eligible = row.status === "ACTIVE" && (row.expire_at === null || row.expire_at > now)
    return eligible
      ? { phoneNumber, eligible, status: row.status }
      : {
          phoneNumber,
          eligible,
          status: row.status,
          reason: row.status === "ACTIVE" ? "EXPIRED" : row.status
        }
  }
  app.get("/senderid/v1/eligibility/:phoneNumber", (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    return c.json(eligibility(accountId, c.req.param("phoneNumber"), Date.now()))
  })
  app.post("/senderid/v1/eligibility", async (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    const { phoneNumbers } = (await c.req.json()) as { phoneNumbers: ReadonlyArray<string> }
    const now = Date.now()
    return c.json({ accountId, results: phoneNumbers.map((input) => eligibility(accountId, input, now)) })
  })
  app.post("/senderid/v1/numbers", async (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    const { phoneNumber: input } = (await c.req.json()) as { phoneNumber: string }
    const verdict = PhoneNumber.validate(input)
    if (verdict._tag === "Failure") return c.json({ errorCode: "InvalidPhoneNumber" }, 400)
    const outcome = await new Promise<"ok" | "duplicate" | "limit">((resolve) => {
      if (queue.length === 0) setImmediate(commitGroup)
      queue.push({ accountId, phoneNumber: verdict.success.phoneNumber, resolve })
    })
    if (outcome === "duplicate") return c.json({ errorCode: "AlreadyRegistered" }, 400)
    if (outcome === "limit") return c.json({ errorCode: "LimitExceeded" }, 400)
    return c.json(bookOf(accountId))
  })
  return {
    app,
    close: () => {
      clearInterval(flushTimer)
      db.close()
      journal.close()
    }
  }
}
