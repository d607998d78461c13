/**
 * The client every screen talks through, handed down once by the app. Screens call its methods
 * (one per endpoint of the contract), so the console speaks exactly the API other tools do.
 */
import type { PromiseClient } from "@senderid/client"
import { createContext, type ReactNode, useContext } from "react"

const ApiContext = createContext<PromiseClient | null>(null)

export const ApiProvider = ({ client, children }: { client: PromiseClient; children: ReactNode }) => (
  <ApiContext.Provider value={client}>{children}</ApiContext.Provider>
)

export const useApi = (): PromiseClient => {
  const client = useContext(ApiContext)
  if (client === null) throw new Error("useApi outside ApiProvider")
  return client
}
