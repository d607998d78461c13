/**
 * A server list read a page at a time (accounts, reviews, deliveries): the first page on open, the
 * next when the cursor reaches the end of what is loaded, all of it again on reload. Failures
 * become a line of text; what was loaded stays.
 */
import { useCallback, useEffect, useRef, useState } from "react"
import { errorText } from "./ErrorText.ts"
import type { LoadError } from "./Remote.ts"

export interface PageOf<A> {
  readonly items: ReadonlyArray<A>
  readonly nextKey: string | null
}

export interface Paged<A> {
  readonly items: ReadonlyArray<A>
  readonly more: boolean
  readonly loading: boolean
  readonly error: LoadError | undefined
  readonly loadMore: () => void
  readonly reload: () => void
  readonly remove: (keep: (item: A) => boolean) => void
}

export const usePaged = <A>(
  loadPage: (startKey: string | undefined) => Promise<PageOf<A>>,
  deps: ReadonlyArray<unknown>
): Paged<A> => {
  const [items, setItems] = useState<ReadonlyArray<A>>([])
  const [nextKey, setNextKey] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<LoadError | undefined>(undefined)
  const [generation, setGeneration] = useState(0)
  const ticket = useRef(0)
  const busy = useRef(false)

  const fetchPage = useCallback(
    (startKey: string | undefined, append: boolean) => {
      const mine = ++ticket.current
      busy.current = true
      setLoading(true)
      loadPage(startKey).then(
        (page) => {
          if (mine !== ticket.current) return
          busy.current = false
          setItems((current) => (append ? [...current, ...page.items] : page.items))
          setNextKey(page.nextKey)
          setError(undefined)
          setLoading(false)
        },
        (failure: unknown) => {
          if (mine !== ticket.current) return
          busy.current = false
          setError({ text: errorText(failure) })
          setLoading(false)
        }
      )
    },
    // The caller's inputs to `loadPage`: new inputs mean a new first page.
    deps
  )

  // The first page again whenever the inputs change or a reload is asked for. New inputs (a search,
  // a filter) empty the list at once: the old rows must not be opened or decided on meanwhile.
  const loaded = useRef(fetchPage)
  useEffect(() => {
    if (loaded.current !== fetchPage) {
      loaded.current = fetchPage
      setItems([])
      setNextKey(null)
    }
    fetchPage(undefined, false)
    return () => {
      ticket.current++
    }
  }, [fetchPage, generation])

  const loadMore = useCallback(() => {
    if (nextKey !== null && !busy.current) fetchPage(nextKey, true)
  }, [fetchPage, nextKey])
  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const remove = useCallback((keep: (item: A) => boolean) => setItems((current) => current.filter(keep)), [])
  return { items, more: nextKey !== null, loading, error, loadMore, reload, remove }
}

/** Asks for the next page once the cursor reaches the last row loaded. */
export const useMoreAtEnd = (paged: Paged<unknown>, index: number) => {
  const { items, more, loadMore } = paged
  useEffect(() => {
    if (index >= items.length - 1 && more) loadMore()
  }, [index, items.length, more, loadMore])
}
