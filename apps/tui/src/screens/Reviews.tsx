/**
 * The review queue, oldest first: evidence submissions, duplicate-unlock requests and limit raises
 * across every account, with the attached documents' metadata. `a` approves, `x` rejects with the
 * reason the customer will read; the decided review leaves the queue.
 */
import type { OperatorWire } from "@senderid/contract"
import { Box, Text } from "ink"
import { useEffect, useRef, useState } from "react"
import { useApi } from "../Api.tsx"
import { age, cell, shortDate } from "../components/Columns.ts"
import { Notice, useNotice } from "../components/Notice.tsx"
import { PROMPT_HEIGHT, Prompt } from "../components/Prompt.tsx"
import { positionText, useCursor, VirtualList } from "../components/VirtualList.tsx"
import { errorText } from "../ErrorText.ts"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { usePaged } from "../Paged.ts"
import { useReloadOnShow } from "../Remote.ts"
import { Toned } from "../theme.tsx"

type Review = OperatorWire.ReviewView
type Kind = Review["kind"]

const KIND_FILTERS: ReadonlyArray<Kind | undefined> = [
  undefined,
  "EVIDENCE",
  "DUPLICATE_UNLOCK",
  "LIMITATION"
]
const KIND_LABEL: Record<Kind, string> = {
  EVIDENCE: "evidence",
  DUPLICATE_UNLOCK: "dup-unlock",
  LIMITATION: "limit"
}

interface Deciding {
  readonly review: Review
  readonly decision: "APPROVE" | "REJECT"
}

export const Reviews = ({ active, width, height }: ScreenProps) => {
  const api = useApi()
  const [filter, setFilter] = useState(0)
  const kind = KIND_FILTERS[filter]
  const queue = usePaged(
    async (startKey) => {
      const page = await api.listReviews({ query: { limit: 100, kind, startKey } })
      return { items: page.reviews, nextKey: page.nextKey }
    },
    [api, kind]
  )
  const [deciding, setDeciding] = useState<Deciding | undefined>(undefined)
  const { notice, say } = useNotice()
  const sending = useRef(false)
  const listHeight = Math.max(3, Math.floor((height - 4) / 2))
  const cursor = useCursor(queue.items.length, listHeight)
  const selected = queue.items[cursor.index]

  useEffect(() => {
    if (cursor.index >= queue.items.length - 1 && queue.more) queue.loadMore()
  }, [cursor.index, queue.items.length, queue.more, queue.loadMore])

  const decide = async ({ review, decision }: Deciding, reason: string) => {
    if (decision === "REJECT" && reason.trim() === "") {
      say("bad", "A rejection needs a reason: the customer reads it.")
      return
    }
    if (sending.current) return
    sending.current = true
    setDeciding(undefined)
    const body = { decision, ...(reason.trim() === "" ? {} : { reason: reason.trim() }) }
    const verb = decision === "APPROVE" ? "Approved" : "Rejected"
    say("muted", `${decision === "APPROVE" ? "Approving" : "Rejecting"}…`)
    try {
      if (review.kind === "LIMITATION")
        await api.decideLimitation({
          params: { accountId: review.accountId, limitationId: review.reviewId },
          body
        })
      else if (review.kind === "EVIDENCE")
        await api.decideEvidence({
          params: {
            accountId: review.accountId,
            phoneNumber: review.phoneNumber ?? "",
            approvalId: review.reviewId
          },
          body
        })
      else
        await api.decideUnlock({
          params: { accountId: review.accountId, phoneNumber: review.phoneNumber ?? "" },
          body
        })
      queue.remove((r) => r.reviewId !== review.reviewId)
      say(
        "good",
        `${verb} ${KIND_LABEL[review.kind]} of ${review.accountId} ${review.phoneNumber ?? ""}`.trim()
      )
    } catch (error) {
      say("bad", errorText(error))
    } finally {
      sending.current = false
    }
  }

  useReloadOnShow(active, queue.reload)
  useKeymap(
    SCREEN_SCOPES.reviews ?? [],
    {
      ...cursor.handlers,
      refresh: queue.reload,
      cycleFilter: () => setFilter((f) => (f + 1) % KIND_FILTERS.length),
      approve: () => selected !== undefined && setDeciding({ review: selected, decision: "APPROVE" }),
      reject: () => selected !== undefined && setDeciding({ review: selected, decision: "REJECT" })
    },
    { active }
  )

  const now = Date.now()
  const detailHeight = Math.max(2, height - listHeight - 3 - (deciding === undefined ? 0 : PROMPT_HEIGHT))
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>Review queue</Text> · kind: {kind === undefined ? "all" : KIND_LABEL[kind]} ·{" "}
        {positionText(cursor.index, queue.items.length)}
        {queue.more ? "+" : ""}
        {queue.loading ? " · loading…" : ""}
      </Text>
      <VirtualList
        items={queue.items}
        selected={cursor.index}
        height={listHeight}
        rowKey={(r) => `${r.kind}:${r.reviewId}`}
        empty={queue.loading ? "" : "Nothing waits for review."}
        renderRow={(r) =>
          `${cell(KIND_LABEL[r.kind], 11)}${cell(r.accountId, 16)}${cell(r.phoneNumber ?? "—", 14)}${cell(
            `${age(r.dateCreated, now)} ago`,
            9
          )}${r.documents.length} doc${r.documents.length === 1 ? "" : "s"}`
        }
      />
      <Box borderStyle="single" borderTop borderBottom={false} borderLeft={false} borderRight={false} />
      <Box flexDirection="column" height={detailHeight} overflow="hidden">
        {selected === undefined ? null : <ReviewDetail review={selected} />}
      </Box>
      {deciding === undefined ? null : (
        <Prompt
          label={
            deciding.decision === "APPROVE"
              ? `Approve ${KIND_LABEL[deciding.review.kind]} of ${deciding.review.accountId}? Note (optional):`
              : `Reject ${KIND_LABEL[deciding.review.kind]} of ${deciding.review.accountId}. Reason:`
          }
          onSubmit={(reason) => void decide(deciding, reason)}
          onCancel={() => setDeciding(undefined)}
        />
      )}
      <Notice notice={queue.error === undefined ? notice : { tone: "bad", text: queue.error }} />
    </Box>
  )
}

const kb = (size: number | undefined) =>
  size === undefined ? "?" : size < 1024 ? `${size} B` : `${Math.round(size / 1024)} KB`

const ReviewDetail = ({ review }: { review: Review }) => (
  <>
    <Text wrap="truncate">
      <Toned tone="accent">{KIND_LABEL[review.kind]}</Toned> · {review.accountId}
      {review.phoneNumber === null ? "" : ` · ${review.phoneNumber}`} · submitted{" "}
      {shortDate(review.dateCreated)}
    </Text>
    {review.limitation !== null ? (
      <Text wrap="truncate">
        limit {review.limitation.limitBeforeRequest} → <Text bold>{review.limitation.limitRequested}</Text>
      </Text>
    ) : null}
    {review.kind === "DUPLICATE_UNLOCK" && review.senderId !== null ? (
      <Text wrap="truncate">
        claimed by {review.senderId.unlockDuplicate.name ?? "?"}:{" "}
        {review.senderId.unlockDuplicate.reasonForRequested ?? ""}
      </Text>
    ) : null}
    {review.kind === "EVIDENCE" && review.senderId !== null ? (
      <Text wrap="truncate">number status {review.senderId.status}</Text>
    ) : null}
    <Text bold>Documents ({review.documents.length})</Text>
    {review.documents.map((d) => (
      <Text key={d.documentId} wrap="truncate">
        {"• "}
        {cell(d.originalName, 24)} {cell(d.mimeType ?? d.fileType ?? "?", 16)} {cell(kb(d.size), 7)}{" "}
        {cell(d.category.replace("SENDERID_", "").toLowerCase(), 14)} {shortDate(d.dateCreated)}
      </Text>
    ))}
  </>
)
