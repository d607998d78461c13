/**
 * Paths the operator types (a CSV to import, a folder for evidence, where a report goes) mean what
 * they would in the operator's shell: relative to the directory the console was started from, `~`
 * for home. Under `pnpm ops` the process runs elsewhere (pnpm moves into the package), so that
 * directory is pnpm's `INIT_CWD`, where the operator typed the command; run directly, it is the
 * working directory.
 */
import { homedir } from "node:os"
import { isAbsolute, join, resolve } from "node:path"
import { createContext, type ReactNode, useCallback, useContext } from "react"

/** Where the operator started the console: pnpm's `INIT_CWD` when a package script ran it. */
export const startDirectory = (env: Readonly<Record<string, string | undefined>>, cwd: string): string => {
  const initial = env.INIT_CWD
  return initial !== undefined && initial !== "" && isAbsolute(initial) ? initial : cwd
}

/** `typed` as the operator's shell would read it, from `base`. */
export const resolvePath = (base: string, typed: string, home: string = homedir()): string =>
  typed === "~" ? home : typed.startsWith("~/") ? join(home, typed.slice(2)) : resolve(base, typed)

/** Where a review's documents are saved unless the operator says otherwise: under the home folder,
 * outside any checkout (they are customers' papers, not the project's). */
export const evidenceFolder = (reviewId: string) => `~/senderid-evidence/${reviewId}`

const DirectoryContext = createContext<string | null>(null)

export const DirectoryProvider = ({ directory, children }: { directory: string; children: ReactNode }) => (
  <DirectoryContext.Provider value={directory}>{children}</DirectoryContext.Provider>
)

/** Resolves what the operator typed against the start directory. */
export const useResolvePath = (): ((typed: string) => string) => {
  const directory = useContext(DirectoryContext)
  if (directory === null) throw new Error("useResolvePath outside DirectoryProvider")
  return useCallback((typed: string) => resolvePath(directory, typed), [directory])
}
