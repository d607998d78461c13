/**
 * Bulk import: `o` asks for a CSV file and checks it before anything is sent (numbers that are not
 * numbers, accounts that do not exist, missing values, repeated rows, accounts it would take past
 * their limit), lists the rows it would skip and why, and on Enter registers the rest, with a
 * progress bar and a result per row; `x` stops it; `s` saves the report as CSV. Rows the server
 * refuses are listed with its reason, and the rest still go in.
 */
import { readFile, writeFile } from "node:fs/promises"
import { Effect } from "effect"
import { Box } from "ink"
import { type ReactNode, useRef, useState } from "react"
import { useApi } from "../Api.tsx"
import { useBusy } from "../Busy.tsx"
import { barText } from "../components/Bars.tsx"
import { cell } from "../components/Columns.ts"
import { Confirm } from "../components/Confirm.tsx"
import { NOTICE_HEIGHT, Notice, useNotice } from "../components/Notice.tsx"
import { PROMPT_HEIGHT, Prompt } from "../components/Prompt.tsx"
import { Text } from "../components/Text.tsx"
import { positionText, useCursor, VirtualList } from "../components/VirtualList.tsx"
import { errorText } from "../ErrorText.ts"
import {
  defaultReportPath,
  type ImportRow,
  NOT_SENT,
  parseImport,
  type RowResult,
  reportCsv,
  runImport
} from "../import/BulkImport.ts"
import { checkImport, type ImportPlan, planSummary } from "../import/ImportCheck.ts"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { useResolvePath } from "../Paths.tsx"
import { Toned } from "../theme.tsx"

/** A file read and checked, waiting for the operator's go-ahead. */
interface Ready {
  readonly file: string
  readonly plan: ImportPlan
}

interface Run {
  readonly file: string
  /** The rows sent (those the check passed). */
  readonly rows: ReadonlyArray<ImportRow>
  /** The skipped rows first, then each sent row's result as it arrives. */
  readonly results: ReadonlyArray<RowResult>
  readonly done: boolean
}

/** Accounts looked up at a time while checking a file. */
const LOOKUPS_AT_ONCE = 4

/** Why a row was not registered: the check's reason or the server's. */
const problemText = (r: RowResult) =>
  r.ok ? "" : `${r.skipped === true ? "skipped " : ""}${r.errorCode}: ${r.errorMessage}`

const fileProblem = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message

export const Import = ({ active, width, height }: ScreenProps) => {
  const api = useApi()
  const resolve = useResolvePath()
  const [run, setRun] = useState<Run | undefined>(undefined)
  const [ready, setReady] = useState<Ready | undefined>(undefined)
  const [prompt, setPrompt] = useState<"file" | "report" | undefined>(undefined)
  const { notice, say } = useNotice()
  const running = useRef(false)
  const stop = useRef<AbortController | undefined>(undefined)
  const busy = useBusy()
  // Results arrive far faster than a terminal can show them; they are drawn ten times a second.
  const arrived = useRef<Array<RowResult>>([])
  const asking = prompt !== undefined || (ready !== undefined && ready.plan.send.length > 0)
  const listHeight = Math.max(2, height - 3 - NOTICE_HEIGHT - (asking ? PROMPT_HEIGHT : 0))
  // While a checked file waits for the go-ahead, the list shows the rows it would skip.
  const results = ready?.plan.skipped ?? run?.results ?? []
  const cursor = useCursor(results.length, listHeight)

  /** The accounts among `accountIds` that exist, with what they hold and may hold. */
  const lookup = (accountIds: ReadonlyArray<string>) =>
    Effect.runPromise(
      Effect.forEach(
        accountIds,
        (accountId) =>
          Effect.tryPromise({
            // The first account from this id on is this one if it exists.
            try: () => api.listAccounts({ query: { startKey: accountId, limit: 1 } }),
            catch: (error) => error
          }).pipe(
            Effect.map((page) =>
              page.accounts
                .filter((a) => a.accountId === accountId)
                .map((a) => [accountId, { held: a.senderIdCount, limit: a.limit }] as const)
            )
          ),
        { concurrency: LOOKUPS_AT_ONCE }
      ).pipe(Effect.map((found) => new Map(found.flat())))
    )

  /** Reads and checks the file, then asks before registering anything. */
  const choose = async (path: string) => {
    setPrompt(undefined)
    if (path.trim() === "" || running.current) return
    const file = resolve(path.trim())
    let text: string
    try {
      text = await readFile(file, "utf8")
    } catch (error) {
      return say("bad", `Cannot read ${file}: ${fileProblem(error)}`)
    }
    const parsed = parseImport(text)
    if (parsed._tag === "Invalid") return say("bad", parsed.message)
    if (parsed.rows.length === 0) return say("warn", `${file} has its header row and no rows.`)
    say("muted", `Checking ${parsed.rows.length} rows of ${file}…`)
    let plan: ImportPlan
    try {
      plan = await checkImport(parsed.rows, lookup)
    } catch (error) {
      return say("bad", `Cannot check the accounts: ${errorText(error)}`)
    }
    cursor.set(0)
    if (plan.send.length > 0) {
      setReady({ file, plan })
      return say(plan.skipped.length === 0 ? "muted" : "warn", planSummary(plan))
    }
    // Nothing to send: the skipped rows are the whole report.
    setRun({ file, rows: [], results: plan.skipped, done: true })
    say("bad", `Nothing to register; s saves the report. ${planSummary(plan)}`)
  }

  const start = async ({ file, plan }: Ready) => {
    setReady(undefined)
    const rows = plan.send
    running.current = true
    const controller = new AbortController()
    stop.current = controller
    busy.current = `An import is running (${rows.length} rows)`
    say("muted", `Importing ${rows.length} rows from ${file}… x stops.`)
    setRun({ file, rows, results: plan.skipped, done: false })
    cursor.set(0)
    arrived.current = []
    const draw = setInterval(() => {
      const batch = arrived.current.splice(0)
      if (batch.length > 0)
        setRun((current) => current && { ...current, results: [...current.results, ...batch] })
    }, 100)
    const finished = await runImport(
      rows,
      (row) =>
        api.registerSpecialNumber({
          params: { accountId: row.accountId },
          body: { phoneNumber: row.phoneNumber }
        }),
      (result) => arrived.current.push(result),
      { signal: controller.signal }
    ).finally(() => {
      clearInterval(draw)
      running.current = false
      stop.current = undefined
      busy.current = undefined
    })
    // The report lists rows in the file's order, whatever order they finished in.
    const all = [...plan.skipped, ...finished].sort((a, b) => a.line - b.line)
    setRun((current) => current && { ...current, results: all, done: true })
    const failed = finished.filter((r) => !r.ok).length
    const notSent = finished.filter((r) => !r.ok && r.errorCode === NOT_SENT).length
    const skipped = plan.skipped.length
    say(
      failed === 0 && skipped === 0 ? "good" : "warn",
      `${notSent > 0 ? `Stopped, ${notSent} rows not sent: ` : "Done: "}${finished.length - failed} registered, ${
        failed - notSent
      } failed${skipped > 0 ? `, ${skipped} skipped` : ""}. s saves the report.`
    )
  }

  const save = async (path: string) => {
    setPrompt(undefined)
    if (run === undefined || path.trim() === "") return
    const target = resolve(path.trim())
    try {
      await writeFile(target, reportCsv(run.results))
      say("good", `Saved the report of ${run.results.length} rows to ${target}`)
    } catch (error) {
      say("bad", `Cannot write ${target}: ${fileProblem(error)}`)
    }
  }

  useKeymap(
    SCREEN_SCOPES.import ?? [],
    {
      ...cursor.handlers,
      chooseFile: () => {
        if (running.current) say("warn", "An import is running: x stops it.")
        else setPrompt("file")
      },
      stopImport: () => {
        if (stop.current === undefined) return
        stop.current.abort()
        say("warn", "Stopping: rows already sent finish, the others are not sent…")
      },
      saveReport: () => {
        if (run === undefined || !run.done) say("warn", "There is no finished import to report on yet.")
        else setPrompt("report")
      }
    },
    { active }
  )

  const total = run?.rows.length ?? 0
  const ok = results.filter((r) => r.ok).length
  const notSent = results.filter((r) => !r.ok && r.errorCode === NOT_SENT).length
  const skipped = results.filter((r) => !r.ok && r.skipped === true).length
  const sent = results.length - notSent - skipped
  const failed = sent - ok
  // What the counts beside the bar take: "stopped 10000/10000 ✓10000 ✗10000 ·10000 not sent
  // ⊘10000 skipped []".
  const barWidth = Math.max(
    10,
    width -
      15 -
      String(total).length * 4 -
      (notSent > 0 ? 11 + String(notSent).length : 0) -
      (skipped > 0 ? 10 + String(skipped).length : 0)
  )
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>Bulk import</Text>
        {ready !== undefined
          ? ` · ${ready.file}`
          : run === undefined
            ? " · CSV with a header row naming accountId and phoneNumber"
            : ` · ${run.file}`}
      </Text>
      {ready !== undefined ? (
        <>
          <Toned tone={ready.plan.skipped.length === 0 ? "good" : "warn"} wrap="truncate">
            {ready.plan.skipped.length === 0
              ? "Every row passed the check."
              : `${ready.plan.skipped.length} rows will be skipped (not sent; in the report):`}
          </Toned>
          <RowTable
            rows={results}
            selected={cursor.index}
            height={listHeight}
            lastColumn="problem"
            empty="—"
            outcome={(r, isSelected) =>
              r.ok ? "" : isSelected ? problemText(r) : <Toned tone="warn">{problemText(r)}</Toned>
            }
          />
        </>
      ) : run === undefined ? (
        <Box flexDirection="column" height={listHeight + 2}>
          <Toned tone="muted">Press o to choose a file. Each row is registered ACTIVE for its account,</Toned>
          <Toned tone="muted">
            as "register a number" does; failed rows are reported and the rest go on.
          </Toned>
        </Box>
      ) : (
        <>
          <Text wrap="truncate">
            <Toned tone="muted">{run.done ? (notSent > 0 ? "stopped " : "done ") : "running "}</Toned>
            {sent}/{total} <Toned tone="good">✓{ok}</Toned>{" "}
            <Toned tone={failed > 0 ? "bad" : "plain"}>✗{failed}</Toned>
            {notSent > 0 ? ` ·${notSent} not sent` : ""}
            {skipped > 0 ? ` ⊘${skipped} skipped` : ""} [
            {barText(sent, total, barWidth).padEnd(barWidth, "·")}]
          </Text>
          <RowTable
            rows={results}
            selected={cursor.index}
            height={listHeight}
            lastColumn="result"
            empty="…"
            outcome={(r, isSelected) =>
              r.ok ? (
                isSelected ? (
                  `registered ${r.status}`
                ) : (
                  <Toned tone="good">registered {r.status}</Toned>
                )
              ) : isSelected ? (
                problemText(r)
              ) : (
                <Toned tone={r.skipped === true ? "warn" : "bad"}>{problemText(r)}</Toned>
              )
            }
          />
        </>
      )}
      {prompt === "file" ? (
        <Prompt
          label="CSV file:"
          placeholder="numbers.csv"
          onSubmit={(v) => void choose(v)}
          onCancel={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt === "report" && run !== undefined ? (
        <Prompt
          label="Save the report to:"
          initial={defaultReportPath(run.file)}
          onSubmit={(v) => void save(v)}
          onCancel={() => setPrompt(undefined)}
        />
      ) : null}
      {ready === undefined ? null : (
        <Confirm
          question={`Register ${ready.plan.send.length} rows for ${ready.plan.accounts} accounts, ACTIVE at once?${
            ready.plan.skipped.length > 0 ? ` The ${ready.plan.skipped.length} listed are skipped.` : ""
          }`}
          onConfirm={() => void start(ready)}
          onCancel={() => {
            setReady(undefined)
            say("muted", "Nothing was imported.")
          }}
        />
      )}
      <Notice notice={notice} />
    </Box>
  )
}

/** The rows of a file, checked or sent: line, account and number, then what became of each. */
const RowTable = ({
  rows,
  selected,
  height,
  lastColumn,
  empty,
  outcome
}: {
  readonly rows: ReadonlyArray<RowResult>
  readonly selected: number
  readonly height: number
  readonly lastColumn: string
  readonly empty: string
  readonly outcome: (row: RowResult, isSelected: boolean) => ReactNode
}) => (
  <>
    <Text bold wrap="truncate">
      {`${cell("line", 6)}${cell("account", 17)}${cell("number", 14)}${lastColumn}  `}
      <Text dimColor>{positionText(selected, rows.length)}</Text>
    </Text>
    <VirtualList
      items={rows}
      selected={selected}
      height={height}
      rowKey={(r) => String(r.line)}
      empty={empty}
      renderRow={(r, isSelected) => (
        <>
          {cell(String(r.line), 6)}
          {cell(r.accountId, 17)}
          {cell(r.phoneNumber, 14)}
          {outcome(r, isSelected)}
        </>
      )}
    />
  </>
)
