/**
 * Bulk import: `o` asks for a CSV file and registers its rows, with a progress bar while it runs
 * and a result per row; `s` saves that report as CSV. Rows that fail are listed with the server's
 * reason, and the rest still go in.
 */
import { readFile, writeFile } from "node:fs/promises"
import { resolve } from "node:path"
import { Box, Text } from "ink"
import { useRef, useState } from "react"
import { useApi } from "../Api.tsx"
import { barText } from "../components/Bars.tsx"
import { cell } from "../components/Columns.ts"
import { Notice, useNotice } from "../components/Notice.tsx"
import { PROMPT_HEIGHT, Prompt } from "../components/Prompt.tsx"
import { positionText, useCursor, VirtualList } from "../components/VirtualList.tsx"
import {
  defaultReportPath,
  type ImportRow,
  parseImport,
  type RowResult,
  reportCsv,
  runImport
} from "../import/BulkImport.ts"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { Toned } from "../theme.tsx"

interface Run {
  readonly file: string
  readonly rows: ReadonlyArray<ImportRow>
  readonly results: ReadonlyArray<RowResult>
  readonly done: boolean
}

export const Import = ({ active, width, height }: ScreenProps) => {
  const api = useApi()
  const [run, setRun] = useState<Run | undefined>(undefined)
  const [prompt, setPrompt] = useState<"file" | "report" | undefined>(undefined)
  const { notice, say } = useNotice()
  const running = useRef(false)
  const listHeight = Math.max(2, height - 5 - (prompt === undefined ? 0 : PROMPT_HEIGHT))
  const results = run?.results ?? []
  const cursor = useCursor(results.length, listHeight)

  const start = async (path: string) => {
    setPrompt(undefined)
    if (path.trim() === "" || running.current) return
    const file = resolve(path.trim())
    let text: string
    try {
      text = await readFile(file, "utf8")
    } catch (error) {
      return say(
        "bad",
        `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
      )
    }
    const parsed = parseImport(text)
    if (parsed._tag === "Invalid") return say("bad", parsed.message)
    running.current = true
    say("muted", `Importing ${parsed.rows.length} rows from ${file}…`)
    setRun({ file, rows: parsed.rows, results: [], done: false })
    cursor.set(0)
    const finished = await runImport(
      parsed.rows,
      (row) =>
        api.registerSpecialNumber({
          params: { accountId: row.accountId },
          body: { phoneNumber: row.phoneNumber }
        }),
      (result) => setRun((current) => current && { ...current, results: [...current.results, result] })
    )
    running.current = false
    // The report lists rows in the file's order, whatever order they finished in.
    setRun((current) => current && { ...current, results: finished, done: true })
    const failed = finished.filter((r) => !r.ok).length
    say(
      failed === 0 ? "good" : "warn",
      `Done: ${finished.length - failed} registered, ${failed} failed. s saves the report.`
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
      say(
        "bad",
        `Cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
      )
    }
  }

  useKeymap(
    SCREEN_SCOPES.import ?? [],
    {
      ...cursor.handlers,
      chooseFile: () => !running.current && setPrompt("file"),
      saveReport: () => {
        if (run === undefined || !run.done) say("warn", "There is no finished import to report on yet.")
        else setPrompt("report")
      }
    },
    { active }
  )

  const total = run?.rows.length ?? 0
  const ok = results.filter((r) => r.ok).length
  const barWidth = Math.max(10, width - 40)
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>Bulk import</Text>
        {run === undefined ? " · CSV with a header row naming accountId and phoneNumber" : ` · ${run.file}`}
      </Text>
      {run === undefined ? (
        <Box flexDirection="column" height={listHeight + 2}>
          <Toned tone="muted">Press o to choose a file. Each row is registered ACTIVE for its account,</Toned>
          <Toned tone="muted">
            as "register a number" does; failed rows are reported and the rest go on.
          </Toned>
        </Box>
      ) : (
        <>
          <Text wrap="truncate">
            [{barText(results.length, total, barWidth).padEnd(barWidth, "·")}] {results.length}/{total} ·{" "}
            <Toned tone="good">{ok} registered</Toned> ·{" "}
            <Toned tone={results.length - ok > 0 ? "bad" : "plain"}>{results.length - ok} failed</Toned>
            {run.done ? "" : " · running"}
          </Text>
          <Text bold wrap="truncate">
            {`${cell("line", 6)}${cell("account", 16)}${cell("number", 14)}result  `}
            <Text dimColor>{positionText(cursor.index, results.length)}</Text>
          </Text>
          <VirtualList
            items={results}
            selected={cursor.index}
            height={listHeight}
            rowKey={(r) => String(r.line)}
            empty="…"
            renderRow={(r, isSelected) => (
              <>
                {cell(String(r.line), 6)}
                {cell(r.accountId, 16)}
                {cell(r.phoneNumber, 14)}
                {r.ok ? (
                  isSelected ? (
                    `registered ${r.status}`
                  ) : (
                    <Toned tone="good">registered {r.status}</Toned>
                  )
                ) : isSelected ? (
                  `${r.errorCode}: ${r.errorMessage}`
                ) : (
                  <Toned tone="bad">
                    {r.errorCode}: {r.errorMessage}
                  </Toned>
                )}
              </>
            )}
          />
        </>
      )}
      {prompt === "file" ? (
        <Prompt
          label="CSV file:"
          placeholder="numbers.csv"
          onSubmit={(v) => void start(v)}
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
      <Notice notice={notice} />
    </Box>
  )
}
