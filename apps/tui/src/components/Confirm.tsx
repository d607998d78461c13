/**
 * A yes-or-no question before something that cannot be taken back (registering a whole file): while
 * it is open it is the only thing that takes keys; Enter goes ahead, Esc does not.
 */
import { Box } from "ink"
import { useKeymap, useModal } from "../Keyboard.tsx"
import { Toned } from "../theme.tsx"
import { PROMPT_HEIGHT } from "./Prompt.tsx"

export interface ConfirmProps {
  readonly question: string
  readonly onConfirm: () => void
  readonly onCancel: () => void
}

export const Confirm = ({ question, onConfirm, onCancel }: ConfirmProps) => {
  useModal()
  useKeymap(["prompt"], { submit: onConfirm, cancel: onCancel }, { active: true, modal: true })
  return (
    <Box borderStyle="single" paddingX={1} flexShrink={0} flexDirection="column" height={PROMPT_HEIGHT}>
      <Toned tone="accent" wrap="truncate">
        {question}
      </Toned>
      <Toned tone="muted">Enter go ahead · Esc cancel</Toned>
    </Box>
  )
}
