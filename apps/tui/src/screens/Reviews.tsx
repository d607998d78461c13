/**
 * The review queue, oldest first: evidence submissions, duplicate-unlock requests and limit raises
 * across every account, with the attached documents' metadata. `d` saves the documents to a folder
 * to look at them; `a` approves (with an optional note, kept for operators and shown with the
 * number's earlier decisions), `x` rejects with the reason the customer will read. The decided
 * review leaves the queue; a refused decision keeps the prompt and its text.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { basename, join } from "node:path"
import type { OperatorWire, Wire } from "@senderid/contract"
import { Box } from "ink"
import { useState } from "react"
import { useApi } from "../Api.tsx"
import { ActionPrompt, checkReason } from "../components/ActionPrompt.tsx"
import { age, cell, shortDate } from "../components/Columns.ts"
import { NOTICE_HEIGHT, Notice, useNotice } from "../components/Notice.tsx"
import { PROMPT_HEIGHT } from "../components/Prompt.tsx"
import { Text } from "../components/Text.tsx"
import { positionText, useCursor, VirtualList } from "../components/VirtualList.tsx"
import { useKeymap } from "../Keyboard.tsx"
import { SCREEN_SCOPES } from "../keymap.ts"
import type { ScreenProps } from "../Navigation.ts"
import { useMoreAtEnd, usePaged } from "../Paged.ts"
import { evidenceFolder, useResolvePath } from "../Paths.tsx"
import { useReloadOnShow } from "../Remote.ts"
import { statusTone, Toned } from "../theme.tsx"

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
type Asking =
  | { readonly kind: "decide"; readonly review: Review; readonly decision: "APPROVE" | "REJECT" }
  | { readonly kind: "save"; readonly review: Review }

/** What a review is about, as the prompts and messages name it. */
const subject = (review: Review) =>
  `${KIND_LABEL[review.kind]} of ${review.accountId}${review.phoneNumber === null ? "" : ` ${review.phoneNumber}`}`

/** A document's file name, safe to write into the chosen folder and to list in a terminal: no
 * path separators, nothing Windows refuses, no control characters. */
const fileName = (name: string, fallback: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
  basename(name).replace(/[\\/:*?"<>|\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu, "_") ||
  fallback

export const Reviews = ({ active, width, height, open }: ScreenProps) => {
  const api = useApi()
  const resolve = useResolvePath()
  const [filter, setFilter] = useState(0)
  const kind = KIND_FILTERS[filter]
  const queue = usePaged(
    async (startKey) => {
      const page = await api.listReviews({ query: { limit: 100, kind, startKey } })
      return { items: page.reviews, nextKey: page.nextKey }
    },
    [api, kind]
  )
  const [asking, setAsking] = useState<Asking | undefined>(undefined)
  const { notice, say } = useNotice(queue.error)
  const listHeight = Math.max(3, Math.floor((height - 4) / 2))
  const cursor = useCursor(queue.items.length, listHeight)
  const selected = queue.items[cursor.index]

  useMoreAtEnd(queue, cursor.index)

  /** Sends a decision; answers with what to tell the operator (a refusal throws, keeping the prompt). */
  const decide = async (review: Review, decision: "APPROVE" | "REJECT", reason: string) => {
    const body = { decision, ...(reason === "" ? {} : { reason }) }
    say("muted", `${decision === "APPROVE" ? "Approving" : "Rejecting"} ${subject(review)}…`)
    const { accountId, reviewId } = review
    const phoneNumber = review.phoneNumber ?? ""
    if (review.kind === "LIMITATION")
      await api.decideLimitation({ params: { accountId, limitationId: reviewId }, body })
    else if (review.kind === "EVIDENCE")
      await api.decideEvidence({ params: { accountId, phoneNumber, approvalId: reviewId }, body })
    else await api.decideUnlock({ params: { accountId, phoneNumber }, body })
    queue.remove((r) => r.reviewId !== reviewId)
    return `${decision === "APPROVE" ? "Approved" : "Rejected"} ${subject(review)}`
  }

  /** Downloads every document of the review into `folder`; answers with where they went. */
  const saveDocuments = async (review: Review, folder: string) => {
    const target = resolve(folder)
    say("muted", `Saving ${review.documents.length} documents to ${target}…`)
    // Customers' papers: readable by this operator alone.
    await mkdir(target, { recursive: true, mode: 0o700 })
    const names: Array<string> = []
    for (const document of review.documents) {
      const file = await api.downloadAnyDocument({ params: { documentId: document.documentId } })
      const name = `${document.documentId}-${fileName(document.originalName, "document")}`
      await writeFile(join(target, name), file.bytes, { mode: 0o600 })
      names.push(name)
    }
    return `Saved to ${target}: ${names.join(", ")}`
  }

  useReloadOnShow(active, queue.reload)
  useKeymap(
    SCREEN_SCOPES.reviews ?? [],
    {
      ...cursor.handlers,
      refresh: queue.reload,
      cycleFilter: () => setFilter((f) => (f + 1) % KIND_FILTERS.length),
      open: () => {
        if (selected?.senderId != null)
          open({ screen: "detail", accountId: selected.accountId, senderId: selected.senderId })
        else if (selected !== undefined) say("muted", "A limit request is about the account, not one number.")
      },
      approve: () =>
        selected !== undefined && setAsking({ kind: "decide", review: selected, decision: "APPROVE" }),
      reject: () =>
        selected !== undefined && setAsking({ kind: "decide", review: selected, decision: "REJECT" }),
      saveDocuments: () => {
        if (selected === undefined) return
        if (selected.documents.length === 0) say("warn", "This review has no documents.")
        else setAsking({ kind: "save", review: selected })
      }
    },
    { active }
  )

  const now = Date.now()
  const detailHeight = Math.max(
    2,
    height - listHeight - 2 - NOTICE_HEIGHT - (asking === undefined ? 0 : PROMPT_HEIGHT)
  )
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
        empty={
          queue.loading || queue.error !== undefined
            ? ""
            : kind === undefined
              ? "Nothing waits for review."
              : `No ${KIND_LABEL[kind]} review waits (f shows the other kinds).`
        }
        renderRow={(r) =>
          `${cell(KIND_LABEL[r.kind], 11)}${cell(r.accountId, 17)}${cell(r.phoneNumber ?? "—", 13)}${cell(
            `${age(r.dateCreated, now)} ago`,
            10
          )}${r.documents.length} doc${r.documents.length === 1 ? "" : "s"}`
        }
      />
      <Box borderStyle="single" borderTop borderBottom={false} borderLeft={false} borderRight={false} />
      <Box flexDirection="column" height={detailHeight} overflow="hidden">
        {selected === undefined ? null : <ReviewDetail review={selected} />}
      </Box>
      {asking?.kind === "decide" ? (
        <ActionPrompt
          label={
            asking.decision === "APPROVE"
              ? `Approve ${subject(asking.review)}? Note (optional):`
              : `Reject ${subject(asking.review)}. Reason:`
          }
          check={(reason) =>
            checkReason(
              reason,
              asking.decision === "REJECT" ? "A rejection needs a reason: the customer reads it." : undefined
            )
          }
          run={(reason) => decide(asking.review, asking.decision, reason)}
          onDone={(message) => say("good", message)}
          onFailed={(message) => say("bad", message)}
          onClose={() => setAsking(undefined)}
        />
      ) : null}
      {asking?.kind === "save" ? (
        <ActionPrompt
          label={`Save the ${asking.review.documents.length} documents of ${subject(asking.review)} to:`}
          initial={evidenceFolder(asking.review.reviewId)}
          check={(folder) => (folder === "" ? "Type a folder to save them in, or Esc." : undefined)}
          run={(folder) => saveDocuments(asking.review, folder)}
          onDone={(message) => say("good", message)}
          onFailed={(message) => say("bad", message)}
          onClose={() => setAsking(undefined)}
        />
      ) : null}
      <Notice notice={notice} />
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
      {shortDate(review.dateCreated)} UTC
    </Text>
    {review.limitation !== null ? (
      <Text wrap="truncate">
        limit {review.limitation.limitBeforeRequest} → <Text bold>{review.limitation.limitRequested}</Text>
      </Text>
    ) : null}
    {review.kind === "DUPLICATE_UNLOCK" && review.senderId !== null ? <UnlockDetail review={review} /> : null}
    {review.kind === "EVIDENCE" && review.senderId !== null ? (
      <Text wrap="truncate">number status {review.senderId.status}</Text>
    ) : null}
    {review.senderId === null ? null : <EarlierDecisions senderId={review.senderId} />}
    <Text bold wrap="truncate">
      Documents ({review.documents.length}) <Toned tone="muted">d saves them to look at</Toned>
    </Text>
    {review.documents.map((d) => (
      <Text key={d.documentId} wrap="truncate">
        {"• "}
        {cell(d.originalName, 25)}
        {cell(d.mimeType ?? d.fileType ?? "?", 17)}
        {cell(kb(d.size), 8)}
        {cell(d.category.replace("SENDERID_", "").toLowerCase(), 15)}
        {shortDate(d.dateCreated)}
      </Text>
    ))}
  </>
)

/** What operators already decided on this number, with the reason the customer read or the note an
 * approval was given with: the context for deciding what waits now. */
const EarlierDecisions = ({ senderId }: { senderId: Wire.SenderIdView }) => {
  const said = (review: {
    readonly status: string | null
    readonly reason: string | null
    readonly note?: string | null
  }) =>
    review.status === "REJECTED"
      ? ` · reason: ${review.reason ?? ""}`
      : review.note
        ? ` · note: ${review.note}`
        : ""
  const unlock = senderId.unlockDuplicate
  return (
    <>
      {unlock.status !== null && unlock.status !== "PENDING" ? (
        <Text wrap="truncate">
          <Toned tone="muted">earlier:</Toned> duplicate-unlock {unlock.status.toLowerCase()}
          {said(unlock)}
        </Text>
      ) : null}
      {senderId.approvalDocuments
        .filter((a) => a.status !== "PENDING")
        .map((a) => (
          <Text key={a.approvalId} wrap="truncate">
            <Toned tone="muted">earlier:</Toned> evidence {a.status.toLowerCase()} {shortDate(a.dateUpdated)}
            {said(a)}
          </Text>
        ))}
    </>
  )
}

/** A duplicate-unlock request: who claims the number and why, who holds it now and how it was
 * verified, and what approving does to that holder, so the operator weighs both sides. */
const UnlockDetail = ({ review }: { review: Review }) => {
  const claim = review.senderId?.unlockDuplicate
  const { holder, accountId } = review
  return (
    <>
      {holder === null ? (
        <Text wrap="truncate">
          held by no other account now: approving lets {accountId} verify it (ARS or evidence).
        </Text>
      ) : (
        <>
          <Text wrap="truncate">
            held now by <Text bold>{holder.accountId}</Text>:{" "}
            <Toned tone={holder.suspension === undefined ? statusTone(holder.status) : "bad"}>
              {holder.suspension === undefined ? holder.status : "SUSPENDED"}
            </Toned>
            , verified by {holder.method ?? "—"}, expires {shortDate(holder.expireAt)}
          </Text>
          <Toned tone="warn" wrap="truncate">
            approving: once {accountId} proves the number, {holder.accountId} loses it (DUPLICATED).
          </Toned>
        </>
      )}
      <Text wrap="wrap">
        claimed by {claim?.name ?? "?"}: {claim?.reasonForRequested ?? ""}
      </Text>
    </>
  )
}
