/**
 * Asking for the operator key's secret without showing it: the question is written, what is typed
 * is not (no echo, no asterisks), Enter answers, Ctrl-C cancels. Node's readline does the line
 * editing (backspace, Ctrl-U); only its echo is swallowed. How the console starts without a secret on
 * its command line, where pnpm would echo it into the scrollback and `ps` would show it.
 */
import { createInterface } from "node:readline"
import { Writable } from "node:stream"

/** The answer, or `undefined` when the operator cancelled (Ctrl-C, or the input ended). */
export const askHidden = (
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream
): Promise<string | undefined> =>
  new Promise((resolve) => {
    let echo = true
    // Everything readline writes after the question is the echo of what is typed: swallowed.
    const screen = new Writable({
      write(chunk, _encoding, done) {
        if (echo) output.write(chunk)
        done()
      }
    })
    const line = createInterface({ input, output: screen, terminal: true })
    let answered = false
    const finish = (answer: string | undefined) => {
      if (answered) return
      answered = true
      line.close()
      output.write("\n")
      resolve(answer)
    }
    line.on("SIGINT", () => finish(undefined))
    line.on("close", () => finish(undefined))
    line.question(question, (answer) => finish(answer))
    echo = false
  })
