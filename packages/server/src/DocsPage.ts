/**
 * The API's documentation page, rendered on the server from the OpenAPI document into one
 * self-contained HTML string: no script, no font, no stylesheet from anywhere, so it works offline,
 * at the edge and under a `default-src 'none'` content security policy.
 */
import type { OpenApiDocument, Operation } from "./OpenApi.ts"

const escapeHtml = (text: string): string => text.replace(/[&<>"']/gu, (ch) => `&#${ch.charCodeAt(0)};`)

/** Backticks in descriptions become `<code>`, the only markup the descriptions use. */
const prose = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/gu, "<code>$1</code>")

const json = (value: unknown): string => escapeHtml(JSON.stringify(value, null, 2))

const schemaName = (schema: unknown): string | undefined => {
  const ref = (schema as { $ref?: unknown } | undefined)?.$ref
  return typeof ref === "string" ? ref.split("/").at(-1) : undefined
}

/** Fragment ids from names: only characters that need no escaping in an attribute or a URL. */
const idFor = (prefix: string, name: string) => `${prefix}-${name.replace(/[^A-Za-z0-9_-]/gu, "_")}`
const anchor = (operationId: string) => idFor("op", operationId)

interface JsonSchema {
  readonly $ref?: string
  readonly type?: string
  readonly format?: string
  readonly enum?: ReadonlyArray<unknown>
  readonly items?: JsonSchema
  readonly anyOf?: ReadonlyArray<JsonSchema>
  readonly oneOf?: ReadonlyArray<JsonSchema>
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: ReadonlyArray<string>
  readonly description?: string
}

/** A one-line reading of a schema: named schemas link to their section, the rest read as types. */
const typeOf = (schema: JsonSchema | undefined): string => {
  if (schema === undefined) return "any"
  const name = schemaName(schema)
  if (name !== undefined) return `<a href="#${idFor("schema", name)}">${escapeHtml(name)}</a>`
  const union = schema.oneOf ?? schema.anyOf
  if (union !== undefined) return union.map(typeOf).join(" or ")
  if (schema.enum !== undefined)
    return schema.enum.map((value) => `<code>${escapeHtml(JSON.stringify(value))}</code>`).join(" | ")
  if (schema.type === "array") return `array of ${typeOf(schema.items)}`
  if (schema.type === undefined) return "any"
  return escapeHtml(schema.format === undefined ? schema.type : `${schema.type} (${schema.format})`)
}

const contentCell = (content: unknown): string => {
  const media = Object.entries((content ?? {}) as Record<string, { schema?: JsonSchema }>)
  if (media.length === 1 && media[0]?.[0] === "application/json") return typeOf(media[0][1].schema)
  // Media types with the same schema (a file in any of its types) share one line.
  const byType = new Map<string, Array<string>>()
  for (const [type, { schema }] of media)
    byType.set(typeOf(schema), [...(byType.get(typeOf(schema)) ?? []), type])
  return [...byType]
    .map(([type, names]) => `${names.map((n) => `<code>${escapeHtml(n)}</code>`).join(" ")}: ${type}`)
    .join("<br>")
}

/** An object's properties as a table; every schema keeps its full JSON Schema one click away. */
const renderSchema = (name: string, schema: JsonSchema): string => {
  const required = new Set(schema.required ?? [])
  const rows = Object.entries(schema.properties ?? {})
    .map(
      ([property, field]) =>
        `<tr><td><code>${escapeHtml(property)}</code></td><td>${typeOf(field)}</td><td>${required.has(property) ? "yes" : "no"}</td><td>${prose(field.description ?? "")}</td></tr>`
    )
    .join("")
  const shape =
    rows === ""
      ? `<p>${typeOf(schema)}</p>`
      : `<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`
  return `<section class="schema" id="${idFor("schema", name)}"><h3>${escapeHtml(name)}</h3>${schema.description === undefined ? "" : `<p>${prose(schema.description)}</p>`}
${shape}<details><summary>JSON Schema</summary><pre>${json(schema)}</pre></details></section>`
}

const renderOperation = (method: string, path: string, op: Operation): string => {
  const parameters = (
    op.parameters as ReadonlyArray<{ name: string; in: string; required?: boolean; description?: string }>
  )
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required === true ? "yes" : "no"}</td><td>${prose(p.description ?? "")}</td></tr>`
    )
    .join("")
  const body = op.requestBody as { content?: unknown } | undefined
  const responses = Object.entries(op.responses as Record<string, { description: string; content?: unknown }>)
    .map(
      ([status, response]) =>
        `<tr><td class="status s${escapeHtml(status.slice(0, 1))}">${escapeHtml(status)}</td><td>${prose(response.description)}</td><td>${contentCell(response.content)}</td></tr>`
    )
    .join("")
  return `<section class="op" id="${anchor(op.operationId)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${prose(op.summary)}</p>
<p class="meta">${op["x-scope"] === undefined ? "No authentication." : `Scope <code>${escapeHtml(op["x-scope"])}</code>${op["x-service-scope"] === undefined ? "" : `, or <code>${escapeHtml(op["x-service-scope"])}</code> for a service key`}.`} ${escapeHtml(op.tags.join(", "))}.</p>
${parameters === "" ? "" : `<table><thead><tr><th>Parameter</th><th>In</th><th>Required</th><th>Description</th></tr></thead><tbody>${parameters}</tbody></table>`}
${body === undefined ? "" : `<p><strong>Request body</strong> (application/json): ${contentCell(body.content)}</p>`}
<table><thead><tr><th>Status</th><th>Meaning</th><th>Body</th></tr></thead><tbody>${responses}</tbody></table>
</section>`
}

export const renderDocsPage = (document: OpenApiDocument): string => {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op }))
  )
  const toc = operations
    .map(
      ({ method, path, op }) =>
        `<li><a href="#${anchor(op.operationId)}"><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span><span class="path">${escapeHtml(path).replaceAll("/", "/<wbr>")}</span></a></li>`
    )
    .join("")
  const schemas = Object.entries(document.components.schemas)
    .map(([name, schema]) => renderSchema(name, schema as JsonSchema))
    .join("\n")
  const security = Object.values(document.components.securitySchemes) as ReadonlyArray<{
    description?: string
  }>
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} API</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:24px}header code{background:#2c3444;color:#fff}
main{display:grid;grid-template-columns:minmax(0,340px) minmax(0,1fr);gap:24px;padding:24px 32px;max-width:1400px}
nav{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding-top:4px}nav h2{font-size:18px;margin:0 0 8px}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:3px 0}
nav a{display:flex;gap:8px;align-items:baseline;color:#1d2330;text-decoration:none;font-size:13px}nav a:hover .path{text-decoration:underline}
nav .method{flex:none;min-width:52px;font-size:11px}.path{overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.op,.schema{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 18px;margin-bottom:16px}
h2{font-size:20px}h3{margin:4px 0 8px;font-size:16px}.meta{color:#5b6475;font-size:13px}
.method{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;font-size:12px;font-weight:600;padding:1px 6px}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#b26a00}.delete{background:#c62828}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #eceef2;text-align:left;padding:4px 8px;vertical-align:top}th{color:#5b6475;font-weight:600}
td:first-child{white-space:nowrap}.status{font-weight:600}.s2{color:#2f7d32}.s4{color:#b26a00}.s5{color:#c62828}
pre{background:#f0f2f5;padding:8px;border-radius:6px;overflow:auto;font-size:12px;max-height:320px}code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;background:#f0f2f5;border-radius:3px;padding:0 3px}pre code{background:none;padding:0}
a{color:#1565c0}details{margin:4px 0}summary{cursor:pointer;color:#5b6475;font-size:13px}
@media (max-width:900px){main{grid-template-columns:1fr;padding:16px}nav{position:static;max-height:none}}
</style></head>
<body><header><h1>${escapeHtml(document.info.title)} API <small>v${escapeHtml(document.info.version)}</small></h1><div>${prose(document.info.description)}</div></header>
<main><nav><h2>Endpoints</h2><ul>${toc}</ul><p><a href="/openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(document.openapi)})</p></nav>
<div><section class="op"><h2>Authentication</h2>${security.map((s) => `<p>${prose(s.description ?? "")}</p>`).join("")}</section>
${operations.map(({ method, path, op }) => renderOperation(method, path, op)).join("\n")}
<h2>Schemas</h2>${schemas}</div></main></body></html>`
}
