/**
 * The help overlay, generated from the keymap table: the keys of the screen on top, then the list
 * keys, then those that work everywhere. `?` or Esc closes it.
 */
import { Box } from "ink"
import { Text } from "../components/Text.tsx"
import { useKeymap, useModal } from "../Keyboard.tsx"
import { type Binding, bindingsOf, keyLabel, type Scope } from "../keymap.ts"
import { Toned } from "../theme.tsx"

const SCOPE_TITLE: Record<Scope, string> = {
  global: "Everywhere",
  list: "In lists",
  prompt: "In a prompt",
  dashboard: "Dashboard",
  reviews: "Review queue",
  accounts: "Accounts",
  numbers: "An account's numbers",
  keys: "An account's API keys",
  detail: "A number's details",
  expiring: "Expiring soon",
  deliveries: "Webhook deliveries",
  import: "Bulk import"
}

const row = (b: Binding) => `${b.keys.map(keyLabel).join(" ").padEnd(12)} ${b.description}`

export const Help = ({
  scopes,
  onClose,
  width
}: {
  scopes: ReadonlyArray<Scope>
  onClose: () => void
  width: number
}) => {
  useModal()
  useKeymap(["global"], { help: onClose, back: onClose }, { active: true, modal: true })
  const order: ReadonlyArray<Scope> = [
    ...scopes.filter((s) => s !== "list"),
    ...(scopes.includes("list") ? ["list" as const] : []),
    "prompt",
    "global"
  ]
  const sections = order
    .map((scope) => ({ scope, bindings: bindingsOf([scope]) }))
    .filter((s) => s.bindings.length > 0)
  const columns = width >= 78 ? 2 : 1
  const half = Math.ceil(sections.length / columns)
  return (
    <Box borderStyle="round" flexDirection="column" paddingX={1} width={width}>
      <Text bold>
        Keys <Toned tone="muted">(? or Esc closes) · a screen's number, on that screen: its first view</Toned>
      </Text>
      <Box>
        {Array.from({ length: columns }, (_, c) => (
          <Box key={c} flexDirection="column" width={Math.floor((width - 4) / columns)} paddingRight={1}>
            {sections.slice(c * half, (c + 1) * half).map((s) => (
              <Box key={s.scope} flexDirection="column">
                <Toned tone="accent">{SCOPE_TITLE[s.scope]}</Toned>
                {s.bindings.map((b) => (
                  <Text key={b.action} wrap="truncate">
                    {row(b)}
                  </Text>
                ))}
              </Box>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  )
}
