/**
 * The message line: the latest message wins, whether it is a load's failure or an action's result,
 * so a success after a failed reload reads as a success, and a reload that fails again says so.
 */
import { render } from "ink-testing-library"
import { useEffect } from "react"
import { describe, it } from "vitest"
import { Notice, useNotice } from "../src/components/Notice.tsx"
import type { LoadError } from "../src/Remote.ts"
import { watchFrames } from "./support/frames.ts"

const Probe = ({ error, message }: { error?: LoadError; message?: string }) => {
  const { notice, say } = useNotice(error)
  useEffect(() => {
    if (message !== undefined) say("good", message)
  }, [message, say])
  return <Notice notice={notice} />
}

describe("the message line", () => {
  it("shows whichever came last, a load's failure or an action's result", async () => {
    const down = { text: "The server cannot be reached (connection refused)." }
    const ui = render(<Probe error={down} />)
    // Each wait ends at the frame left once the Probe's effect (`say`) has run.
    const { waitFor } = watchFrames(ui)
    await waitFor((f) => f.trim() === "✗ The server cannot be reached (connection refused).")
    ui.rerender(<Probe error={down} message="Approved evidence of ACME 0223456789" />)
    await waitFor((f) => f.trim() === "✓ Approved evidence of ACME 0223456789")
    // The same failure again (a new reload failing) is news again.
    ui.rerender(<Probe error={{ ...down }} message="Approved evidence of ACME 0223456789" />)
    await waitFor((f) => f.trim() === "✗ The server cannot be reached (connection refused).")
    // Recovery takes the failure away.
    ui.rerender(<Probe message="Approved evidence of ACME 0223456789" />)
    await waitFor((f) => f.trim() === "")
    ui.unmount()
  })
})
