/**
 * Bulk registration from a CSV file: reading it (a header row naming `accountId` and `phoneNumber`;
 * other columns are ignored), registering every row through the operator API a few at a time, and
 * the per-row report, which says for each line what became of it and can be saved as CSV.
 */

import { ApiError } from "@senderid/client"
import { parse } from "csv-parse/sync"
import { stringify } from "csv-stringify/sync"
import { Effect } from "effect"
import { errorText } from "../ErrorText.ts"

export interface ImportRow {
  /** The file's line the row came from, for the report. */
  readonly line: number
  readonly accountId: string
  readonly phoneNumber: string
}

export type RowResult =
  | (ImportRow & { readonly ok: true; readonly status: string })
  | (ImportRow & {
      readonly ok: false
      readonly errorCode: string
      readonly errorMessage: string
      /** Refused by the check before the import (`ImportCheck`): never sent. */
      readonly skipped?: boolean
    })

export type ParsedImport =
  | { readonly _tag: "Parsed"; readonly rows: ReadonlyArray<ImportRow> }
  | { readonly _tag: "Invalid"; readonly message: string }

/** Rows at most: more belongs in several files, or in a script over the client. */
export const MAX_ROWS = 100_000

const column = (header: ReadonlyArray<string>, name: string) =>
  header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase())

export const parseImport = (text: string): ParsedImport => {
  let records: Array<{ record: Array<string>; info: { lines: number } }>
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true
    }) as unknown as typeof records
  } catch (error) {
    return { _tag: "Invalid", message: `Not a readable CSV file: ${(error as Error).message}` }
  }
  const [head, ...body] = records
  if (head === undefined) return { _tag: "Invalid", message: "The file is empty." }
  const account = column(head.record, "accountId")
  const number = column(head.record, "phoneNumber")
  if (account < 0 || number < 0)
    return {
      _tag: "Invalid",
      message: `The first row must name the columns accountId and phoneNumber (found: ${head.record.join(", ")}).`
    }
  if (body.length > MAX_ROWS)
    return { _tag: "Invalid", message: `${body.length} rows: at most ${MAX_ROWS} per file.` }
  return {
    _tag: "Parsed",
    rows: body.map(({ record, info }) => ({
      line: info.lines,
      accountId: (record[account] ?? "").trim(),
      phoneNumber: (record[number] ?? "").trim()
    }))
  }
}

/** The error code of a row an import stopped before sending (not the server's: nothing was sent). */
export const NOT_SENT = "NotAttempted"

const BOM = "\uFEFF"

export type Register = (row: ImportRow) => Promise<{ readonly status: string }>

const resultOf = async (row: ImportRow, register: Register): Promise<RowResult> => {
  if (row.accountId === "" || row.phoneNumber === "")
    return {
      ...row,
      ok: false,
      errorCode: "MissingValue",
      errorMessage: "accountId and phoneNumber are both needed"
    }
  try {
    const registered = await register(row)
    return { ...row, ok: true, status: registered.status }
  } catch (error) {
    return error instanceof ApiError
      ? { ...row, ok: false, errorCode: error.errorCode, errorMessage: error.errorMessage }
      : { ...row, ok: false, errorCode: "NoAnswer", errorMessage: errorText(error) }
  }
}

/**
 * Registers every row, telling `onResult` as each finishes, and answers with the results in file
 * order. Accounts are worked on `concurrency` at a time, but one account's rows go in file order,
 * so which row meets the account's limit is always the same. A failed row is a result, not a stop;
 * `signal` stops it (rows already sent finish).
 */
export const runImport = (
  rows: ReadonlyArray<ImportRow>,
  register: Register,
  onResult: (result: RowResult) => void,
  options: { readonly concurrency?: number; readonly signal?: AbortSignal } = {}
): Promise<ReadonlyArray<RowResult>> => {
  const byAccount = new Map<string, Array<ImportRow>>()
  for (const row of rows) {
    const group = byAccount.get(row.accountId)
    if (group === undefined) byAccount.set(row.accountId, [row])
    else group.push(row)
  }
  // A stopped import still answers for every row: those not sent say so, and nothing was done for them.
  const registerRow = (row: ImportRow) =>
    Effect.promise(() =>
      options.signal?.aborted === true
        ? Promise.resolve<RowResult>({
            ...row,
            ok: false,
            errorCode: NOT_SENT,
            errorMessage: "the import was stopped before this row"
          })
        : resultOf(row, register)
    ).pipe(Effect.tap((result) => Effect.sync(() => onResult(result))))
  return Effect.runPromise(
    Effect.forEach([...byAccount.values()], (accountRows) => Effect.forEach(accountRows, registerRow), {
      concurrency: options.concurrency ?? 4
    }).pipe(Effect.map((groups) => groups.flat().sort((a, b) => a.line - b.line)))
  )
}

/** The report as CSV, one line per row in file order. It starts with a byte-order mark: Excel on
 * Korean Windows reads a CSV without one as CP949 and garbles Hangul account names. */
export const reportCsv = (results: ReadonlyArray<RowResult>): string =>
  BOM +
  stringify(
    results.map((r) => ({
      line: r.line,
      accountId: r.accountId,
      phoneNumber: r.phoneNumber,
      result: r.ok
        ? "registered"
        : r.skipped === true
          ? "skipped"
          : r.errorCode === NOT_SENT
            ? "not sent"
            : "failed",
      status: r.ok ? r.status : "",
      errorCode: r.ok ? "" : r.errorCode,
      errorMessage: r.ok ? "" : r.errorMessage
    })),
    {
      header: true,
      columns: ["line", "accountId", "phoneNumber", "result", "status", "errorCode", "errorMessage"]
    }
  )

/** Where the report goes unless the operator says otherwise: beside the imported file. */
export const defaultReportPath = (csvPath: string) => `${csvPath.replace(/\.csv$/iu, "")}.report.csv`
