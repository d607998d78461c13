/**
 * A prompt whose answer is sent to the server: checked first (a reason's length, a limit's range),
 * sent once however often Enter is pressed, closed when the server agreed, and kept open with the
 * text when it refused, so the operator corrects rather than retypes.
 */
import { useRef } from "react"
import { errorText } from "../ErrorText.ts"
import { Prompt } from "./Prompt.tsx"

export interface ActionPromptProps {
  readonly label: string
  readonly initial?: string
  readonly placeholder?: string
  /** What is wrong with the answer before anything is sent, if anything. */
  readonly check?: (value: string) => string | undefined
  /** Sends the (trimmed) answer; answers with what to tell the operator. */
  readonly run: (value: string) => Promise<string>
  readonly onDone: (message: string) => void
  readonly onFailed: (message: string) => void
  readonly onClose: () => void
}

export const ActionPrompt = ({
  label,
  initial,
  placeholder,
  check,
  run,
  onDone,
  onFailed,
  onClose
}: ActionPromptProps) => {
  const sending = useRef(false)
  const submit = async (value: string) => {
    const problem = check?.(value.trim())
    if (problem !== undefined) return onFailed(problem)
    if (sending.current) return
    sending.current = true
    try {
      const message = await run(value.trim())
      onClose()
      onDone(message)
    } catch (error) {
      onFailed(errorText(error))
    } finally {
      sending.current = false
    }
  }
  return (
    <Prompt
      label={label}
      {...(initial === undefined ? {} : { initial })}
      {...(placeholder === undefined ? {} : { placeholder })}
      onSubmit={(value) => void submit(value)}
      onCancel={onClose}
    />
  )
}

/** The longest reason the API takes (`OperatorRequests.Suspend` and `Decision`). */
const MAX_REASON = 1000

/** A reason the customer will read: at most what the API takes, and required when `ifMissing` says
 * what to tell an operator who gave none. */
export const checkReason = (reason: string, ifMissing?: string) =>
  reason === "" && ifMissing !== undefined
    ? ifMissing
    : reason.length > MAX_REASON
      ? `A reason has at most ${MAX_REASON} characters; this one has ${reason.length}. Shorten it.`
      : undefined

export const REASON_NEEDED = "A reason is needed: the customer is told it."
