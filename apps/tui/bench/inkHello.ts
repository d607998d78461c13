/**
 * The smallest Ink program — one line of text, then exit — as the start-up baseline: what any Ink
 * console pays for Node, React and Ink before drawing its first frame.
 */
import { render, Text } from "ink"
import { createElement } from "react"

const instance = render(createElement(Text, null, "ready"), { interactive: true, alternateScreen: true })
setTimeout(() => instance.unmount(), 2000)
