/**
 * One number in full: its status and how it was verified, when it lapses, any suspension, its
 * evidence and duplicate-unlock requests, and the audit timeline — every change, who made it, with
 * which key and request, and the status before and after; the selected entry is shown whole
 * underneath. `r` reads the number and its trail again.
 */
import { ApiError } from "@senderid/client"
import type { OperatorWire, Wire } from "@senderid/contract"
import { Box } from "ink"
import { useCallback, useState } from "react"
import { useApi } from "../Api.tsx"
import { cell, shortDate } from "../components/Columns.ts"
import { NOTICE_HEIGHT, Notice, useNotice } from "../components/Notice.tsx"
import { Text } from "../components/Text.tsx"
import { useCursor, VirtualList } from "../components/VirtualList.tsx"
import { errorText } from "../ErrorText.ts"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { useReloadOnShow, useRemote } from "../Remote.ts"
import { statusTone, Toned } from "../theme.tsx"

type Entry = OperatorWire.AuditEntryView

const transition = (e: Entry) =>
  e.statusBefore === e.statusAfter
    ? (e.statusAfter ?? "")
    : `${e.statusBefore ?? "∅"}→${e.statusAfter ?? "∅"}`

/** Rows above the timeline (the number's fields, the titles) and below it (the selected entry). */
const ABOVE = 6
const BELOW = 2

export const Detail = ({
  active,
  width,
  height,
  accountId,
  senderId: opened
}: ScreenProps & { accountId: string; senderId: Wire.SenderIdView }) => {
  const api = useApi()
  const [senderId, setSenderId] = useState(opened)
  const trail = useRemote(
    () => api.getAuditTrailByHandle({ params: { handleKey: opened.handleKey } }),
    [api, opened.handleKey]
  )
  const { notice, say } = useNotice(trail.error)
  const entries = trail.value?.entries ?? []
  const timelineHeight = Math.max(2, height - ABOVE - BELOW - NOTICE_HEIGHT)
  const cursor = useCursor(entries.length, timelineHeight)
  const selected = entries[cursor.index]

  const refresh = useCallback(() => {
    trail.reload()
    api.getAccountNumber({ params: { accountId, phoneNumber: opened.phoneNumber } }).then(
      (current) => {
        // The same number, unless it was deleted and registered again (a new handle key).
        if (current.handleKey === opened.handleKey) setSenderId(current)
        else say("warn", "The account no longer holds this registration (deleted); its audit trail remains.")
      },
      (error: unknown) =>
        error instanceof ApiError && error.errorCode === "InvalidSenderId"
          ? say("warn", "The account no longer holds this number (deleted); its audit trail remains.")
          : say("bad", errorText(error))
    )
  }, [api, accountId, opened.handleKey, opened.phoneNumber, trail.reload, say])

  useReloadOnShow(active, refresh)
  useKeymap(SCREEN_SCOPES.detail ?? [], { ...cursor.handlers, refresh }, { active })
  const unlock = senderId.unlockDuplicate
  const pendingEvidence = senderId.approvalDocuments.filter((a) => a.status === "PENDING").length
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>{senderId.phoneNumber}</Text> · {accountId} ·{" "}
        <Toned tone={statusTone(senderId.status)}>{senderId.status}</Toned> · verified by{" "}
        {senderId.method ?? "—"}
      </Text>
      <Text wrap="truncate">
        expires {shortDate(senderId.expireAt)}
        {senderId.autoExtension === true ? " (auto-extends)" : ""} · registered{" "}
        {shortDate(senderId.dateCreated)} · changed {shortDate(senderId.dateUpdated)} (UTC)
      </Text>
      <Text wrap="truncate">
        {senderId.suspension === undefined ? (
          "not suspended"
        ) : (
          <Toned tone="bad">
            suspended since {shortDate(senderId.suspension.since)}: {senderId.suspension.reason}
          </Toned>
        )}
        {" · next: "}
        {(senderId.necessaryMeasures ?? []).join(", ") || "nothing"}
      </Text>
      <Text wrap="truncate">
        evidence: {senderId.approvalDocuments.length} submitted, {pendingEvidence} waiting · duplicate unlock:{" "}
        {unlock.status === null ? "none" : `${unlock.status} (${unlock.name ?? "?"})`}
      </Text>
      <Text bold>
        Audit timeline ({entries.length}
        {trail.loading ? ", loading…" : ""})
      </Text>
      <Text bold wrap="truncate">
        {`${cell("when (UTC)", 17)}${cell("actor", 18)}${cell("status", 20)}what`}
      </Text>
      <VirtualList
        items={entries}
        selected={cursor.index}
        height={timelineHeight}
        rowKey={(_, index) => String(index)}
        empty={trail.loading || trail.error !== undefined ? "" : "No entries."}
        renderRow={(e) =>
          `${cell(shortDate(e.createAt), 17)}${cell(`${e.actor.type.toLowerCase()} ${e.actor.id}`, 18)}${cell(
            transition(e),
            20
          )}${e.message}`
        }
      />
      <Box height={BELOW} overflow="hidden">
        {selected === undefined ? null : (
          <Text wrap="wrap">
            <Toned tone="muted">
              {selected.actor.apiKey === null ? "" : `key ${selected.actor.apiKey} · `}
              {selected.requestId === null ? "" : `request ${selected.requestId} · `}
            </Toned>
            {selected.message}
          </Text>
        )}
      </Box>
      <Notice notice={notice} />
    </Box>
  )
}
