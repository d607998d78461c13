/**
 * One account's sender IDs: filter by status (`f`), search by number as you type (`/`), Enter for a
 * number's details and audit timeline, `n` to register another. The whole book is loaded once and
 * filtered here; the list renders only the rows on screen, so 10,000 numbers stay quick.
 */
import type { Wire } from "@senderid/contract"
import { Box } from "ink"
import { useMemo, useState } from "react"
import { useApi } from "../Api.tsx"
import { ActionPrompt, checkReason, REASON_NEEDED } from "../components/ActionPrompt.tsx"
import { cell, shortDate } from "../components/Columns.ts"
import { Confirm } from "../components/Confirm.tsx"
import { NOTICE_HEIGHT, Notice, useNotice } from "../components/Notice.tsx"
import { PROMPT_HEIGHT, Prompt } from "../components/Prompt.tsx"
import { Text } from "../components/Text.tsx"
import { positionText, useCursor, VirtualList } from "../components/VirtualList.tsx"
import { errorText } from "../ErrorText.ts"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { useReloadOnShow, useRemote } from "../Remote.ts"
import { statusTone, Toned } from "../theme.tsx"
import { RegisterNumber } from "./RegisterNumber.tsx"

type SenderId = Wire.SenderIdView

export const STATUS_FILTERS = [
  undefined,
  "PENDING",
  "ACTIVE",
  "INACTIVE",
  "DUPLICATED",
  "EXPIRED",
  "REJECTED"
] as const

/** The numbers that pass the status filter and contain the searched digits (dashes and spaces ignored). */
export const filterNumbers = (
  senderIds: ReadonlyArray<SenderId>,
  status: string | undefined,
  search: string
): ReadonlyArray<SenderId> => {
  const digits = search.replace(/[^0-9]/gu, "")
  if (status === undefined && digits === "") return senderIds
  return senderIds.filter(
    (s) => (status === undefined || s.status === status) && (digits === "" || s.phoneNumber.includes(digits))
  )
}

/** A suspended number is INACTIVE; the list says why at a glance (the details say by whom and why). */
const shownStatus = (s: SenderId) => (s.suspension === undefined ? s.status : "SUSPENDED")

export const Numbers = ({ active, width, height, open, accountId }: ScreenProps & { accountId: string }) => {
  const api = useApi()
  const book = useRemote(() => api.getAccount({ params: { accountId } }), [api, accountId])
  const [filter, setFilter] = useState(0)
  const [search, setSearch] = useState("")
  const [prompt, setPrompt] = useState<
    | { readonly kind: "search"; readonly before: string }
    | { readonly kind: "register" }
    | { readonly kind: "suspend" | "lift"; readonly senderId: SenderId }
  >()
  const { notice, say } = useNotice(book.error)
  const status = STATUS_FILTERS[filter]
  const all = book.value?.senderIds ?? []
  const shown = useMemo(() => filterNumbers(all, status, search), [all, status, search])
  const listHeight = Math.max(3, height - 2 - NOTICE_HEIGHT - (prompt === undefined ? 0 : PROMPT_HEIGHT))
  const cursor = useCursor(shown.length, listHeight - 1)
  const selected = shown[cursor.index]

  useReloadOnShow(active, book.reload)
  useKeymap(
    SCREEN_SCOPES.numbers ?? [],
    {
      ...cursor.handlers,
      refresh: book.reload,
      cycleFilter: () => {
        setFilter((f) => (f + 1) % STATUS_FILTERS.length)
        cursor.set(0)
      },
      search: () => setPrompt({ kind: "search", before: search }),
      open: () => selected !== undefined && open({ screen: "detail", accountId, senderId: selected }),
      register: () => setPrompt({ kind: "register" }),
      toggleSuspension: () =>
        selected !== undefined &&
        setPrompt({ kind: selected.suspension === undefined ? "suspend" : "lift", senderId: selected })
    },
    { active }
  )

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>{accountId}</Text>
        {book.value === undefined ? "" : ` · ${all.length} of limit ${book.value.limit}`} · status:{" "}
        {status ?? "all"}
        {search === "" ? "" : ` · number contains ${search}`} · {positionText(cursor.index, shown.length)}
        {book.loading ? " · loading…" : ""}
      </Text>
      <Text bold wrap="truncate">
        {`${cell("number", 14)}${cell("status", 12)}${cell("method", 10)}${cell("expires", 18)}created`}
      </Text>
      <VirtualList
        items={shown}
        selected={cursor.index}
        height={listHeight - 1}
        rowKey={(s) => s.handleKey}
        empty={
          book.loading || book.error !== undefined
            ? ""
            : all.length === 0
              ? "This account holds no numbers."
              : "No number matches."
        }
        renderRow={(s, isSelected) => (
          <>
            {cell(s.phoneNumber, 14)}
            {isSelected ? (
              cell(shownStatus(s), 12)
            ) : (
              <Toned tone={s.suspension === undefined ? statusTone(s.status) : "bad"}>
                {cell(shownStatus(s), 12)}
              </Toned>
            )}
            {cell(s.method ?? "—", 10)}
            {cell(shortDate(s.expireAt), 18)}
            {shortDate(s.dateCreated)}
          </>
        )}
      />
      {prompt?.kind === "search" ? (
        <Prompt
          label="Number contains:"
          initial={search}
          onChange={(value) => {
            setSearch(value)
            cursor.set(0)
          }}
          onSubmit={() => setPrompt(undefined)}
          onCancel={() => {
            setSearch(prompt.before)
            setPrompt(undefined)
          }}
        />
      ) : null}
      {prompt?.kind === "register" ? (
        <RegisterNumber
          accountId={accountId}
          onRegistered={(s) => {
            say("good", `Registered ${s.phoneNumber}: ${s.status}`)
            book.reload()
          }}
          onFailed={(message) => say("bad", message)}
          onClose={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt?.kind === "suspend" ? (
        <ActionPrompt
          label={`Suspend ${prompt.senderId.phoneNumber}: it cannot send until lifted. Reason (shown to ${accountId}):`}
          check={(reason) => checkReason(reason, REASON_NEEDED)}
          run={async (reason) => {
            await api.suspendNumber({
              params: { accountId, phoneNumber: prompt.senderId.phoneNumber },
              body: { reason }
            })
            book.reload()
            return `Suspended ${prompt.senderId.phoneNumber}.`
          }}
          onDone={(message) => say("good", message)}
          onFailed={(message) => say("bad", message)}
          onClose={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt?.kind === "lift" ? (
        <Confirm
          question={`Lift the suspension of ${prompt.senderId.phoneNumber} (${prompt.senderId.suspension?.reason ?? ""})?`}
          onConfirm={() => {
            const { phoneNumber } = prompt.senderId
            setPrompt(undefined)
            api.liftNumberSuspension({ params: { accountId, phoneNumber } }).then(
              () => {
                book.reload()
                say("good", `Lifted the suspension of ${phoneNumber}; its owner can switch it on again.`)
              },
              (error: unknown) => say("bad", errorText(error))
            )
          }}
          onCancel={() => setPrompt(undefined)}
        />
      ) : null}
      <Notice notice={notice} />
    </Box>
  )
}
