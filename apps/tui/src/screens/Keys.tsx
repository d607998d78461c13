/**
 * One account's API keys, oldest first: each key's scopes, when it was issued and whether it was
 * revoked (never a secret: the server keeps none to show). `n` issues a key and shows its secret
 * once, in a box that goes when the operator has copied it; `x` revokes the selected key after
 * asking, since every integration signing with it stops working within seconds.
 */
import type { OperatorWire } from "@senderid/contract"
import { Box } from "ink"
import { useState } from "react"
import { useApi } from "../Api.tsx"
import { ActionPrompt } from "../components/ActionPrompt.tsx"
import { cell, shortDate } from "../components/Columns.ts"
import { Confirm } from "../components/Confirm.tsx"
import { NOTICE_HEIGHT, Notice, useNotice } from "../components/Notice.tsx"
import { PROMPT_HEIGHT } from "../components/Prompt.tsx"
import { Text } from "../components/Text.tsx"
import { positionText, useCursor, VirtualList } from "../components/VirtualList.tsx"
import { errorText } from "../ErrorText.ts"
import { useKeymap, useModal } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { useReloadOnShow, useRemote } from "../Remote.ts"
import { Toned } from "../theme.tsx"

type ApiKey = OperatorWire.ApiKeyView
type CustomerScope = "senderid:read" | "senderid:write"

/** What the operator types for a key's scopes, and what it grants. */
const SCOPE_CHOICES: Readonly<Record<string, ReadonlyArray<CustomerScope>>> = {
  "read write": ["senderid:read", "senderid:write"],
  read: ["senderid:read"]
}

const scopesText = (key: ApiKey) =>
  key.scopes.map((scope) => scope.replace(/^senderid:/u, "")).join(" ") || "—"

/** Rows the box with a new secret takes (its border, three lines). */
const SECRET_HEIGHT = 5

export const Keys = ({ active, width, height, accountId }: ScreenProps & { accountId: string }) => {
  const api = useApi()
  const keys = useRemote(() => api.listKeys({ params: { accountId } }), [api, accountId])
  const [asking, setAsking] = useState<
    { readonly kind: "issue" } | { readonly kind: "revoke"; readonly key: ApiKey } | undefined
  >()
  // A new key's secret, held only while its box is open: the server cannot show it again.
  const [issued, setIssued] = useState<OperatorWire.IssuedApiKey | undefined>(undefined)
  const { notice, say } = useNotice(keys.error)
  const all = keys.value ?? []
  const listHeight = Math.max(
    3,
    height -
      2 -
      NOTICE_HEIGHT -
      (asking === undefined ? 0 : PROMPT_HEIGHT) -
      (issued === undefined ? 0 : SECRET_HEIGHT)
  )
  const cursor = useCursor(all.length, listHeight - 1)
  const selected = all[cursor.index]

  useReloadOnShow(active, keys.reload)
  useKeymap(
    SCREEN_SCOPES.keys ?? [],
    {
      ...cursor.handlers,
      refresh: keys.reload,
      issueKey: () => setAsking({ kind: "issue" }),
      revokeKey: () => {
        if (selected === undefined) return
        if (selected.revokedAt !== null) say("warn", `${selected.apiKey} is revoked already.`)
        else setAsking({ kind: "revoke", key: selected })
      }
    },
    { active }
  )

  const live = all.filter((k) => k.revokedAt === null).length
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>{accountId}</Text> · API keys: {live} in use, {all.length - live} revoked ·{" "}
        {positionText(cursor.index, all.length)}
        {keys.loading ? " · loading…" : ""}
      </Text>
      <Text bold wrap="truncate">
        {`${cell("key", 20)}${cell("scopes", 12)}${cell("issued (UTC)", 18)}revoked`}
      </Text>
      <VirtualList
        items={all}
        selected={cursor.index}
        height={listHeight - 1}
        rowKey={(k) => k.apiKey}
        empty={keys.loading || keys.error !== undefined ? "" : "This account has no API keys (n issues one)."}
        renderRow={(k, isSelected) => (
          <>
            {cell(k.apiKey, 20)}
            {cell(scopesText(k), 12)}
            {cell(shortDate(k.dateCreated), 18)}
            {k.revokedAt === null ? (
              "—"
            ) : isSelected ? (
              `revoked ${shortDate(k.revokedAt)}`
            ) : (
              <Toned tone="bad">revoked {shortDate(k.revokedAt)}</Toned>
            )}
          </>
        )}
      />
      {asking?.kind === "issue" ? (
        <ActionPrompt
          label={`Issue a key for ${accountId}. Scopes (read write, or read):`}
          initial="read write"
          check={(value) =>
            SCOPE_CHOICES[value.replace(/\s+/gu, " ")] === undefined
              ? 'Type "read write" (a key that may register numbers) or "read" (one that only reads).'
              : undefined
          }
          run={async (value) => {
            const key = await api.issueKey({
              params: { accountId },
              body: { scopes: [...(SCOPE_CHOICES[value.replace(/\s+/gu, " ")] ?? [])] }
            })
            setIssued(key)
            keys.reload()
            return `Issued ${key.apiKey} for ${accountId}.`
          }}
          onDone={(message) => say("good", message)}
          onFailed={(message) => say("bad", message)}
          onClose={() => setAsking(undefined)}
        />
      ) : null}
      {asking?.kind === "revoke" ? (
        <Confirm
          question={`Revoke ${asking.key.apiKey} of ${accountId}? It stops working within 5 s, for good.`}
          onConfirm={() => {
            const { apiKey } = asking.key
            setAsking(undefined)
            api.revokeKey({ params: { apiKey } }).then(
              () => {
                keys.reload()
                say("good", `Revoked ${apiKey}.`)
              },
              (error: unknown) => say("bad", errorText(error))
            )
          }}
          onCancel={() => setAsking(undefined)}
        />
      ) : null}
      {issued === undefined ? null : <NewSecret issued={issued} onClose={() => setIssued(undefined)} />}
      <Notice notice={notice} />
    </Box>
  )
}

/** The one time a key's secret is shown: until Enter or Esc, then it is gone from the console. */
const NewSecret = ({ issued, onClose }: { issued: OperatorWire.IssuedApiKey; onClose: () => void }) => {
  useModal()
  useKeymap(["prompt"], { submit: onClose, cancel: onClose }, { active: true, modal: true })
  return (
    <Box borderStyle="double" paddingX={1} flexShrink={0} flexDirection="column" height={SECRET_HEIGHT}>
      <Toned tone="accent" wrap="truncate">
        New key for {issued.accountId ?? "?"}: copy the secret now; it is not shown again.
      </Toned>
      <Text wrap="truncate">
        key <Text bold>{issued.apiKey}</Text> secret <Text bold>{issued.apiSecret}</Text>
      </Text>
      <Toned tone="muted">Enter or Esc when it is copied</Toned>
    </Box>
  )
}
