/**
 * The console: a title, the tab bar, the view on top, and a hint line, laid out to the terminal's
 * size (80×24 upward). Each tab, once opened, keeps its stack of views mounted, so leaving a screen
 * and coming back finds it as it was (reloaded), an import still running; Esc pops the stack.
 */
import type { PromiseClient } from "@senderid/client"
import { Box, useApp, useWindowSize } from "ink"
import { lazy, type ReactNode, Suspense, useState } from "react"
import { ApiProvider } from "./Api.tsx"
import { BusyProvider, useBusy } from "./Busy.tsx"
import { Confirm } from "./components/Confirm.tsx"
import { Text } from "./components/Text.tsx"
import { ViewBoundary } from "./components/ViewBoundary.tsx"
import { ModalProvider, useKeymap, useModalOpen } from "./Keyboard.tsx"
import { bindingsOf, keyLabel, SCREEN_SCOPES, type Scope } from "./keymap.ts"
import { type ScreenProps, TABS, type TabScreen, type View } from "./Navigation.ts"
import { DirectoryProvider } from "./Paths.tsx"
import { Accounts } from "./screens/Accounts.tsx"
import { Dashboard } from "./screens/Dashboard.tsx"
import { Deliveries } from "./screens/Deliveries.tsx"
import { Detail } from "./screens/Detail.tsx"
import { Expiring } from "./screens/Expiring.tsx"
import { Help } from "./screens/Help.tsx"
import { Keys } from "./screens/Keys.tsx"
import { Numbers } from "./screens/Numbers.tsx"
import { Reviews } from "./screens/Reviews.tsx"
import { ColourProvider, Toned } from "./theme.tsx"

/** How the console is drawn, by the bin and the benchmark alike: full-screen (the terminal's
 * alternate screen, restored on exit), at most 30 frames a second (Ink's default, said here). */
export const RENDER_OPTIONS = {
  // A terminal is a terminal even when CI=true is set (the end-to-end test runs the console in tmux
  // under CI); without this Ink would draw only the last frame.
  interactive: true,
  alternateScreen: true,
  exitOnCtrlC: true,
  maxFps: 30
} as const

export interface AppProps {
  readonly client: PromiseClient
  readonly server: string
  readonly colour: boolean
  /** The screen to open on (the dashboard unless given). */
  readonly initial?: TabScreen
  /** Where paths the operator types are relative to (`startDirectory`). */
  readonly directory: string
}

export const App = ({ client, server, colour, initial = "dashboard", directory }: AppProps) => (
  <ColourProvider enabled={colour}>
    <ApiProvider client={client}>
      <DirectoryProvider directory={directory}>
        <ModalProvider>
          <BusyProvider>
            <Console server={server} initial={initial} />
          </BusyProvider>
        </ModalProvider>
      </DirectoryProvider>
    </ApiProvider>
  </ColourProvider>
)

// Bulk import (and its CSV parser and writer) is loaded when its tab is first opened: it is over a
// third of the console's own code, and the first frame never shows it.
const Import = lazy(() => import("./screens/Import.tsx").then((module) => ({ default: module.Import })))

/** The smallest terminal the layout is drawn for (80×24 is the one it is designed at). */
const MIN_COLUMNS = 80
const MIN_ROWS = 24

const renderView = (view: View, props: ScreenProps): ReactNode => {
  switch (view.screen) {
    case "dashboard":
      return <Dashboard {...props} />
    case "reviews":
      return <Reviews {...props} />
    case "accounts":
      return <Accounts {...props} />
    case "expiring":
      return <Expiring {...props} />
    case "deliveries":
      return <Deliveries {...props} />
    case "import":
      return (
        <Suspense fallback={<Text dimColor>loading…</Text>}>
          <Import {...props} />
        </Suspense>
      )
    case "numbers":
      return <Numbers {...props} accountId={view.accountId} />
    case "keys":
      return <Keys {...props} accountId={view.accountId} />
    case "detail":
      return <Detail {...props} accountId={view.accountId} senderId={view.senderId} />
  }
}

const initialStacks = () =>
  Object.fromEntries(TABS.map((t) => [t.screen, [{ screen: t.screen }]])) as unknown as Record<
    TabScreen,
    ReadonlyArray<View>
  >

const Console = ({ server, initial }: { server: string; initial: TabScreen }) => {
  const { exit } = useApp()
  const { columns, rows } = useWindowSize()
  const width = Math.max(MIN_COLUMNS, columns)
  const height = Math.max(MIN_ROWS, rows)
  // Smaller than this, rows overlap and lines hide what they say; the screens wait, still mounted.
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS
  const [tab, setTab] = useState<TabScreen>(initial)
  // A screen is mounted the first time it is shown, then kept: start-up loads only the first one.
  const [visited, setVisited] = useState<ReadonlySet<TabScreen>>(() => new Set([initial]))
  if (!visited.has(tab)) setVisited(new Set([...visited, tab]))
  const [stacks, setStacks] = useState(initialStacks)
  const [help, setHelp] = useState(false)
  const [quitting, setQuitting] = useState(false)
  const busy = useBusy()
  const modalOpen = useModalOpen()
  const stack = stacks[tab]
  const top = stack[stack.length - 1] ?? { screen: tab }
  const scopes: ReadonlyArray<Scope> = SCREEN_SCOPES[top.screen] ?? []
  const tabIndex = TABS.findIndex((t) => t.screen === tab)
  // A screen's key, pressed on that screen, goes back to its first view.
  const goto = (screen: TabScreen) => () => {
    if (screen === tab) setStacks((s) => ({ ...s, [screen]: s[screen].slice(0, 1) }))
    else setTab(screen)
  }
  const step = (by: number) => () =>
    setTab(TABS[(tabIndex + by + TABS.length) % TABS.length]?.screen ?? "dashboard")

  useKeymap(
    ["global"],
    {
      help: () => setHelp(true),
      // Quitting mid-import would leave rows registered and no report of which: ask first.
      quit: () => (busy.current === undefined ? exit() : setQuitting(true)),
      back: () => setStacks((s) => (s[tab].length > 1 ? { ...s, [tab]: s[tab].slice(0, -1) } : s)),
      nextScreen: step(1),
      previousScreen: step(-1),
      gotoDashboard: goto("dashboard"),
      gotoReviews: goto("reviews"),
      gotoAccounts: goto("accounts"),
      gotoExpiring: goto("expiring"),
      gotoDeliveries: goto("deliveries"),
      gotoImport: goto("import")
    },
    { active: !help && !quitting }
  )

  const bodyHeight = height - 3
  const open = (owner: TabScreen) => (view: View) =>
    setStacks((s) => ({ ...s, [owner]: [...s[owner], view] }))
  // While a prompt is open its keys are the ones that matter.
  const hints = (
    modalOpen && !help ? bindingsOf(["prompt"]) : [...bindingsOf(scopes), ...bindingsOf(["global"])]
  )
    .filter((b) => b.hint !== undefined && (b.action !== "back" || stack.length > 1))
    .map((b) => `${keyLabel(b.keys[0] ?? "")} ${b.hint}`)
    .join(" · ")

  return (
    <Box flexDirection="column" width={tooSmall ? columns : width} height={tooSmall ? rows : height}>
      <Text wrap="truncate">
        <Text bold>senderid-ops</Text> <Toned tone="muted">· {server}</Toned>
      </Text>
      <Text wrap="truncate">
        {TABS.map((t, i) => (
          <Text key={t.screen}>
            {t.screen === tab ? (
              <Text inverse bold>{` ${i + 1} ${t.title} `}</Text>
            ) : (
              <Text>{` ${i + 1} ${t.title} `}</Text>
            )}
          </Text>
        ))}
      </Text>
      <Box height={bodyHeight} flexDirection="column">
        {tooSmall ? (
          <Toned tone="warn" wrap="wrap">
            The console needs a terminal of at least {MIN_COLUMNS}×{MIN_ROWS}; this one is {columns}×{rows}.
          </Toned>
        ) : null}
        {help && !tooSmall ? <Help scopes={scopes} width={width} onClose={() => setHelp(false)} /> : null}
        {/* One flat, keyed list: a tab opened for the first time must not shift the others, or
            React would mount them afresh and lose their state (a running import among them). */}
        {TABS.filter((t) => visited.has(t.screen)).flatMap((t) =>
          stacks[t.screen].map((view, depth) => {
            const shown =
              !help && !quitting && !tooSmall && t.screen === tab && depth === stacks[t.screen].length - 1
            return (
              <Box key={`${t.screen}:${depth}`} display={shown ? "flex" : "none"} flexDirection="column">
                <ViewBoundary active={shown}>
                  {renderView(view, { active: shown, width, height: bodyHeight, open: open(t.screen) })}
                </ViewBoundary>
              </Box>
            )
          })
        )}
        {quitting ? (
          <Confirm
            question={`${busy.current ?? "Work is running"}: quit anyway? What has not been sent is not sent.`}
            onConfirm={exit}
            onCancel={() => setQuitting(false)}
          />
        ) : null}
      </Box>
      <Toned tone="muted" wrap="truncate">
        {hints}
      </Toned>
    </Box>
  )
}
