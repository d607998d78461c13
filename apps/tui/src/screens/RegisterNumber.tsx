/**
 * Registering a number for an account, as an operator: asked for in a prompt, registered ACTIVE at
 * once (the operator vouches for it), refused with the server's reason (an invalid number, a full
 * account, a number another account holds) shown where it was typed, the prompt still open.
 */
import type { Wire } from "@senderid/contract"
import { useApi } from "../Api.tsx"
import { ActionPrompt } from "../components/ActionPrompt.tsx"

export interface RegisterNumberProps {
  readonly accountId: string
  readonly onRegistered: (senderId: Wire.SenderIdView) => void
  /** Told why the server refused; the prompt stays open with what was typed. */
  readonly onFailed: (message: string) => void
  readonly onClose: () => void
}

export const RegisterNumber = ({ accountId, onRegistered, onFailed, onClose }: RegisterNumberProps) => {
  const api = useApi()
  return (
    <ActionPrompt
      label={`Register for ${accountId} (ACTIVE at once), number:`}
      placeholder="0212345678"
      check={(value) => (value === "" ? "Type the number to register, or Esc." : undefined)}
      run={async (phoneNumber) => {
        const registered = await api.registerSpecialNumber({ params: { accountId }, body: { phoneNumber } })
        onRegistered(registered)
        return ""
      }}
      onDone={() => undefined}
      onFailed={onFailed}
      onClose={onClose}
    />
  )
}
