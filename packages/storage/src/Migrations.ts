/**
 * The registry's schema, as versioned migrations run by Effect's SQL migrator. One definition
 * serves SQLite, D1 and PostgreSQL; the few dialect differences (64-bit integers, the outbox's
 * sequence, bytewise text order, JSON functions) are spelled out where they occur. Invariants live
 * in the schema itself — a CHECK keeps an account's book within its limit, unique indexes keep one
 * registration per account and one holder per number — so no engine can be talked out of them.
 */
import { Effect } from "effect"
import * as Migrator from "effect/sql/Migrator"
import * as SqlClient from "effect/sql/SqlClient"
import { accountSubject } from "./internal/rows.ts"

/** The migration that creates the registry, kept as plain statements so D1 can apply it as a batch. */
export const registryStatements = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => {
  const bigint = dialect === "pg" ? "BIGINT" : "INTEGER"
  const sequence = dialect === "pg" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
  return [
    `CREATE TABLE accounts (
      account_id TEXT PRIMARY KEY,
      lim INTEGER NOT NULL,
      held INTEGER NOT NULL DEFAULT 0,
      version INTEGER NOT NULL,
      body TEXT NOT NULL,
      CONSTRAINT held_within_limit CHECK (held >= 0 AND held <= lim)
    )`,
    `CREATE TABLE sender_ids (
      handle_key TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts (account_id),
      phone_number TEXT NOT NULL,
      status TEXT NOT NULL,
      expire_at ${bigint},
      date_created ${bigint} NOT NULL,
      version INTEGER NOT NULL,
      log_length INTEGER NOT NULL,
      body TEXT NOT NULL,
      CONSTRAINT one_registration_per_account UNIQUE (account_id, phone_number)
    )`,
    // At most one account holds a number: the partial index makes a second holder impossible.
    `CREATE UNIQUE INDEX sender_ids_one_holder ON sender_ids (phone_number) WHERE status IN ('ACTIVE', 'INACTIVE')`,
    `CREATE INDEX sender_ids_lapsing ON sender_ids (expire_at) WHERE expire_at IS NOT NULL AND status <> 'EXPIRED'`,
    // Append-only: rows are inserted, never updated or deleted, and outlive their sender ID.
    `CREATE TABLE audit_entries (
      subject TEXT NOT NULL,
      seq INTEGER NOT NULL,
      account_id TEXT NOT NULL,
      create_at ${bigint} NOT NULL,
      message TEXT NOT NULL,
      actor_type TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      status_before TEXT,
      status_after TEXT,
      PRIMARY KEY (subject, seq)
    )`,
    `CREATE TABLE documents (
      document_id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      category TEXT NOT NULL,
      in_use INTEGER NOT NULL,
      date_created ${bigint} NOT NULL,
      body TEXT NOT NULL
    )`,
    `CREATE INDEX documents_by_account ON documents (account_id, document_id)`,
    `CREATE TABLE challenges (
      transaction_id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      body TEXT NOT NULL
    )`,
    `CREATE TABLE outbox (
      seq ${sequence},
      event_id TEXT NOT NULL UNIQUE,
      account_id TEXT NOT NULL,
      published INTEGER NOT NULL DEFAULT 0,
      body TEXT NOT NULL
    )`,
    `CREATE INDEX outbox_unpublished ON outbox (published, seq)`
  ]
}

/** The stores the server needs beside the registry: replay protection, idempotency keys, evidence
 * bytes at the edge, and API keys (their secrets encrypted by the adapter when configured). */
export const serverStoreStatements = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => {
  const bigint = dialect === "pg" ? "BIGINT" : "INTEGER"
  return [
    `CREATE TABLE used_signatures (
      signature TEXT PRIMARY KEY,
      expires_at ${bigint} NOT NULL
    )`,
    "CREATE INDEX used_signatures_expiry ON used_signatures (expires_at)",
    `CREATE TABLE idempotency_keys (
      scope TEXT NOT NULL,
      key TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('in_flight', 'completed')),
      status INTEGER,
      body TEXT,
      headers TEXT,
      expires_at ${bigint} NOT NULL,
      PRIMARY KEY (scope, key)
    )`,
    "CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)",
    `CREATE TABLE document_blobs (
      document_id TEXT PRIMARY KEY,
      bytes ${dialect === "pg" ? "BYTEA" : "BLOB"} NOT NULL
    )`,
    `CREATE TABLE api_keys (
      api_key TEXT PRIMARY KEY,
      secret TEXT NOT NULL,
      scopes TEXT NOT NULL,
      account_id TEXT,
      operator_id TEXT,
      date_created ${bigint} NOT NULL,
      revoked_at ${bigint}
    )`,
    "CREATE INDEX api_keys_account ON api_keys (account_id)"
  ]
}

/** What the message sender reads before it sends: an account's usable numbers in the book's order.
 * Partial on ACTIVE and covering, so the read is one ordered index range with no table access. */
export const usableNumbersStatements = (): ReadonlyArray<string> => [
  `CREATE INDEX sender_ids_usable ON sender_ids (account_id, date_created, handle_key, expire_at, phone_number)
    WHERE status = 'ACTIVE'`
]

/** ARS calls are rationed per number, across accounts and deleted registrations: challenges are
 * looked up by number and time. Rows from before this migration have neither and are not counted. */
export const challengeLookupStatements = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => [
  "ALTER TABLE challenges ADD COLUMN phone_number TEXT",
  `ALTER TABLE challenges ADD COLUMN placed_at ${dialect === "pg" ? "BIGINT" : "INTEGER"}`,
  "CREATE INDEX challenges_by_number ON challenges (phone_number, placed_at)"
]

/** Audit entries name the request that made a change and the API key it was signed with. Entries
 * written before have neither, as entries made outside a request (the sweep) never do. */
export const auditRequestStatements = (): ReadonlyArray<string> => [
  "ALTER TABLE audit_entries ADD COLUMN request_id TEXT",
  "ALTER TABLE audit_entries ADD COLUMN api_key TEXT"
]

/**
 * The operator's review queue: every PENDING review (`SenderId.pendingReviews`,
 * `Account.pendingReviews`) as a row filed under its aggregate (`subject`: the sender ID's handle
 * key, or the account's audit subject), kept current by each commit. The queue pages in code-unit
 * order like every adapter, so on PostgreSQL, whose default collation follows the locale, review
 * ids compare bytewise; `accounts` gets a bytewise index there for `listAccounts` (SQLite's
 * primary key already is one). The queue starts with the reviews already stored.
 */
export const reviewQueueStatements = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => [
  `CREATE TABLE review_queue (
    review_id TEXT${dialect === "pg" ? ' COLLATE "C"' : ""} PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id TEXT NOT NULL,
    handle_key TEXT,
    phone_number TEXT,
    date_created ${dialect === "pg" ? "BIGINT" : "INTEGER"} NOT NULL,
    subject TEXT NOT NULL
  )`,
  "CREATE INDEX review_queue_by_age ON review_queue (date_created, review_id)",
  "CREATE INDEX review_queue_by_kind ON review_queue (kind, date_created, review_id)",
  "CREATE INDEX review_queue_by_account ON review_queue (account_id, date_created, review_id)",
  "CREATE INDEX review_queue_by_subject ON review_queue (subject)",
  ...(dialect === "pg" ? ['CREATE INDEX accounts_by_id ON accounts (account_id COLLATE "C")'] : []),
  ...reviewQueueBackfill(dialect)
]

/**
 * The queue of a database that predates it, read from the aggregates' JSON bodies (`rows.ts`)
 * with each engine's JSON functions: SQLite and D1 `json_each` and `->>`, PostgreSQL `jsonb`.
 * Plain statements, so D1 runs them in its migration batch; the same rules as `pendingReviews`.
 */
const reviewQueueBackfill = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => {
  const into =
    "INSERT INTO review_queue (review_id, kind, account_id, handle_key, phone_number, date_created, subject)"
  // A review id seen twice keeps its first row rather than failing the migration.
  const unique = "ON CONFLICT (review_id) DO NOTHING"
  const accountSubjectOf = `'${accountSubject("")}' || a.account_id`
  if (dialect === "pg") {
    return [
      `${into}
      SELECT r ->> 'approvalId', 'EVIDENCE', s.account_id, s.handle_key, s.phone_number,
        (r ->> 'dateCreated')::bigint, s.handle_key
      FROM sender_ids s, jsonb_array_elements(s.body::jsonb -> 'approvalDocuments') r
      WHERE r ->> 'status' = 'PENDING' ${unique}`,
      `${into}
      SELECT s.body::jsonb #>> '{unlockDuplicate,duplicateId}', 'DUPLICATE_UNLOCK', s.account_id, s.handle_key,
        s.phone_number, (s.body::jsonb #>> '{unlockDuplicate,dateCreated}')::bigint, s.handle_key
      FROM sender_ids s
      WHERE s.body::jsonb #>> '{unlockDuplicate,status}' = 'PENDING' ${unique}`,
      `${into}
      SELECT r ->> 'limitationId', 'LIMITATION', a.account_id, NULL, NULL, (r ->> 'dateCreated')::bigint,
        ${accountSubjectOf}
      FROM accounts a, jsonb_array_elements(a.body::jsonb -> 'limitationRequests') r
      WHERE r ->> 'status' = 'PENDING' ${unique}`
    ]
  }
  // The WHERE before ON CONFLICT is required: SQLite would read a bare join's ON CONFLICT as a join's ON.
  return [
    `${into}
    SELECT r.value ->> '$.approvalId', 'EVIDENCE', s.account_id, s.handle_key, s.phone_number,
      r.value ->> '$.dateCreated', s.handle_key
    FROM sender_ids s, json_each(s.body, '$.approvalDocuments') r
    WHERE r.value ->> '$.status' = 'PENDING' ${unique}`,
    `${into}
    SELECT s.body ->> '$.unlockDuplicate.duplicateId', 'DUPLICATE_UNLOCK', s.account_id, s.handle_key,
      s.phone_number, s.body ->> '$.unlockDuplicate.dateCreated', s.handle_key
    FROM sender_ids s
    WHERE s.body ->> '$.unlockDuplicate.status' = 'PENDING' ${unique}`,
    `${into}
    SELECT r.value ->> '$.limitationId', 'LIMITATION', a.account_id, NULL, NULL, r.value ->> '$.dateCreated',
      ${accountSubjectOf}
    FROM accounts a, json_each(a.body, '$.limitationRequests') r
    WHERE r.value ->> '$.status' = 'PENDING' ${unique}`
  ]
}

/**
 * Webhooks (`webhooks.ts`): endpoints, their deliveries, and every attempt of a delivery.
 * `lease_until` is when a delivery's claim runs out, 0 when it has none. Deliveries are read in two
 * orders, each served by an index: due for a claim (PENDING, in claim order), and newest first —
 * all of them, or an account's, an endpoint's or a status's. Ids are "C" on PostgreSQL so
 * claims and pages follow code-unit order like every adapter (and an id column is compared only with
 * another of the same collation).
 */
export const webhookStatements = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => {
  const bigint = dialect === "pg" ? "BIGINT" : "INTEGER"
  const id = dialect === "pg" ? 'TEXT COLLATE "C"' : "TEXT"
  return [
    `CREATE TABLE webhook_endpoints (
      endpoint_id ${id} PRIMARY KEY,
      account_id TEXT NOT NULL,
      url TEXT NOT NULL,
      events TEXT NOT NULL,
      secret TEXT NOT NULL,
      date_created ${bigint} NOT NULL
    )`,
    "CREATE INDEX webhook_endpoints_by_account ON webhook_endpoints (account_id, date_created, endpoint_id)",
    `CREATE TABLE webhook_deliveries (
      delivery_id ${id} PRIMARY KEY,
      endpoint_id ${id} NOT NULL,
      account_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
      attempts INTEGER NOT NULL,
      next_attempt_at ${bigint} NOT NULL,
      lease_until ${bigint} NOT NULL DEFAULT 0,
      date_created ${bigint} NOT NULL,
      date_updated ${bigint} NOT NULL
    )`,
    // Not partial on PENDING: SQLite's planner, without statistics, prefers `_by_status` (an equality)
    // to a partial index's range, and then sorts every pending delivery to pick a claim's few.
    "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at, delivery_id)",
    "CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (date_created, delivery_id)",
    "CREATE INDEX webhook_deliveries_by_account ON webhook_deliveries (account_id, date_created, delivery_id)",
    "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, date_created, delivery_id)",
    "CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, date_created, delivery_id)",
    `CREATE TABLE webhook_attempts (
      delivery_id ${id} NOT NULL,
      attempt INTEGER NOT NULL,
      at ${bigint} NOT NULL,
      duration_ms INTEGER NOT NULL,
      http_status INTEGER,
      error TEXT,
      PRIMARY KEY (delivery_id, attempt)
    )`
  ]
}

/** An account book a page at a time (`listSenderIdPage`): one ordered index range per page, with
 * or without a status, so a page costs the same in a book of any size. The handle key breaks ties
 * between numbers registered in the same millisecond; bytewise ("C") on PostgreSQL, as the
 * adapters order it. `listSenderIds` reads the whole book along the same index. */
export const bookOrderStatements = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => {
  const handleKey = dialect === "pg" ? 'handle_key COLLATE "C"' : "handle_key"
  return [
    `CREATE INDEX sender_ids_book ON sender_ids (account_id, date_created, ${handleKey})`,
    `CREATE INDEX sender_ids_book_by_status ON sender_ids (account_id, status, date_created, ${handleKey})`
  ]
}

/** An operator's note on a change (the note an approval carries) is kept with its audit entry.
 * Entries written before have none. The review's own copy lives in its aggregate's JSON body. */
export const auditNoteStatements = (): ReadonlyArray<string> => [
  "ALTER TABLE audit_entries ADD COLUMN note TEXT"
]

/**
 * ARS PINs kept as keyed hashes (`PinHasher`, domain): every stored PIN is removed from its
 * challenge's body. The key lives outside SQL (the master key) or is made on first use, so no
 * statement here can hash a PIN: a challenge still open at the upgrade gets an empty hash and is
 * expired (`expireAt` = its creation), so answering it reports ChallengeExpired and a new call,
 * rationed as before, gives a PIN that checks. Challenges last minutes, so few if any are open.
 * `deployment_secrets` holds keys a deployment generated for itself (`pinKeys.ts`).
 */
export const arsPinHashStatements = (dialect: "sqlite" | "pg"): ReadonlyArray<string> => [
  dialect === "pg"
    ? `UPDATE challenges
      SET body = (jsonb_set(body::jsonb - 'pin', '{expireAt}', body::jsonb -> 'dateCreated')
        || '{"pinHash": ""}'::jsonb)::text
      WHERE body::jsonb -> 'pin' IS NOT NULL`
    : `UPDATE challenges
      SET body = json_set(json_remove(body, '$.pin'), '$.pinHash', '', '$.expireAt', body ->> '$.dateCreated')
      WHERE body ->> '$.pin' IS NOT NULL`,
  `CREATE TABLE deployment_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    date_created ${dialect === "pg" ? "BIGINT" : "INTEGER"} NOT NULL
  )`
]

/** Service keys (`sender:*` scopes, the message sender's) belong to a service, not to an account
 * or an operator. Keys issued before have none. */
export const serviceKeyStatements = (): ReadonlyArray<string> => [
  "ALTER TABLE api_keys ADD COLUMN service_id TEXT"
]

const dialectOf = (sql: SqlClient.SqlClient) =>
  sql.onDialectOrElse({ pg: () => "pg" as const, orElse: () => "sqlite" as const })

const applying = (statements: (dialect: "sqlite" | "pg") => ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    for (const statement of statements(dialectOf(sql))) yield* sql.unsafe(statement)
  })

export const migrations = Migrator.fromRecord({
  "1_registry": applying(registryStatements),
  "2_server_stores": applying(serverStoreStatements),
  "3_usable_numbers": applying(usableNumbersStatements),
  "4_challenge_lookup": applying(challengeLookupStatements),
  "5_review_queue": applying(reviewQueueStatements),
  "6_webhooks": applying(webhookStatements),
  "7_audit_request": applying(auditRequestStatements),
  "8_book_order": applying(bookOrderStatements),
  "9_review_notes": applying(auditNoteStatements),
  "10_ars_pin_hash": applying(arsPinHashStatements),
  "11_service_keys": applying(serviceKeyStatements)
})

/** Applies every migration not applied yet, each in its own transaction; safe to run at every start. */
export const migrate = Migrator.make({})({ loader: migrations, table: "senderid_migrations" })
