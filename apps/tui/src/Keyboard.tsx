/**
 * Keys to actions, through the one keymap: a screen hands `useKeymap` the handlers of the actions it
 * offers and whether it is the view on top. While a modal (a prompt or the help overlay) is open,
 * only the modal's own bindings answer, so typing a reason never triggers a shortcut.
 */
import { useInput } from "ink"
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useLayoutEffect,
  useMemo,
  useState
} from "react"
import { type Action, actionFor, keyName, type Scope } from "./keymap.ts"

interface ModalState {
  readonly open: boolean
  readonly enter: () => () => void
}

const ModalContext = createContext<ModalState>({ open: false, enter: () => () => {} })

export const ModalProvider = ({ children }: { children: ReactNode }) => {
  const [count, setCount] = useState(0)
  const enter = useCallback(() => {
    setCount((n) => n + 1)
    return () => setCount((n) => n - 1)
  }, [])
  const value = useMemo(() => ({ open: count > 0, enter }), [count, enter])
  return <ModalContext.Provider value={value}>{children}</ModalContext.Provider>
}

/** Marks the calling component as a modal for as long as it is mounted. */
export const useModal = () => {
  const { enter } = useContext(ModalContext)
  // A layout effect: the modal takes the keyboard in the same commit that draws it.
  useLayoutEffect(() => enter(), [enter])
}

export const useModalOpen = () => useContext(ModalContext).open

export type Handlers = Partial<Record<Action, () => void>>

/**
 * Runs the handler of the action a key is bound to in `scopes` (then `global`). `modal: true` is for the modal's
 * own keymap, which answers while a modal is open; every other keymap is then silent.
 */
export const useKeymap = (
  scopes: ReadonlyArray<Scope>,
  handlers: Handlers,
  options: { readonly active: boolean; readonly modal?: boolean }
) => {
  const modalOpen = useModalOpen()
  const listening = options.active && (options.modal === true || !modalOpen)
  // Screens also answer the global bindings they offer (reload); a modal answers only its own.
  const lookup: ReadonlyArray<Scope> = options.modal === true ? scopes : [...scopes, "global"]
  useInput(
    (input, key) => {
      // Ink unsubscribes an inactive handler only when its effect runs, after the render; a key
      // arriving in between must still not reach a keymap a modal has just silenced.
      if (!listening) return
      // Keys typed faster than they are read (key repeat, type-ahead over SSH) arrive as one
      // input, "jjj": each character is still a key.
      const names =
        input.length > 1 && !key.ctrl && !key.meta
          ? [...input]
          : [keyName(input, key)].filter((n) => n !== undefined)
      for (const name of names) {
        const action = actionFor(lookup, name)
        if (action !== undefined) handlers[action]?.()
      }
    },
    { isActive: listening }
  )
}
