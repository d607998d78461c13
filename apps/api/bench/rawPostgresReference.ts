/**
 * The benchmark's raw-engine reference on PostgreSQL: a BENCH FIXTURE, not the product. The hot
 * routes hand-written on `pg` with nothing between them and the engine: HMAC with `node:crypto`,
 * signatures claimed in process (no shared store), the active list in one query, and a registration
 * in 2 round trips — one data-modifying CTE (slot, sender ID, audit entry, event) and one `json_agg`
 * book. It skips what the product does beyond that, so it is the limit we measure ourselves against.
 */
import { randomUUID } from "node:crypto"
import { PhoneNumber } from "@senderid/domain"
import { Hono } from "hono"
import pg from "pg"
import { makeRawAuthentication, type RawKey } from "./rawAuthentication.ts"

const PENDING_TTL = 12 * 24 * 3_600_000

const REGISTER = `WITH
  slot AS (UPDATE accounts SET held = held + 1 WHERE account_id = $1 AND held < lim RETURNING account_id),
  registration AS (
    INSERT INTO sender_ids (handle_key, account_id, phone_number, status, expire_at, date_created, version, log_length, body)
    SELECT $3, $1, $2,
      CASE WHEN EXISTS (SELECT 1 FROM sender_ids WHERE phone_number = $2 AND status IN ('ACTIVE', 'INACTIVE')
        AND account_id <> $1) THEN 'DUPLICATED' ELSE 'PENDING' END,
      $4, $5, 0, 1, $6
    WHERE EXISTS (SELECT 1 FROM slot)
    RETURNING handle_key, status),
  audit AS (
    INSERT INTO audit_entries (subject, seq, account_id, create_at, message, actor_type, actor_id, status_before, status_after)
    SELECT handle_key, 0, $1, $5, 'created', 'ACCOUNT', $1, NULL, status FROM registration),
  event AS (INSERT INTO outbox (event_id, account_id, published, body) SELECT $7, $1, 0, $8 FROM registration)
SELECT (SELECT count(*) FROM registration) AS inserted`

const BOOK = `SELECT a.lim,
  COALESCE(json_agg(json_build_object('handleKey', s.handle_key, 'phoneNumber', s.phone_number,
    'status', s.status, 'expireAt', s.expire_at, 'dateCreated', s.date_created, 'body', s.body)
    ORDER BY s.date_created, s.handle_key COLLATE "C") FILTER (WHERE s.handle_key IS NOT NULL), '[]') AS senders
  FROM accounts a LEFT JOIN sender_ids s ON s.account_id = a.account_id
  WHERE a.account_id = $1 GROUP BY a.lim`

const iso = (millis: unknown) => (millis === null ? null : new Date(Number(millis)).toISOString())

export const makeRawPostgresReference = (url: string, keys: ReadonlyArray<RawKey>) => {
  const pool = new pg.Pool({ connectionString: url, max: 8 })

  const authenticate = makeRawAuthentication(keys)

  const bookOf = async (accountId: string) => {
    const { rows } = await pool.query<{ lim: number; senders: Array<Record<string, unknown>> }>(BOOK, [
      accountId
    ])
    const owner = rows[0]
    return {
      accountId,
      limit: owner?.lim ?? 0,
      senderIds: (owner?.senders ?? []).map((s) => {
        const body = JSON.parse(String(s.body)) as { method: string | null; dateUpdated: number }
        return {
          handleKey: s.handleKey,
          phoneNumber: s.phoneNumber,
          status: s.status,
          method: body.method,
          expireAt: iso(s.expireAt),
          dateCreated: iso(s.dateCreated),
          dateUpdated: iso(body.dateUpdated)
        }
      })
    }
  }

  const app = new Hono()
  app.get("/senderid/v1/numbers/active", async (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    const { rows } = await pool.query<{ phone_number: string }>(
      `SELECT phone_number FROM sender_ids WHERE account_id = $1 AND status = 'ACTIVE'
        AND (expire_at IS NULL OR expire_at > $2) ORDER BY date_created, handle_key COLLATE "C"`,
      [accountId, Date.now()]
    )
    return c.json(rows.map((row) => row.phone_number))
  })
  app.get("/senderid/v1/numbers", async (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    return c.json(await bookOf(accountId))
  })
  app.post("/senderid/v1/numbers", async (c) => {
    const accountId = authenticate(c)
    if (typeof accountId !== "string") return accountId
    const { phoneNumber: input } = (await c.req.json()) as { phoneNumber: string }
    const verdict = PhoneNumber.validate(input)
    if (verdict._tag === "Failure") return c.json({ errorCode: "InvalidPhoneNumber" }, 400)
    const now = Date.now()
    const handleKey = `SED${randomUUID().replaceAll("-", "").slice(0, 29).toUpperCase()}`
    const eventId = `EVT${randomUUID()}`
    const body = JSON.stringify({
      category: verdict.success.category,
      method: null,
      approvalDocuments: [],
      unlockDuplicate: null,
      autoExtension: false,
      dateUpdated: now
    })
    const event = JSON.stringify({ eventId, type: "senderid.registered", accountId, occurredAt: now })
    try {
      const { rows } = await pool.query<{ inserted: string }>(REGISTER, [
        accountId,
        verdict.success.phoneNumber,
        handleKey,
        now + PENDING_TTL,
        now,
        body,
        eventId,
        event
      ])
      if (Number(rows[0]?.inserted) !== 1) return c.json({ errorCode: "LimitExceeded" }, 400)
    } catch {
      return c.json({ errorCode: "AlreadyRegistered" }, 400)
    }
    return c.json(await bookOf(accountId))
  })
  return { app, close: () => pool.end() }
}
