/**
 * Work that must not be cut off unasked: a screen running a bulk import says so here, and quitting
 * asks first. A ref, not state: it changes as often as rows finish and nothing draws it.
 */
import { createContext, type MutableRefObject, type ReactNode, useContext, useRef } from "react"

type Busy = MutableRefObject<string | undefined>

const BusyContext = createContext<Busy>({ current: undefined })

export const BusyProvider = ({ children }: { children: ReactNode }) => {
  const busy = useRef<string | undefined>(undefined)
  return <BusyContext.Provider value={busy}>{children}</BusyContext.Provider>
}

/** What is running, in a few words (`undefined` when nothing is); screens set `current`. */
export const useBusy = (): Busy => useContext(BusyContext)
