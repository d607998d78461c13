/**
 * A value loaded from the server, as a screen sees it: the last good value stays on screen while a
 * reload runs, and a failure becomes a line of text beside it instead of an exception.
 */
import { useCallback, useEffect, useRef, useState } from "react"
import { errorText } from "./ErrorText.ts"

export interface LoadError {
  readonly text: string
}

export interface Remote<A> {
  readonly value: A | undefined
  readonly loading: boolean
  /** The last load's failure; a new object for every failure, even with the same text. */
  readonly error: LoadError | undefined
  readonly reload: () => void
  /** Replaces the value locally (after a change the server confirmed). */
  readonly set: (update: (value: A | undefined) => A | undefined) => void
}

export const useRemote = <A>(load: () => Promise<A>, deps: ReadonlyArray<unknown>): Remote<A> => {
  const [value, setValue] = useState<A | undefined>(undefined)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<LoadError | undefined>(undefined)
  const [generation, setGeneration] = useState(0)
  const latest = useRef(0)
  // Loads again whenever the caller's inputs (`deps`) change or a reload is asked for.
  useEffect(() => {
    const ticket = ++latest.current
    setLoading(true)
    load().then(
      (loaded) => {
        if (ticket !== latest.current) return
        setValue(loaded)
        setError(undefined)
        setLoading(false)
      },
      (failure: unknown) => {
        if (ticket !== latest.current) return
        setError({ text: errorText(failure) })
        setLoading(false)
      }
    )
    return () => {
      // A newer load, or unmounting, makes this one's answer stale.
      latest.current++
    }
  }, [...deps, generation])
  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  return { value, loading, error, reload, set: setValue }
}

/** Reloads when a view comes back on top: what an operator returns to is current, not as left. */
export const useReloadOnShow = (active: boolean, reload: () => void) => {
  const wasActive = useRef(active)
  useEffect(() => {
    if (active && !wasActive.current) reload()
    wasActive.current = active
  }, [active, reload])
}
