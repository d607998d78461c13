/**
 * Every key the console answers to, in one table: which action it runs, where, and what the help
 * overlay says about it. Screens name actions, never keys, so the help cannot drift from the
 * behaviour, and a test checks that no two bindings active together share a key.
 */
import type { Key } from "ink"

/** Where a binding applies: everywhere, in any list, in a text prompt, or on one screen. */
export type Scope =
  | "global"
  | "list"
  | "prompt"
  | "dashboard"
  | "reviews"
  | "accounts"
  | "numbers"
  | "keys"
  | "detail"
  | "expiring"
  | "deliveries"
  | "import"

export type Action =
  | "help"
  | "quit"
  | "back"
  | "refresh"
  | "nextScreen"
  | "previousScreen"
  | "gotoDashboard"
  | "gotoReviews"
  | "gotoAccounts"
  | "gotoExpiring"
  | "gotoDeliveries"
  | "gotoImport"
  | "up"
  | "down"
  | "pageUp"
  | "pageDown"
  | "first"
  | "last"
  | "submit"
  | "cancel"
  | "clearField"
  | "deleteWord"
  | "approve"
  | "reject"
  | "cycleFilter"
  | "saveDocuments"
  | "search"
  | "open"
  | "register"
  | "widen"
  | "narrow"
  | "chooseFile"
  | "saveReport"
  | "stopImport"
  | "setLimit"
  | "toggleSuspension"
  | "openAccount"
  | "showKeys"
  | "issueKey"
  | "revokeKey"

export interface Binding {
  readonly scope: Scope
  readonly action: Action
  /** Canonical key names (see `keyName`): a printable character, or `<name>` for a special key. */
  readonly keys: ReadonlyArray<string>
  /** At most 24 characters: the help overlay shows two columns at 80. */
  readonly description: string
  /** A word or two for the hint line at the bottom; bindings without one appear only in the help. */
  readonly hint?: string
}

export const KEYMAP: ReadonlyArray<Binding> = [
  { scope: "global", action: "help", keys: ["?"], description: "show or hide this help", hint: "help" },
  { scope: "global", action: "quit", keys: ["q", "<C-c>"], description: "quit", hint: "quit" },
  {
    scope: "global",
    action: "back",
    keys: ["<esc>"],
    description: "back one view",
    hint: "back"
  },
  {
    scope: "global",
    action: "refresh",
    keys: ["r"],
    description: "reload from the server",
    hint: "reload"
  },
  { scope: "global", action: "nextScreen", keys: ["<tab>"], description: "next screen" },
  { scope: "global", action: "previousScreen", keys: ["<S-tab>"], description: "previous screen" },
  { scope: "global", action: "gotoDashboard", keys: ["1"], description: "dashboard" },
  { scope: "global", action: "gotoReviews", keys: ["2"], description: "review queue" },
  { scope: "global", action: "gotoAccounts", keys: ["3"], description: "accounts" },
  { scope: "global", action: "gotoExpiring", keys: ["4"], description: "expiring soon" },
  { scope: "global", action: "gotoDeliveries", keys: ["5"], description: "webhook deliveries" },
  { scope: "global", action: "gotoImport", keys: ["6"], description: "bulk import from CSV" },
  { scope: "list", action: "up", keys: ["<up>", "k"], description: "previous row" },
  { scope: "list", action: "down", keys: ["<down>", "j"], description: "next row" },
  { scope: "list", action: "pageUp", keys: ["<pgup>", "<C-u>"], description: "page up" },
  { scope: "list", action: "pageDown", keys: ["<pgdn>", "<C-d>"], description: "page down" },
  { scope: "list", action: "first", keys: ["<home>", "g"], description: "first row" },
  { scope: "list", action: "last", keys: ["<end>", "G"], description: "last row" },
  { scope: "prompt", action: "submit", keys: ["<enter>"], description: "confirm the prompt", hint: "ok" },
  { scope: "prompt", action: "cancel", keys: ["<esc>"], description: "cancel the prompt", hint: "cancel" },
  { scope: "prompt", action: "clearField", keys: ["<C-u>"], description: "clear the field", hint: "clear" },
  {
    scope: "prompt",
    action: "deleteWord",
    keys: ["<C-w>"],
    description: "delete the last word"
  },
  {
    scope: "reviews",
    action: "approve",
    keys: ["a"],
    description: "approve (optional note)",
    hint: "approve"
  },
  {
    scope: "reviews",
    action: "reject",
    keys: ["x"],
    description: "reject (reason required)",
    hint: "reject"
  },
  { scope: "reviews", action: "open", keys: ["<enter>"], description: "open the number" },
  {
    scope: "reviews",
    action: "saveDocuments",
    keys: ["d"],
    description: "save its documents",
    hint: "documents"
  },
  { scope: "reviews", action: "cycleFilter", keys: ["f"], description: "filter by kind", hint: "kind" },
  { scope: "accounts", action: "search", keys: ["/"], description: "search accounts by id", hint: "search" },
  {
    scope: "accounts",
    action: "open",
    keys: ["<enter>"],
    description: "the account's numbers",
    hint: "numbers"
  },
  {
    scope: "accounts",
    action: "register",
    keys: ["n"],
    description: "register a number",
    hint: "register"
  },
  {
    scope: "accounts",
    action: "setLimit",
    keys: ["L"],
    description: "set the account's limit",
    hint: "limit"
  },
  {
    scope: "accounts",
    action: "toggleSuspension",
    keys: ["S"],
    description: "suspend / reinstate",
    hint: "suspend"
  },
  { scope: "accounts", action: "showKeys", keys: ["K"], description: "the account's API keys", hint: "keys" },
  {
    scope: "accounts",
    action: "openAccount",
    keys: ["c"],
    description: "open a new account",
    hint: "new account"
  },

  {
    scope: "keys",
    action: "issueKey",
    keys: ["n"],
    description: "issue a key",
    hint: "issue"
  },
  { scope: "keys", action: "revokeKey", keys: ["x"], description: "revoke the key", hint: "revoke" },

  { scope: "numbers", action: "search", keys: ["/"], description: "search by number", hint: "search" },
  { scope: "numbers", action: "cycleFilter", keys: ["f"], description: "filter by status", hint: "status" },
  {
    scope: "numbers",
    action: "open",
    keys: ["<enter>"],
    description: "details and audit",
    hint: "details"
  },
  {
    scope: "numbers",
    action: "register",
    keys: ["n"],
    description: "register a number",
    hint: "register"
  },
  {
    scope: "numbers",
    action: "toggleSuspension",
    keys: ["S"],
    description: "suspend / lift",
    hint: "suspend"
  },

  {
    scope: "expiring",
    action: "widen",
    keys: ["+", "="],
    description: "look further ahead",
    hint: "further"
  },
  { scope: "expiring", action: "narrow", keys: ["-"], description: "look less far ahead", hint: "nearer" },
  {
    scope: "expiring",
    action: "open",
    keys: ["<enter>"],
    description: "the number's details",
    hint: "details"
  },
  {
    scope: "deliveries",
    action: "cycleFilter",
    keys: ["f"],
    description: "filter by status",
    hint: "status"
  },
  { scope: "import", action: "stopImport", keys: ["x"], description: "stop a running import", hint: "stop" },
  {
    scope: "import",
    action: "chooseFile",
    keys: ["o"],
    description: "import a CSV file",
    hint: "open CSV"
  },
  {
    scope: "import",
    action: "saveReport",
    keys: ["s"],
    description: "save the report (CSV)",
    hint: "save report"
  }
]

/** The scopes a screen listens to besides `global`. */
export const SCREEN_SCOPES: Readonly<Record<string, ReadonlyArray<Scope>>> = {
  dashboard: ["dashboard"],
  reviews: ["list", "reviews"],
  accounts: ["list", "accounts"],
  numbers: ["list", "numbers"],
  keys: ["list", "keys"],
  detail: ["list", "detail"],
  expiring: ["list", "expiring"],
  deliveries: ["list", "deliveries"],
  import: ["list", "import"]
}

/** Ink's key event as one canonical name: `a`, `G`, `<enter>`, `<C-c>`, `<S-tab>`. */
export const keyName = (input: string, key: Key): string | undefined => {
  if (key.upArrow) return "<up>"
  if (key.downArrow) return "<down>"
  if (key.leftArrow) return "<left>"
  if (key.rightArrow) return "<right>"
  if (key.pageUp) return "<pgup>"
  if (key.pageDown) return "<pgdn>"
  if (key.home) return "<home>"
  if (key.end) return "<end>"
  if (key.return) return "<enter>"
  if (key.escape) return "<esc>"
  if (key.tab) return key.shift ? "<S-tab>" : "<tab>"
  if (key.backspace || key.delete) return "<bs>"
  if (key.ctrl && input.length === 1) return `<C-${input.toLowerCase()}>`
  if (key.meta) return undefined
  return input.length === 1 ? input : undefined
}

const byScope = new Map<Scope, Map<string, Action>>()
for (const binding of KEYMAP) {
  const keys = byScope.get(binding.scope) ?? new Map<string, Action>()
  for (const key of binding.keys) keys.set(key, binding.action)
  byScope.set(binding.scope, keys)
}

/** The action a key runs in the first of `scopes` that binds it. */
export const actionFor = (scopes: ReadonlyArray<Scope>, name: string): Action | undefined => {
  for (const scope of scopes) {
    const action = byScope.get(scope)?.get(name)
    if (action !== undefined) return action
  }
  return undefined
}

/** How a key is written in the help overlay and the hint line. */
export const keyLabel = (key: string): string =>
  ({
    "<up>": "↑",
    "<down>": "↓",
    "<pgup>": "PgUp",
    "<pgdn>": "PgDn",
    "<home>": "Home",
    "<end>": "End",
    "<enter>": "Enter",
    "<esc>": "Esc",
    "<tab>": "Tab",
    "<S-tab>": "Shift-Tab"
  })[key] ?? key.replace(/^<C-(.)>$/u, "Ctrl-$1")

/** The bindings of these scopes, for the help overlay and the hint line. */
export const bindingsOf = (scopes: ReadonlyArray<Scope>): ReadonlyArray<Binding> =>
  KEYMAP.filter((b) => scopes.includes(b.scope))
