/**
 * Registering a number for an account, as an operator: asked for in a prompt, registered ACTIVE at
 * once (the operator vouches for it), refused with the server's reason (an invalid number, a full
 * account, a number another account holds) shown where it was typed.
 */
import type { Wire } from "@senderid/contract"
import { useRef } from "react"
import { useApi } from "../Api.tsx"
import { Prompt } from "../components/Prompt.tsx"
import { errorText } from "../ErrorText.ts"

export interface RegisterNumberProps {
  readonly accountId: string
  readonly onRegistered: (senderId: Wire.SenderIdView) => void
  /** Told why the server refused; the prompt stays open with what was typed. */
  readonly onFailed: (message: string) => void
  readonly onClose: () => void
}

export const RegisterNumber = ({ accountId, onRegistered, onFailed, onClose }: RegisterNumberProps) => {
  const api = useApi()
  const sending = useRef(false)
  const register = async (phoneNumber: string) => {
    if (phoneNumber.trim() === "") return onClose()
    if (sending.current) return
    sending.current = true
    try {
      const registered = await api.registerSpecialNumber({
        params: { accountId },
        body: { phoneNumber: phoneNumber.trim() }
      })
      onClose()
      onRegistered(registered)
    } catch (error) {
      // The prompt stays, with the number, to be corrected.
      onFailed(errorText(error))
    } finally {
      sending.current = false
    }
  }
  return (
    <Prompt
      label={`Register for ${accountId} (ACTIVE at once), number:`}
      placeholder="0212345678"
      onSubmit={(value) => void register(value)}
      onCancel={onClose}
    />
  )
}
