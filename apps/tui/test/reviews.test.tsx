/**
 * The review queue against a real server: evidence and limit requests appear with their
 * documents' metadata, a rejection insists on a reason, and approving or rejecting takes the
 * review out of the queue and changes what the customer sees.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SenderIdRepository } from "@senderid/domain"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KEYS, renderConsole } from "./support/console.tsx"
import { PNG, type Registry, requestHigherLimit, startRegistry, submitEvidence } from "./support/registry.ts"

let registry: Registry
beforeAll(async () => {
  registry = await startRegistry()
  await submitEvidence(registry, "0223456789", "licence-2026.png")
  await submitEvidence(registry, "0312345678", "phone-bill.png")
  await requestHigherLimit(registry, 50)
})
afterAll(() => registry.close())

describe("duplicate unlock", () => {
  it("shows who claims a number another account holds, and hands it over on approval", async () => {
    const own = await startRegistry()
    await own.operator.openAccount({ body: { accountId: "HOLDER", limit: 5 } })
    await own.operator.registerSpecialNumber({
      params: { accountId: "HOLDER" },
      body: { phoneNumber: "0415551234" }
    })
    await own.customer.registerNumber({ body: { phoneNumber: "0415551234" } })
    const claimed = await own.customer.getNumber({ params: { phoneNumber: "0415551234" } })
    expect(claimed.status).toBe("DUPLICATED")
    await own.customer.requestUnlock({
      params: { phoneNumber: "0415551234" },
      body: { reason: "we own this line since 2019", name: "ACME Ltd" }
    })
    const ui = renderConsole(own.operator, { initial: "reviews" })
    const review = await ui.waitFor("claimed by")
    expect(review).toContain("claimed by ACME Ltd: we own this line since 2019")
    // Who holds it now, how it was verified, and what approving does to them.
    expect(review).toMatch(/held now by HOLDER: ACTIVE, verified by OPERATOR, expires \d{4}-\d\d-\d\d/u)
    expect(review).toContain("approving: once ACME proves the number, HOLDER loses it (DUPLICATED).")
    await ui.press("a")
    await ui.waitFor("Approve dup-unlock of ACME 0415551234?")
    await ui.press(KEYS.enter)
    await ui.waitFor("Approved dup-unlock of ACME 0415551234")
    const after = await own.customer.getNumber({ params: { phoneNumber: "0415551234" } })
    expect(after.unlockDuplicate.status).toBe("APPROVED")
    ui.unmount()
    await own.close()
  })
})

describe("an approval's note", () => {
  it("is kept, and shown with the number's earlier decisions when its evidence comes up", async () => {
    const own = await startRegistry()
    await own.operator.openAccount({ body: { accountId: "HOLDER", limit: 5 } })
    await own.operator.registerSpecialNumber({
      params: { accountId: "HOLDER" },
      body: { phoneNumber: "0415551234" }
    })
    await own.customer.registerNumber({ body: { phoneNumber: "0415551234" } })
    await own.customer.requestUnlock({
      params: { phoneNumber: "0415551234" },
      body: { reason: "we own this line since 2019", name: "ACME Ltd" }
    })
    const ui = renderConsole(own.operator, { initial: "reviews" })
    await ui.waitFor("dup-unlock")
    await ui.press("a")
    await ui.waitFor("Approve dup-unlock of ACME 0415551234? Note (optional):")
    await ui.type("called the line")
    await ui.press(KEYS.enter)
    await ui.waitFor("Approved dup-unlock of ACME 0415551234")
    const document = await own.customer.uploadDocument({
      body: { file: PNG, category: "SENDERID_APPROVAL", name: "telecom-bill.png" }
    })
    await own.customer.submitApproval({
      params: { phoneNumber: "0415551234" },
      body: { documents: [document.documentId] }
    })
    await ui.press("r")
    const evidence = await ui.waitFor("telecom-bill.png")
    expect(evidence).toContain("earlier: duplicate-unlock approved · note: called the line")
    ui.unmount()
    await own.close()
  })
})

describe("data that carries control sequences", () => {
  it("shows a document name with an OSC 8 link and ESC as visible text, writing no ESC of its own", async () => {
    const own = await startRegistry()
    const document = await submitEvidence(own, "0223456789", "licence.png")
    // Stored as it was before the API refused such names: a clickable link, a screen clear, a
    // right-to-left override.
    const planted = "\u001B]8;;https://evil.example/\u001B\\licence\u001B]8;;\u001B\\\u001B[2J\u202Epng"
    await own.run(
      Effect.gen(function* () {
        const repository = yield* SenderIdRepository
        const stored = Option.getOrThrow(yield* repository.findDocument(document.documentId))
        yield* repository.commit([{ _tag: "UpdateDocument", document: { ...stored, originalName: planted } }])
      })
    )
    const ui = renderConsole(own.operator, { initial: "reviews", colour: true })
    await ui.waitFor((f) => f.includes("1 of 1") && f.includes("Documents (1)"))
    // Ink's own styling (bold, inverse, colours) is SGR; once that is taken out, no ESC may remain.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Ink's SGR sequences start with ESC.
    const written = (ui.lastFrame() ?? "").replace(/\u001B\[[0-9;]*m/gu, "")
    expect(written).not.toContain("\u001B")
    expect(written).not.toContain("\u202E")
    // What was there is shown, not obeyed.
    expect(written).toContain("• ␛]8;;https://evil.e")
    ui.unmount()
    await own.close()
  })
})

describe("saving a review's documents", () => {
  it("offers a folder outside the source tree, and resolves a typed one where the console started", async () => {
    const own = await startRegistry()
    await submitEvidence(own, "0223456789", "licence.png")
    const started = mkdtempSync(join(tmpdir(), "senderid-tui-evidence-"))
    const ui = renderConsole(own.operator, { initial: "reviews", directory: started })
    await ui.waitFor((f) => f.includes("1 of 1") && f.includes("licence.png"))
    await ui.press("d")
    const asked = await ui.waitFor("Save the 1 documents")
    expect(asked).toMatch(/› ~\/senderid-evidence\/\S+/u)
    await ui.press("\u0015") // Ctrl-U
    await ui.type("papers")
    await ui.press(KEYS.enter)
    await ui.waitFor(`Saved to ${join(started, "papers")}`)
    const [saved] = readdirSync(join(started, "papers"))
    expect(saved).toMatch(/-licence\.png$/u)
    const path = join(started, "papers", saved ?? "")
    expect(readFileSync(path)).toEqual(Buffer.from(PNG, "base64"))
    expect(statSync(path).mode & 0o777).toBe(0o600)
    ui.unmount()
    await own.close()
  })
})

describe("review queue", () => {
  it("lists pending reviews oldest first with the documents' metadata, and filters by kind", async () => {
    const ui = renderConsole(registry.operator, { initial: "reviews" })
    const queue = await ui.waitFor("1 of 3")
    expect(queue.indexOf("0223456789")).toBeLessThan(queue.indexOf("0312345678"))
    expect(queue).toContain("licence-2026.png")
    expect(queue).toContain("image/png")
    expect(queue).toMatch(/\d+ B\s+approval/u)
    await ui.press("f", "f", "f") // evidence → dup-unlock → limit
    const limits = await ui.waitFor("kind: limit · 1 of 1")
    expect(limits).toContain("limit 5 → 50")
    expect(limits).toContain("why-more.png")
    ui.unmount()
  })

  it("refuses a rejection without a reason, then rejects with one", async () => {
    const ui = renderConsole(registry.operator, { initial: "reviews" })
    await ui.waitFor("1 of 3")
    await ui.press(KEYS.down) // the second evidence
    await ui.press("x")
    await ui.waitFor("Reason:")
    await ui.press(KEYS.enter)
    await ui.waitFor("A rejection needs a reason")
    await ui.type("blurred scan")
    await ui.press(KEYS.enter)
    await ui.waitFor(
      (f) =>
        f.includes("Rejected evidence of ACME 0312345678") && /^Review queue · kind: all · \d of 2$/mu.test(f)
    )
    const number = await registry.customer.getNumber({ params: { phoneNumber: "0312345678" } })
    expect(number.approvalDocuments[0]?.status).toBe("REJECTED")
    expect(number.approvalDocuments[0]?.reason).toBe("blurred scan")
    ui.unmount()
  })

  it("approves evidence: the number becomes ACTIVE and leaves the queue", async () => {
    const ui = renderConsole(registry.operator, { initial: "reviews" })
    await ui.waitFor("1 of 2")
    await ui.press("a")
    await ui.waitFor("Approve evidence of ACME 0223456789? Note (optional):")
    await ui.press(KEYS.enter)
    const after = await ui.waitFor(
      (f) =>
        f.includes("Approved evidence of ACME 0223456789") && f.includes("Review queue · kind: all · 1 of 1")
    )
    expect(after).toMatch(/limit\s+ACME/u)
    const number = await registry.customer.getNumber({ params: { phoneNumber: "0223456789" } })
    expect(number.status).toBe("ACTIVE")
    expect(number.method).toBe("DOCUMENT")
    ui.unmount()
  })

  it("shows a failed decision inline and keeps the queue", async () => {
    const ui = renderConsole(registry.operator, { initial: "reviews" })
    await ui.waitFor("1 of 1")
    // Someone else decides it first; this console still shows it.
    const [review] = (await registry.operator.listReviews()).reviews
    await registry.operator.decideLimitation({
      params: { accountId: "ACME", limitationId: review?.reviewId ?? "" },
      body: { decision: "APPROVE" }
    })
    await ui.press("a", KEYS.enter)
    const failed = await ui.waitFor(/✗ AlreadyDecided: /u)
    expect(failed).toContain("Approve limit of ACME? Note") // the prompt stays, to retry or cancel
    expect(failed).toContain("Review queue")
    await ui.press(KEYS.escape)
    await ui.waitFor((f) => f.includes("Review queue") && !f.includes("Approve limit"))
    await ui.press("r")
    await ui.waitFor("Nothing waits for review.")
    ui.unmount()
  })
})
