/**
 * Colour, or none: `NO_COLOR` (any non-empty value, https://no-color.org) or `--no-color` turns
 * every colour off, and the console then leans on bold, dim and inverse, which are not colours.
 * Components ask for a tone, never a colour, so turning colour off is one switch.
 */
import type { TextProps } from "ink"
import { createContext, type ReactNode, useContext } from "react"
import { Text } from "./components/Text.tsx"

export type Tone = "accent" | "good" | "warn" | "bad" | "muted" | "plain"

const COLOURS: Record<Tone, string | undefined> = {
  accent: "cyan",
  good: "green",
  warn: "yellow",
  bad: "red",
  muted: undefined,
  plain: undefined
}

const ColourContext = createContext(true)

export const ColourProvider = ({ enabled, children }: { enabled: boolean; children: ReactNode }) => (
  <ColourContext.Provider value={enabled}>{children}</ColourContext.Provider>
)

/** Whether colour is on, for the rare part that colours itself. */
export const useColour = () => useContext(ColourContext)

/** Text in a tone: coloured when colour is on; muted text is dim either way. */
export const Toned = ({ tone, children, ...rest }: { tone: Tone; children?: ReactNode } & TextProps) => {
  const colour = useContext(ColourContext) ? COLOURS[tone] : undefined
  return (
    <Text
      {...rest}
      {...(colour === undefined ? {} : { color: colour })}
      {...(tone === "muted" ? { dimColor: true } : {})}
    >
      {children}
    </Text>
  )
}

/** How a sender ID's status reads at a glance. */
export const statusTone = (status: string): Tone =>
  status === "ACTIVE"
    ? "good"
    : status === "PENDING" || status === "DUPLICATED"
      ? "warn"
      : status === "EXPIRED" || status === "REJECTED" || status === "FAILED"
        ? "bad"
        : status === "DELIVERED"
          ? "good"
          : "muted"
