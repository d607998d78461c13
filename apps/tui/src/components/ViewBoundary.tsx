/**
 * The last line of defence: a view that throws while rendering is replaced by a message, not a
 * crashed console. `r` tries the view again; Esc and the tabs still work.
 */
import { Box } from "ink"
import { Component, type ReactNode } from "react"
import { useKeymap } from "../Keyboard.tsx"
import { Toned } from "../theme.tsx"
import { Text } from "./Text.tsx"

interface Props {
  readonly active: boolean
  readonly children: ReactNode
}

export class ViewBoundary extends Component<Props, { readonly error: Error | undefined }> {
  override state = { error: undefined as Error | undefined }

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override render() {
    if (this.state.error === undefined) return this.props.children
    return (
      <Fallback
        message={this.state.error.message}
        active={this.props.active}
        retry={() => this.setState({ error: undefined })}
      />
    )
  }
}

const Fallback = ({ message, active, retry }: { message: string; active: boolean; retry: () => void }) => {
  useKeymap(["global"], { refresh: retry }, { active })
  return (
    <Box flexDirection="column">
      <Toned tone="bad">This view failed: {message}</Toned>
      <Text>Press r to try again, Esc to go back, or a number key for another screen.</Text>
    </Box>
  )
}
