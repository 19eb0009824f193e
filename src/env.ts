/** The Worker's bindings and configuration (wrangler.toml, `.dev.vars`, `wrangler secret put`). */
export interface Env {
  DB: D1Database;
  /** Bearer token with every scope; without it every /v1 request is refused. */
  ADMIN_TOKEN?: string;
}
