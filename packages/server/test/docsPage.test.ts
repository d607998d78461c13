/**
 * The documentation page: self-contained HTML (no script, nothing loaded from anywhere) that lists
 * every operation, escapes what it prints, and renders in a real browser. The browser test serves
 * the app on 127.0.0.1 and runs Debian's headless Chromium with every other host unreachable.
 * CI installs Chromium (`.ci/run`); there the browser test fails without it, locally it is skipped.
 */
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inflateSync } from "node:zlib"
import { serve } from "@hono/node-server"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { renderDocsPage } from "../src/DocsPage.ts"
import { type OpenApiDocument, openApiDocument } from "../src/OpenApi.ts"
import { makeHarness } from "./support/harness.ts"

const { app } = makeHarness()
const document = openApiDocument()

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ method, path, operationId: operation.operationId }))
)

/** Every `src`/`href`/`action`/... attribute value and every CSS `url(...)` and `@import`. */
const resourceReferences = (html: string): Array<string> => [
  ...[...html.matchAll(/\s(?:src|href|action|formaction|poster|data|srcset)\s*=\s*["']?([^"'\s>]*)/giu)].map(
    ([, value]) => value ?? ""
  ),
  ...[...html.matchAll(/url\(\s*([^)]*)\)/giu)].map(([, value]) => value ?? ""),
  ...[...html.matchAll(/@import\s+([^;]+)/giu)].map(([, value]) => value ?? "")
]

describe("GET /docs", () => {
  let response: Response
  let html: string
  beforeAll(async () => {
    response = await app.request("/docs")
    html = await response.text()
  })

  it("answers 200 with HTML under a policy that lets the page load nothing", () => {
    assert.strictEqual(response.status, 200)
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/u)
    const csp = response.headers.get("content-security-policy") ?? ""
    assert.include(csp, "default-src 'none'")
    assert.notInclude(csp, "script-src")
    assert.match(html, /^<!doctype html>/iu)
  })

  it("has no script and references nothing outside the page", () => {
    assert.notMatch(html, /<script/iu)
    assert.notMatch(html, /\son[a-z]+\s*=/iu, "no inline event handlers")
    assert.notMatch(html, /<(?:link|img|iframe|object|embed|base)\b/iu)
    const references = resourceReferences(html)
    assert.isNotEmpty(references)
    for (const reference of references) {
      assert.notMatch(reference, /^(?:[a-z][a-z0-9+.-]*:|\/\/)/iu, `"${reference}" leaves the page`)
    }
    assert.notMatch(html, /(?:src|href)\s*=\s*["']?(?:https?:)?\/\//iu)
  })

  it("lists every operation of the OpenAPI document, in the contents and as a section", () => {
    assert.isAbove(operations.length, 10)
    for (const { method, path, operationId } of operations) {
      assert.include(html, `href="#op-${operationId}"`, `${method} ${path} in the contents`)
      assert.include(
        html,
        `<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${path}</code></h3>`,
        `${method} ${path} has a section`
      )
      assert.include(html, `id="op-${operationId}"`)
    }
    for (const name of Object.keys(document.components.schemas)) {
      assert.include(html, `id="schema-${name}"`, `schema ${name}`)
    }
  })

  it("links only to anchors that exist on the page, or to /openapi.json", () => {
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/gu)].map(([, id]) => id))
    for (const [, href] of html.matchAll(/\shref="([^"]*)"/gu)) {
      if (href === "/openapi.json") continue
      assert.match(href ?? "", /^#/u)
      assert.isTrue(ids.has(href?.slice(1)), `${href} has a target`)
    }
  })
})

describe("renderDocsPage", () => {
  it("escapes HTML in every text it takes from the document", () => {
    const hostile = "<script>alert(1)</script>&\"'<img src=x onerror=alert(2)>"
    const base = openApiDocument()
    const health = base.paths["/health"]?.get
    assert.isDefined(health)
    const evil: OpenApiDocument = {
      ...base,
      info: { title: hostile, version: hostile, description: `${hostile} \`${hostile}\`` },
      paths: {
        ...base.paths,
        "/health": {
          get: {
            ...(health as NonNullable<typeof health>),
            summary: hostile,
            "x-scope": hostile,
            parameters: [{ name: hostile, in: "query", description: hostile }],
            responses: {
              "200": { description: hostile, content: { "application/json": { schema: { hostile } } } }
            }
          }
        }
      },
      components: {
        ...base.components,
        schemas: { ...base.components.schemas, [hostile]: { description: hostile } }
      }
    }
    const page = renderDocsPage(evil)
    assert.notInclude(page, "<script")
    assert.notInclude(page, "<img")
    assert.notMatch(page, /<[^>]*\sonerror=/u, "no tag carries the handler")
    assert.include(page, "&#60;script&#62;alert(1)&#60;/script&#62;")
    // Backticks still become code, around escaped text.
    assert.include(page, "<code>&#60;script&#62;")
  })
})

// ---------------------------------------------------------------------------------------------------
// A real browser
// ---------------------------------------------------------------------------------------------------

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium"
const haveChromium = existsSync(CHROMIUM)
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false"
if (!haveChromium && !inCi) {
  console.warn(
    `docsPage.test.ts: ${CHROMIUM} not found, skipping the browser checks (install: apt-get install -y chromium)`
  )
}

/** Headless Chromium that can reach 127.0.0.1 and nothing else: no DNS, every other host via a dead proxy. */
const chromium = (userDataDir: string, args: ReadonlyArray<string>) =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        `--user-data-dir=${userDataDir}`,
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>;127.0.0.1",
        ...args
      ],
      { timeout: 50_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error === null ? resolve({ stdout, stderr }) : reject(error))
    )
  })

interface Png {
  readonly width: number
  readonly height: number
  /** RGB(A) rows, unfiltered. */
  readonly pixels: Uint8Array
  readonly channels: number
}

/** Just enough PNG decoding for Chromium's screenshots: 8-bit RGB or RGBA, not interlaced. */
const decodePng = (file: Buffer): Png => {
  assert.deepStrictEqual(
    [...file.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    "signature"
  )
  assert.strictEqual(file.toString("latin1", 12, 16), "IHDR")
  const width = file.readUInt32BE(16)
  const height = file.readUInt32BE(20)
  const [bitDepth, colourType, , , interlace] = file.subarray(24, 29)
  assert.strictEqual(bitDepth, 8)
  assert.include([2, 6], colourType)
  assert.strictEqual(interlace, 0)
  const channels = colourType === 6 ? 4 : 3
  const idat: Array<Buffer> = []
  for (let offset = 8; offset < file.length; ) {
    const length = file.readUInt32BE(offset)
    const type = file.toString("latin1", offset + 4, offset + 8)
    if (type === "IDAT") idat.push(file.subarray(offset + 8, offset + 8 + length))
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  assert.strictEqual(raw.length, height * (stride + 1))
  const pixels = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0
      const left = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0
      const upLeft = y > 0 && x >= channels ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0
      const predictor =
        filter === 0
          ? 0
          : filter === 1
            ? left
            : filter === 2
              ? up
              : filter === 3
                ? (left + up) >> 1
                : (() => {
                    const p = left + up - upLeft
                    const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)]
                    return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft
                  })()
      pixels[y * stride + x] = (value + predictor) & 0xff
    }
  }
  return { width, height, pixels, channels }
}

describe.skipIf(!haveChromium && !inCi)("GET /docs in headless Chromium (no network)", () => {
  const requested: Array<string> = []
  let server: ReturnType<typeof serve>
  let origin: string
  let work: string

  beforeAll(async () => {
    assert.isTrue(haveChromium, `${CHROMIUM} is missing; .ci/run installs Debian's chromium before the tests`)
    work = await mkdtemp(join(tmpdir(), "senderid-docs-"))
    const port = await new Promise<number>((resolve) => {
      server = serve(
        {
          fetch: (req: Request) => {
            requested.push(`${req.method} ${new URL(req.url).pathname}`)
            return app.fetch(req)
          },
          hostname: "127.0.0.1",
          port: 0
        },
        (info: AddressInfo) => resolve(info.port)
      )
    })
    origin = `http://127.0.0.1:${port}`
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
    // The screenshot stays for a person to look at; the browser profiles go.
    if (work !== undefined) {
      await rm(join(work, "profile-dom"), { recursive: true, force: true })
      await rm(join(work, "profile-shot"), { recursive: true, force: true })
    }
  })

  it("renders a DOM that contains every operation's path", async () => {
    const { stdout } = await chromium(join(work, "profile-dom"), ["--dump-dom", `${origin}/docs`])
    assert.include(stdout, "<h2>Endpoints</h2>")
    for (const { method, path } of operations) {
      assert.include(stdout, `<code>${path}</code>`, `${method} ${path}`)
    }
    assert.notInclude(stdout, "<script")
  })

  it("takes a full, non-blank 1280×2000 screenshot, asking the server for the page alone", async () => {
    const png = join(work, "docs.png")
    const before = requested.length
    await chromium(join(work, "profile-shot"), [
      "--window-size=1280,2000",
      `--screenshot=${png}`,
      `${origin}/docs`
    ])
    console.info(`docs page screenshot: ${png}`)
    const file = await readFile(png)
    assert.isAbove(file.length, 20 * 1024, "a rendered page, not a blank one")
    const image = decodePng(file)
    assert.strictEqual(image.width, 1280)
    assert.strictEqual(image.height, 2000)

    const counts = new Map<number, number>()
    const pixelCount = image.width * image.height
    for (let i = 0; i < pixelCount; i++) {
      const o = i * image.channels
      const rgb =
        ((image.pixels[o] ?? 0) << 16) | ((image.pixels[o + 1] ?? 0) << 8) | (image.pixels[o + 2] ?? 0)
      counts.set(rgb, (counts.get(rgb) ?? 0) + 1)
    }
    const commonest = Math.max(...counts.values())
    assert.isAbove(counts.size, 32, "text and badges, in many colours")
    assert.isBelow(commonest / pixelCount, 0.9, "no single colour fills the page")
    // The header band is the page's dark navy (#1d2330), so the stylesheet was applied.
    assert.isAbove(counts.get(0x1d2330) ?? 0, 1280 * 40, "the styled header")

    // Nothing else was fetched from the server (a favicon request is the browser's, not the page's).
    const extra = requested.slice(before).filter((r) => r !== "GET /docs" && r !== "GET /favicon.ico")
    assert.deepStrictEqual(extra, [])
    assert.include(requested.slice(before), "GET /docs")
  })
})
