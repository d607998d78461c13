import { assert, describe, it } from "@effect/vitest"
import { type Customer, type Harness, makeHarness, PNG_BASE64 } from "../support/harness.ts"

const DOCUMENTS = "/senderid/v1/documents"
const CATEGORIES = [
  "SENDERID_APPROVAL",
  "SENDERID_LIMITATION",
  "SENDERID_IDENTIFICATION",
  "SENDERID_CONSIGNMENT"
] as const
const MAX_FILE_BYTES = 700 * 1024

interface DocumentJson {
  readonly documentId: string
  readonly accountId: string
  readonly name: string
  readonly originalName: string
  readonly category: string
  readonly url: string
  readonly use: boolean
  readonly fileType: string
  readonly mimeType: string
  readonly size: number
  readonly dateCreated: string
}

interface PageJson {
  readonly startKey: string | null
  readonly nextKey: string | null
  readonly limit: number
  readonly data: ReadonlyArray<DocumentJson>
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")
const bytesOf = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"))

/** The smallest well-formed PDF: one empty page, with a correct cross-reference table. */
const tinyPdf = (): Uint8Array => {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"
  ]
  let text = "%PDF-1.4\n"
  const offsets: Array<number> = []
  objects.forEach((body, i) => {
    offsets.push(text.length)
    text += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = text.length
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) text += `${String(offset).padStart(10, "0")} 00000 n \n`
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return new TextEncoder().encode(text)
}

/** `size` bytes that start with PNG's signature (so only the size can be wrong with them). */
const pngSized = (size: number): Uint8Array => {
  const bytes = new Uint8Array(size)
  bytes.set(bytesOf(PNG_BASE64).subarray(0, 8))
  return bytes
}

const upload = (h: Harness, who: Customer, body: Record<string, unknown>, headers?: Record<string, string>) =>
  h.request(who, "POST", DOCUMENTS, body, headers)

const uploadOk = async (
  h: Harness,
  who: Customer,
  body: Record<string, unknown> = { file: PNG_BASE64, category: "SENDERID_APPROVAL" }
): Promise<DocumentJson> => {
  const response = await upload(h, who, body)
  assert.strictEqual(response.status, 200, await response.clone().text())
  return (await response.json()) as DocumentJson
}

const errorOf = async (response: Response) => {
  const body = (await response.json()) as { errorCode: string; errorMessage: string }
  return { status: response.status, errorCode: body.errorCode }
}

const list = async (h: Harness, who: Customer, query = ""): Promise<PageJson> => {
  const response = await h.request(who, "GET", `${DOCUMENTS}${query}`)
  assert.strictEqual(response.status, 200, await response.clone().text())
  return (await response.json()) as PageJson
}

const idsOf = (page: PageJson) => page.data.map((d) => d.documentId)

describe("POST /senderid/v1/documents", () => {
  it("stores a base64 PNG and answers with the document's full shape", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const before = Date.now()
    const response = await upload(h, who, {
      file: PNG_BASE64,
      category: "SENDERID_APPROVAL",
      name: "scan.png"
    })
    assert.strictEqual(response.status, 200)
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/u)
    const doc = (await response.json()) as DocumentJson
    assert.deepStrictEqual(Object.keys(doc).sort(), [
      "accountId",
      "category",
      "dateCreated",
      "documentId",
      "fileType",
      "mimeType",
      "name",
      "originalName",
      "size",
      "url",
      "use"
    ])
    assert.match(doc.documentId, /^DOC\d{14}[A-Z0-9]{15}$/u)
    assert.strictEqual(doc.accountId, who.accountId)
    assert.strictEqual(doc.name, "scan.png")
    assert.strictEqual(doc.originalName, "scan.png")
    assert.strictEqual(doc.category, "SENDERID_APPROVAL")
    assert.strictEqual(doc.use, false)
    assert.strictEqual(doc.fileType, "png")
    assert.strictEqual(doc.mimeType, "image/png")
    assert.strictEqual(doc.size, bytesOf(PNG_BASE64).byteLength)
    assert.match(doc.dateCreated, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/u)
    const created = Date.parse(doc.dateCreated)
    assert.isAtLeast(created, before - 1000)
    assert.isAtMost(created, Date.now() + 1000)
    assert.isTrue(doc.url.endsWith(`/senderid/v1/documents/${doc.documentId}/file`), doc.url)
  })

  it("accepts a data URL and types the file by its bytes, not the declared mime type", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const doc = await uploadOk(h, who, {
      file: `data:application/pdf;base64,${PNG_BASE64}`,
      category: "SENDERID_APPROVAL"
    })
    assert.strictEqual(doc.fileType, "png")
    assert.strictEqual(doc.mimeType, "image/png")
    assert.strictEqual(doc.size, bytesOf(PNG_BASE64).byteLength)
  })

  it("accepts a PDF and names it after its id when no name is given", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const pdf = tinyPdf()
    const doc = await uploadOk(h, who, { file: base64(pdf), category: "SENDERID_LIMITATION" })
    assert.strictEqual(doc.fileType, "pdf")
    assert.strictEqual(doc.mimeType, "application/pdf")
    assert.strictEqual(doc.size, pdf.byteLength)
    assert.strictEqual(doc.originalName, `${doc.documentId}.pdf`)
    assert.strictEqual(doc.name, doc.originalName)
  })

  for (const category of CATEGORIES) {
    it(`accepts the category ${category}`, async () => {
      const h = makeHarness()
      const who = await h.customer()
      const doc = await uploadOk(h, who, { file: PNG_BASE64, category })
      assert.strictEqual(doc.category, category)
    })
  }

  it("accepts base64 wrapped in lines, as MIME and PEM tools write it", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const pdf = tinyPdf()
    const wrapped = (base64(pdf).match(/.{1,64}/gu) ?? []).join("\r\n")
    const doc = await uploadOk(h, who, { file: wrapped, category: "SENDERID_APPROVAL" })
    assert.strictEqual(doc.size, pdf.byteLength)
    const file = await h.request(who, "GET", `${DOCUMENTS}/${doc.documentId}/file`)
    assert.deepStrictEqual(new Uint8Array(await file.arrayBuffer()), pdf)
  })

  it("refuses an unknown category with 400 InvalidParameter", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const response = await upload(h, who, { file: PNG_BASE64, category: "SENDERID_SELFIE" })
    assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidParameter" })
  })

  it("refuses bytes that are not png/gif/jpg/pdf/tif with 400 InvalidFileType, whatever the name says", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const samples: ReadonlyArray<readonly [string, Uint8Array]> = [
      ["plain text named .png", new TextEncoder().encode("hello, this is not an image")],
      ["a zip named .pdf", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4])],
      ["html named .jpg", new TextEncoder().encode("<!DOCTYPE html><html><body>x</body></html>")],
      ["an exe named .gif", new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00])]
    ]
    const names = ["scan.png", "scan.pdf", "scan.jpg", "scan.gif"]
    for (const [i, [label, bytes]] of samples.entries()) {
      const response = await upload(h, who, {
        file: base64(bytes),
        category: "SENDERID_APPROVAL",
        name: names[i]
      })
      assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidFileType" }, label)
    }
    assert.deepStrictEqual((await list(h, who)).data, [])
  })

  it("refuses a name with an extension outside the allow-list, even for real PNG bytes", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const response = await upload(h, who, {
      file: PNG_BASE64,
      category: "SENDERID_APPROVAL",
      name: "scan.exe"
    })
    assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidFileType" })
  })

  it("accepts a file of exactly 700 KiB and refuses one byte more with 413 FileSizeTooLarge", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const atCap = await uploadOk(h, who, {
      file: base64(pngSized(MAX_FILE_BYTES)),
      category: "SENDERID_APPROVAL"
    })
    assert.strictEqual(atCap.size, MAX_FILE_BYTES)

    const over = await upload(h, who, {
      file: base64(pngSized(MAX_FILE_BYTES + 1)),
      category: "SENDERID_APPROVAL"
    })
    assert.deepStrictEqual(await errorOf(over), { status: 413, errorCode: "FileSizeTooLarge" })
    assert.deepStrictEqual(idsOf(await list(h, who)), [atCap.documentId])
  })

  it("refuses a body over the 1 MiB upload limit with 413 PayloadTooLarge before decoding it", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const response = await upload(h, who, {
      file: "A".repeat(1024 * 1024 + 16),
      category: "SENDERID_APPROVAL"
    })
    assert.deepStrictEqual(await errorOf(response), { status: 413, errorCode: "PayloadTooLarge" })
  })

  it("refuses a file that is not base64 with 400 InvalidFileEncoding", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const response = await upload(h, who, { file: "not base64 at all!", category: "SENDERID_APPROVAL" })
    assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidFileEncoding" })
  })
})

describe("GET /senderid/v1/documents", () => {
  it("pages through every document with limit and startKey/nextKey, without duplicates or gaps", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const uploaded: Array<string> = []
    for (let i = 0; i < 7; i++) uploaded.push((await uploadOk(h, who)).documentId)

    const seen: Array<string> = []
    const pages: Array<PageJson> = []
    let startKey: string | null = null
    do {
      const query: string =
        startKey === null ? "?limit=3" : `?limit=3&startKey=${encodeURIComponent(startKey)}`
      const page = await list(h, who, query)
      assert.strictEqual(page.limit, 3)
      assert.strictEqual(page.startKey, startKey)
      assert.isAtMost(page.data.length, 3)
      pages.push(page)
      seen.push(...idsOf(page))
      startKey = page.nextKey
    } while (startKey !== null && pages.length < 10)

    assert.strictEqual(pages.length, 3)
    assert.deepStrictEqual(
      pages.map((p) => p.data.length),
      [3, 3, 1]
    )
    assert.strictEqual(new Set(seen).size, seen.length)
    assert.deepStrictEqual([...seen].sort(), [...uploaded].sort())
    assert.strictEqual(pages.at(-1)?.nextKey, null)
    // Each page's nextKey is the first id of the following page.
    assert.strictEqual(pages[0]?.nextKey, pages[1]?.data[0]?.documentId)
    assert.strictEqual(pages[1]?.nextKey, pages[2]?.data[0]?.documentId)
  })

  it("defaults to a page of 20", async () => {
    const h = makeHarness()
    const who = await h.customer()
    await uploadOk(h, who)
    const page = await list(h, who)
    assert.strictEqual(page.limit, 20)
    assert.strictEqual(page.startKey, null)
    assert.strictEqual(page.nextKey, null)
    assert.strictEqual(page.data.length, 1)
  })

  it("lists only the caller's documents", async () => {
    const h = makeHarness()
    const mine = await h.customer()
    const theirs = await h.customer()
    const doc = await uploadOk(h, mine)
    await uploadOk(h, theirs)
    assert.deepStrictEqual(idsOf(await list(h, mine)), [doc.documentId])
  })

  it("filters by category, also spelled category[eq]", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const approval = await uploadOk(h, who, { file: PNG_BASE64, category: "SENDERID_APPROVAL" })
    const limitation = await uploadOk(h, who, { file: PNG_BASE64, category: "SENDERID_LIMITATION" })
    assert.deepStrictEqual(idsOf(await list(h, who, "?category=SENDERID_APPROVAL")), [approval.documentId])
    assert.deepStrictEqual(idsOf(await list(h, who, "?category%5Beq%5D=SENDERID_LIMITATION")), [
      limitation.documentId
    ])
    assert.deepStrictEqual(idsOf(await list(h, who, "?category[eq]=SENDERID_LIMITATION")), [
      limitation.documentId
    ])
    assert.deepStrictEqual(idsOf(await list(h, who, "?category=SENDERID_CONSIGNMENT")), [])
  })

  it("filters by use once a review references a document", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const used = await uploadOk(h, who)
    const free = await uploadOk(h, who)
    const registered = await h.request(who, "POST", "/senderid/v1/numbers", {
      phoneNumber: "01023456789",
      documents: [used.documentId]
    })
    assert.strictEqual(registered.status, 200, await registered.clone().text())

    const inUse = await list(h, who, "?use=true")
    assert.deepStrictEqual(idsOf(inUse), [used.documentId])
    assert.strictEqual(inUse.data[0]?.use, true)
    assert.deepStrictEqual(idsOf(await list(h, who, "?use=false")), [free.documentId])
  })

  it("filters by documentId", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const a = await uploadOk(h, who)
    await uploadOk(h, who)
    assert.deepStrictEqual(idsOf(await list(h, who, `?documentId=${a.documentId}`)), [a.documentId])
    assert.deepStrictEqual(idsOf(await list(h, who, "?documentId=DOC00000000000000NOSUCHDOCUMENT1")), [])
  })

  it("filters by creation date with startDate/endDate and dateCreated[op]", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const doc = await uploadOk(h, who)
    const created = Date.parse(doc.dateCreated)
    const iso = (millis: number) => encodeURIComponent(new Date(millis).toISOString())
    const hourAgo = iso(created - 3_600_000)
    const inAnHour = iso(created + 3_600_000)
    const at = iso(created)

    assert.deepStrictEqual(idsOf(await list(h, who, `?startDate=${hourAgo}`)), [doc.documentId])
    assert.deepStrictEqual(idsOf(await list(h, who, `?startDate=${inAnHour}`)), [])
    assert.deepStrictEqual(idsOf(await list(h, who, `?endDate=${inAnHour}`)), [doc.documentId])
    assert.deepStrictEqual(idsOf(await list(h, who, `?endDate=${hourAgo}`)), [])
    assert.deepStrictEqual(idsOf(await list(h, who, `?startDate=${hourAgo}&endDate=${inAnHour}`)), [
      doc.documentId
    ])
    assert.deepStrictEqual(idsOf(await list(h, who, `?dateCreated[gte]=${at}`)), [doc.documentId])
    assert.deepStrictEqual(idsOf(await list(h, who, `?dateCreated[gt]=${at}`)), [])
    assert.deepStrictEqual(idsOf(await list(h, who, `?dateCreated[lte]=${at}`)), [doc.documentId])
    assert.deepStrictEqual(idsOf(await list(h, who, `?dateCreated[lt]=${at}`)), [])
    assert.deepStrictEqual(idsOf(await list(h, who, `?dateCreated%5Bgte%5D=${inAnHour}`)), [])
  })

  it("refuses an unknown filter, an unknown operator or a bad value with 400 InvalidParameter", async () => {
    const h = makeHarness()
    const who = await h.customer()
    for (const query of [
      "?color=red",
      "?category[like]=SENDERID",
      "?use[ne]=true",
      "?dateCreated[in]=2026-01-01",
      "?startDate[ne]=2026-01-01",
      "?startDate[lt]=2026-01-01",
      "?endDate[gt]=2026-01-01",
      "?limit[eq]=5",
      "?limit[lte]=5",
      "?category=SENDERID_SELFIE",
      "?use=yes",
      "?startDate=yesterday",
      "?dateCreated[gte]=1700000000000"
    ]) {
      const response = await h.request(who, "GET", `${DOCUMENTS}${query}`)
      assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidParameter" }, query)
    }
  })

  it("refuses a limit that is not an integer from 1 to 100 with 400 InvalidParameter", async () => {
    const h = makeHarness()
    const who = await h.customer()
    for (const limit of ["0", "101", "-1", "abc", "2.5", ""]) {
      const response = await h.request(who, "GET", `${DOCUMENTS}?limit=${limit}`)
      assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidParameter" }, limit)
    }
    assert.strictEqual((await list(h, who, "?limit=100")).limit, 100)
    assert.strictEqual((await list(h, who, "?limit=1")).limit, 1)
  })
})

describe("GET /senderid/v1/documents/:documentId", () => {
  it("answers with the document as it was uploaded", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const doc = await uploadOk(h, who, {
      file: PNG_BASE64,
      category: "SENDERID_CONSIGNMENT",
      name: "letter.png"
    })
    const response = await h.request(who, "GET", `${DOCUMENTS}/${doc.documentId}`)
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(await response.json(), doc)
  })

  it("answers 400 InvalidDocumentId for an unknown id and for another account's document", async () => {
    const h = makeHarness()
    const mine = await h.customer()
    const theirs = await h.customer()
    const their = await uploadOk(h, theirs)
    const unknown = await h.request(mine, "GET", `${DOCUMENTS}/DOC20260101000000AAAAAAAAAAAAAAA`)
    assert.deepStrictEqual(await errorOf(unknown), { status: 400, errorCode: "InvalidDocumentId" })
    const foreign = await h.request(mine, "GET", `${DOCUMENTS}/${their.documentId}`)
    assert.deepStrictEqual(await errorOf(foreign), { status: 400, errorCode: "InvalidDocumentId" })
  })
})

describe("GET /senderid/v1/documents/:documentId/file", () => {
  it("returns the exact bytes with the sniffed content type and no caching", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const pdf = tinyPdf()
    const cases: ReadonlyArray<readonly [Uint8Array, string, string]> = [
      [bytesOf(PNG_BASE64), "image/png", "misnamed.pdf"],
      [pdf, "application/pdf", "misnamed.png"]
    ]
    for (const [bytes, mimeType, name] of cases) {
      const doc = await uploadOk(h, who, { file: base64(bytes), category: "SENDERID_APPROVAL", name })
      const response = await h.request(who, "GET", `${DOCUMENTS}/${doc.documentId}/file`)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers.get("content-type"), mimeType)
      assert.strictEqual(response.headers.get("cache-control"), "private, no-store")
      assert.strictEqual(response.headers.get("x-content-type-options"), "nosniff")
      assert.isNotNull(response.headers.get("x-request-id"))
      assert.deepStrictEqual(new Uint8Array(await response.arrayBuffer()), bytes)
    }
  })

  it("answers 400 InvalidDocumentId for another account's document", async () => {
    const h = makeHarness()
    const mine = await h.customer()
    const theirs = await h.customer()
    const their = await uploadOk(h, theirs)
    const response = await h.request(mine, "GET", `${DOCUMENTS}/${their.documentId}/file`)
    assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidDocumentId" })
  })
})

describe("DELETE /senderid/v1/documents", () => {
  it("deletes the documents and answers with them", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const a = await uploadOk(h, who)
    const b = await uploadOk(h, who)
    const c = await uploadOk(h, who)
    const response = await h.request(who, "DELETE", DOCUMENTS, { documents: [a.documentId, b.documentId] })
    assert.strictEqual(response.status, 200)
    const deleted = (await response.json()) as ReadonlyArray<DocumentJson>
    assert.deepStrictEqual(deleted.map((d) => d.documentId).sort(), [a.documentId, b.documentId].sort())
    assert.deepStrictEqual(
      [...deleted].sort((x, y) => x.documentId.localeCompare(y.documentId)),
      [a, b].sort((x, y) => x.documentId.localeCompare(y.documentId))
    )
    assert.deepStrictEqual(idsOf(await list(h, who)), [c.documentId])
    const gone = await h.request(who, "GET", `${DOCUMENTS}/${a.documentId}`)
    assert.deepStrictEqual(await errorOf(gone), { status: 400, errorCode: "InvalidDocumentId" })
    const file = await h.request(who, "GET", `${DOCUMENTS}/${a.documentId}/file`)
    assert.deepStrictEqual(await errorOf(file), { status: 400, errorCode: "InvalidDocumentId" })
  })

  it("refuses with 409 DocumentInUse when a pending review uses one, and deletes nothing", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const free = await uploadOk(h, who)
    const used = await uploadOk(h, who)
    const registered = await h.request(who, "POST", "/senderid/v1/numbers", {
      phoneNumber: "01023456789",
      documents: [used.documentId]
    })
    assert.strictEqual(registered.status, 200, await registered.clone().text())

    const response = await h.request(who, "DELETE", DOCUMENTS, {
      documents: [free.documentId, used.documentId]
    })
    assert.deepStrictEqual(await errorOf(response), { status: 409, errorCode: "DocumentInUse" })
    assert.deepStrictEqual(idsOf(await list(h, who)).sort(), [free.documentId, used.documentId].sort())
    const file = await h.request(who, "GET", `${DOCUMENTS}/${free.documentId}/file`)
    assert.strictEqual(file.status, 200)
  })

  it("refuses another account's or an unknown document with 400 InvalidDocumentId, and deletes nothing", async () => {
    const h = makeHarness()
    const mine = await h.customer()
    const theirs = await h.customer()
    const my = await uploadOk(h, mine)
    const their = await uploadOk(h, theirs)
    const response = await h.request(mine, "DELETE", DOCUMENTS, {
      documents: [my.documentId, their.documentId]
    })
    assert.deepStrictEqual(await errorOf(response), { status: 400, errorCode: "InvalidDocumentId" })
    assert.deepStrictEqual(idsOf(await list(h, mine)), [my.documentId])
    assert.deepStrictEqual(idsOf(await list(h, theirs)), [their.documentId])
  })

  it("deletes a document listed twice once", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const a = await uploadOk(h, who)
    const response = await h.request(who, "DELETE", DOCUMENTS, { documents: [a.documentId, a.documentId] })
    assert.strictEqual(response.status, 200)
    const deleted = (await response.json()) as ReadonlyArray<DocumentJson>
    assert.deepStrictEqual(
      deleted.map((d) => d.documentId),
      [a.documentId]
    )
    assert.deepStrictEqual((await list(h, who)).data, [])
  })

  it("refuses an empty list with 400", async () => {
    const h = makeHarness()
    const who = await h.customer()
    const response = await h.request(who, "DELETE", DOCUMENTS, { documents: [] })
    assert.strictEqual(response.status, 400)
  })
})
