/**
 * Every account, searchable by id: how many sender IDs it holds against its limit, whether it is
 * suspended or waits for a limit raise. Enter opens its numbers, `K` its API keys; `n` registers a
 * number for it without leaving the list; `c` opens a new account.
 */
import type { OperatorWire } from "@senderid/contract"
import { Box } from "ink"
import { useState } from "react"
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
import { useMoreAtEnd, usePaged } from "../Paged.ts"
import { useReloadOnShow } from "../Remote.ts"
import { RegisterNumber } from "./RegisterNumber.tsx"

type Account = OperatorWire.AccountListEntry

/** An account id as the API takes it (`OperatorRequests.AccountId`). */
const ACCOUNT_ID = /^[A-Za-z0-9_.-]{1,64}$/u

export const Accounts = ({ active, width, height, open }: ScreenProps) => {
  const api = useApi()
  const [search, setSearch] = useState("")
  const [prompt, setPrompt] = useState<
    | "search"
    | "register"
    | "limit"
    | "suspend"
    | "reinstate"
    | "newAccount"
    | { readonly newLimitFor: string }
    | undefined
  >(undefined)
  const accounts = usePaged(
    async (startKey) => {
      const page = await api.listAccounts({
        query: { limit: 100, startKey, ...(search === "" ? {} : { search }) }
      })
      return { items: page.accounts, nextKey: page.nextKey }
    },
    [api, search]
  )
  const { notice, say } = useNotice(accounts.error)
  const listHeight = Math.max(3, height - 2 - NOTICE_HEIGHT - (prompt === undefined ? 0 : PROMPT_HEIGHT))
  const cursor = useCursor(accounts.items.length, listHeight)
  const selected = accounts.items[cursor.index]

  useMoreAtEnd(accounts, cursor.index)

  useReloadOnShow(active, accounts.reload)
  useKeymap(
    SCREEN_SCOPES.accounts ?? [],
    {
      ...cursor.handlers,
      refresh: accounts.reload,
      search: () => setPrompt("search"),
      open: () => selected !== undefined && open({ screen: "numbers", accountId: selected.accountId }),
      register: () => selected !== undefined && setPrompt("register"),
      setLimit: () => selected !== undefined && setPrompt("limit"),
      toggleSuspension: () =>
        selected !== undefined && setPrompt(selected.suspension === null ? "suspend" : "reinstate"),
      showKeys: () => selected !== undefined && open({ screen: "keys", accountId: selected.accountId }),
      openAccount: () => setPrompt("newAccount")
    },
    { active }
  )

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>Accounts</Text>
        {search === "" ? "" : ` matching "${search}"`} · {positionText(cursor.index, accounts.items.length)}
        {accounts.more ? "+" : ""}
        {accounts.loading ? " · loading…" : ""}
      </Text>
      <Text bold wrap="truncate">
        {`${cell("account", 22)}${cell("held", 6)}${cell("limit", 7)}${cell("state", 22)}created`}
      </Text>
      <VirtualList
        items={accounts.items}
        selected={cursor.index}
        height={listHeight - 1}
        rowKey={(a) => a.accountId}
        empty={
          accounts.loading || accounts.error !== undefined
            ? ""
            : search === ""
              ? "No accounts yet."
              : `No account id contains "${search}".`
        }
        renderRow={(a: Account) =>
          `${cell(a.accountId, 22)}${cell(String(a.senderIdCount), 6)}${cell(String(a.limit), 7)}${cell(
            a.suspension !== null
              ? `SUSPENDED ${a.suspension.reason}`
              : a.limitRequestPending
                ? "limit raise waiting"
                : "ok",
            22
          )}${shortDate(a.dateCreated)}`
        }
      />
      {prompt === "search" ? (
        <Prompt
          label="Account id contains:"
          initial={search}
          onSubmit={(value) => {
            setSearch(value.trim())
            cursor.set(0)
            setPrompt(undefined)
          }}
          onCancel={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt === "register" && selected !== undefined ? (
        <RegisterNumber
          accountId={selected.accountId}
          onRegistered={(s) =>
            say("good", `Registered ${s.phoneNumber} for ${selected.accountId}: ${s.status}`)
          }
          onFailed={(message) => say("bad", message)}
          onClose={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt === "limit" && selected !== undefined ? (
        <ActionPrompt
          label={`New limit for ${selected.accountId} (now ${selected.limit}): sender IDs it may hold`}
          check={(value) =>
            /^\d{1,7}$/u.test(value) && Number(value) <= 1_000_000
              ? undefined
              : "A limit is a whole number from 0 to 1,000,000."
          }
          run={async (value) => {
            const account = await api.setLimit({
              params: { accountId: selected.accountId },
              body: { limit: Number(value) }
            })
            accounts.reload()
            return `${selected.accountId} may now hold ${account.limit} sender IDs.`
          }}
          onDone={(message) => say("good", message)}
          onFailed={(message) => say("bad", message)}
          onClose={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt === "suspend" && selected !== undefined ? (
        <ActionPrompt
          label={`Suspend ${selected.accountId}: its keys are refused until reinstated. Reason (shown to it):`}
          check={(reason) => checkReason(reason, REASON_NEEDED)}
          run={async (reason) => {
            await api.suspendAccount({ params: { accountId: selected.accountId }, body: { reason } })
            accounts.reload()
            return `Suspended ${selected.accountId}.`
          }}
          onDone={(message) => say("good", message)}
          onFailed={(message) => say("bad", message)}
          onClose={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt === "reinstate" && selected !== undefined ? (
        <Confirm
          question={`Reinstate ${selected.accountId} (suspended: ${selected.suspension?.reason ?? ""})?`}
          onConfirm={() => {
            setPrompt(undefined)
            api.reinstateAccount({ params: { accountId: selected.accountId } }).then(
              () => {
                accounts.reload()
                say("good", `Reinstated ${selected.accountId}: its keys work again.`)
              },
              (error: unknown) => say("bad", errorText(error))
            )
          }}
          onCancel={() => setPrompt(undefined)}
        />
      ) : null}
      {prompt === "newAccount" ? (
        <ActionPrompt
          label="Open a new account. Its id (letters, digits, _ . -):"
          check={(value) =>
            ACCOUNT_ID.test(value) ? undefined : "An account id is 1 to 64 letters, digits, _ . or -."
          }
          run={async (accountId) => {
            // The id is only checked here; the limit's answer opens it (Esc there opens nothing).
            setPrompt({ newLimitFor: accountId })
            return ""
          }}
          onDone={() => undefined}
          onFailed={(message) => say("bad", message)}
          onClose={() => undefined}
        />
      ) : null}
      {typeof prompt === "object" ? (
        <ActionPrompt
          label={`Open ${prompt.newLimitFor}: sender IDs it may hold (empty: the registry's default)`}
          check={(value) =>
            value === "" || (/^\d{1,7}$/u.test(value) && Number(value) <= 1_000_000)
              ? undefined
              : "A limit is a whole number from 0 to 1,000,000, or empty for the default."
          }
          run={async (value) => {
            const book = await api.openAccount({
              body: { accountId: prompt.newLimitFor, ...(value === "" ? {} : { limit: Number(value) }) }
            })
            // Shown where it sorts: searched for, so it is the row under the cursor.
            setSearch(book.accountId)
            cursor.set(0)
            return `Opened ${book.accountId}, limit ${book.limit}. K issues its first API key.`
          }}
          onDone={(message) => say("good", message)}
          onFailed={(message) => say("bad", message)}
          onClose={() => setPrompt(undefined)}
        />
      ) : null}
      <Notice notice={notice} />
    </Box>
  )
}
