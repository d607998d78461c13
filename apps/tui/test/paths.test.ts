/**
 * Where typed paths lead: from the directory the operator started the console in (pnpm's INIT_CWD
 * under `pnpm ops`, the working directory otherwise), `~` for home.
 */
import { describe, expect, it } from "vitest"
import { evidenceFolder, resolvePath, startDirectory } from "../src/Paths.tsx"

describe("startDirectory", () => {
  it("is where pnpm was run from under a package script, else the working directory", () => {
    expect(startDirectory({ INIT_CWD: "/home/op/work" }, "/repo/apps/tui")).toBe("/home/op/work")
    expect(startDirectory({}, "/home/op/work")).toBe("/home/op/work")
    expect(startDirectory({ INIT_CWD: "" }, "/home/op")).toBe("/home/op")
    expect(startDirectory({ INIT_CWD: "relative" }, "/home/op")).toBe("/home/op")
  })
})

describe("resolvePath", () => {
  it("reads a typed path as the operator's shell would", () => {
    expect(resolvePath("/home/op/work", "numbers.csv", "/home/op")).toBe("/home/op/work/numbers.csv")
    expect(resolvePath("/home/op/work", "../x.csv", "/home/op")).toBe("/home/op/x.csv")
    expect(resolvePath("/home/op/work", "/data/x.csv", "/home/op")).toBe("/data/x.csv")
    expect(resolvePath("/home/op/work", "~/x.csv", "/home/op")).toBe("/home/op/x.csv")
    expect(resolvePath("/home/op/work", "~", "/home/op")).toBe("/home/op")
  })

  it("saves evidence under the home folder unless told otherwise", () => {
    expect(resolvePath("/repo", evidenceFolder("REV1"), "/home/op")).toBe("/home/op/senderid-evidence/REV1")
  })
})
