/**
 * The console's `Text`: Ink's, with every string inside it passed through `safeText`, so no screen
 * can write a control sequence that came with the data it shows (a document name carrying an OSC 8
 * link, say). The one mechanism for all of them: Biome refuses `Text` imported from Ink anywhere
 * else in the console (apps/tui/biome.json), and nested `Text`s clean their own strings.
 */
// biome-ignore lint/style/noRestrictedImports: the one place Ink's Text is wrapped.
import { Text as InkText, type TextProps } from "ink"
import { Children, cloneElement, Fragment, isValidElement, type ReactNode } from "react"
import { safeText } from "../SafeText.ts"

const safeChildren = (children: ReactNode): ReactNode =>
  Children.map(children, (child) => {
    if (typeof child === "string") return safeText(child)
    // A fragment's strings are this Text's too (rows are often built as fragments).
    if (isValidElement<{ children?: ReactNode }>(child) && child.type === Fragment)
      return cloneElement(child, undefined, safeChildren(child.props.children))
    return child
  })

export const Text = ({ children, ...props }: TextProps) => (
  <InkText {...props}>{safeChildren(children)}</InkText>
)
