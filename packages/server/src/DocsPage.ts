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

const anchor = (operationId: string) => `op-${operationId}`

const schemaLink = (schema: unknown): string => {
  const name = schemaName(schema)
  return name === undefined
    ? `<pre>${json(schema)}</pre>`
    : `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`
}

const contentSchema = (content: unknown): unknown => {
  const entries = Object.values((content ?? {}) as Record<string, { schema?: unknown }>)
  return entries[0]?.schema
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
        `<tr><td class="status s${escapeHtml(status.slice(0, 1))}">${escapeHtml(status)}</td><td>${prose(response.description)}</td><td>${response.content === undefined ? "" : schemaLink(contentSchema(response.content))}</td></tr>`
    )
    .join("")
  return `<section class="op" id="${anchor(op.operationId)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${prose(op.summary)}</p>
<p class="meta">${op["x-scope"] === undefined ? "No authentication." : `Scope <code>${escapeHtml(op["x-scope"])}</code>.`} ${escapeHtml(op.tags.join(", "))}.</p>
${parameters === "" ? "" : `<table><thead><tr><th>Parameter</th><th>In</th><th>Required</th><th>Description</th></tr></thead><tbody>${parameters}</tbody></table>`}
${body === undefined ? "" : `<p><strong>Request body</strong> (application/json): ${schemaLink(contentSchema(body.content))}</p>`}
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
        `<li><a href="#${anchor(op.operationId)}"><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> ${escapeHtml(path)}</a></li>`
    )
    .join("")
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><pre>${json(schema)}</pre></section>`
    )
    .join("")
  const security = Object.values(document.components.securitySchemes) as ReadonlyArray<{
    description?: string
  }>
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} API</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:24px}
main{display:grid;grid-template-columns:320px 1fr;gap:24px;padding:24px 32px}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:2px 0}nav a{color:#1d2330;text-decoration:none;font-size:13px}
.op,section[id^=schema]{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 18px;margin-bottom:16px}
h3{margin:4px 0 8px;font-size:16px}.meta{color:#5b6475;font-size:13px}
.method{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;font-size:12px;font-weight:600;padding:1px 6px}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#b26a00}.delete{background:#c62828}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #eceef2;text-align:left;padding:4px 8px;vertical-align:top}
.status{font-weight:600}.s2{color:#2f7d32}.s4{color:#b26a00}.s5{color:#c62828}
pre{background:#f0f2f5;padding:8px;border-radius:6px;overflow:auto;font-size:12px;max-height:320px}code{font-size:13px}
</style></head>
<body><header><h1>${escapeHtml(document.info.title)} API <small>v${escapeHtml(document.info.version)}</small></h1><div>${prose(document.info.description)}</div></header>
<main><nav><h2>Endpoints</h2><ul>${toc}</ul><p><a href="/openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(document.openapi)})</p></nav>
<div><section class="op"><h2>Authentication</h2>${security.map((s) => `<p>${prose(s.description ?? "")}</p>`).join("")}</section>
${operations.map(({ method, path, op }) => renderOperation(method, path, op)).join("\n")}
<h2>Schemas</h2>${schemas}</div></main></body></html>`
}
