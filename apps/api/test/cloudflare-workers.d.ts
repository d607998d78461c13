/**
 * The bindings the Worker's tests see, declared here because the package's tsconfig (shared with the
 * Node tests) does not load the Workers globals. They come from `wrangler.jsonc`.
 */
declare module "cloudflare:workers" {
  import type { D1Database } from "@cloudflare/workers-types"

  export const env: { readonly DB: D1Database }
}
