/**
 * A one-line question with a text field (a reason, a search, a number, a file name). While it is
 * open it is the only thing that takes keys; Enter answers, Esc cancels (the hint line says so).
 * `onChange` lets a search filter live as the operator types. The screen closes it once the answer
 * is done with, so a refused answer stays there to be corrected.
 */
import { Box, useInput, useWindowSize } from "ink"
import TextInput from "ink-text-input"
import { useState } from "react"
import stringWidth from "string-width"
import { useKeymap, useModal } from "../Keyboard.tsx"
import { Toned, useColour } from "../theme.tsx"
import { Text } from "./Text.tsx"

/** Rows a prompt takes (its border, the question, the field), for screens that make room for it. */
export const PROMPT_HEIGHT = 4

export interface PromptProps {
  readonly label: string
  readonly initial?: string
  readonly placeholder?: string
  readonly onSubmit: (value: string) => void
  readonly onCancel: () => void
  readonly onChange?: (value: string) => void
}

export const Prompt = ({ label, initial = "", placeholder, onSubmit, onCancel, onChange }: PromptProps) => {
  useModal()
  // The field draws its placeholder grey whatever NO_COLOR says; without colour it could pass for
  // text already typed, so there is none.
  const colour = useColour()
  const [value, setValue] = useState(initial)
  const { columns } = useWindowSize()
  const replace = (next: string) => {
    setValue(next)
    onChange?.(next)
  }
  // Enter is ink-text-input's own `onSubmit`; Esc and the editing keys come through the keymap's
  // prompt scope. These handlers run after the field's own, so what they set is what stays.
  useKeymap(
    ["prompt"],
    {
      cancel: onCancel,
      clearField: () => replace(""),
      deleteWord: () => replace(value.replace(/\S+\s*$/u, ""))
    },
    { active: true, modal: true }
  )
  // ink-text-input types the letter of any other Ctrl key (Ctrl-A → "a"), which would end up in a
  // reason the customer reads: the field keeps what it had.
  useInput((input, key) => {
    if (key.ctrl && input !== "c" && input !== "u" && input !== "w" && input.length === 1) replace(value)
  })
  // One line, however long the text: the field is drawn as wide as its text and shifted left, so
  // its end (where typing happens) stays in view. Columns, not characters: Hangul takes two.
  const room = Math.max(10, columns - 6)
  const textWidth = stringWidth(value) + 1
  const shift = Math.max(0, textWidth - room)
  return (
    <Box borderStyle="single" paddingX={1} flexShrink={0} flexDirection="column" height={PROMPT_HEIGHT}>
      <Toned tone="accent" wrap="truncate">
        {label}
      </Toned>
      <Box height={1} overflow="hidden">
        <Text>› </Text>
        <Box width={room} height={1} overflow="hidden">
          <Box width={Math.max(room, textWidth)} marginLeft={-shift} flexShrink={0}>
            <TextInput
              value={value}
              onChange={(next) => {
                setValue(next)
                onChange?.(next)
              }}
              onSubmit={onSubmit}
              {...(placeholder === undefined || !colour ? {} : { placeholder })}
            />
          </Box>
        </Box>
      </Box>
    </Box>
  )
}
