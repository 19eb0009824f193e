/** The Worker's bindings and configuration (wrangler.toml, `.dev.vars`, `wrangler secret put`). */
export interface Env {
  DB: D1Database;
  /**
   * PostgreSQL through Hyperdrive: when bound, everything is stored there instead of D1
   * (src/storage/open-storage.ts; README "Choosing a backend").
   */
  HYPERDRIVE?: Hyperdrive;
  /** The static assets of wrangler.toml `[assets]`: the Worker reads the built OpenAPI document through it (src/http/docs.ts). */
  ASSETS: Fetcher;
  /** Bearer token with every scope; without it every /v1 request is refused. */
  ADMIN_TOKEN?: string;
  /** Per-token request budget (`[[ratelimits]]` in wrangler.toml). */
  RATE_LIMITER?: RateLimit;
  /** Per-address budget of requests refused with 401 (`[[ratelimits]]`), so guessing keys is throttled. */
  AUTH_FAILURE_LIMITER?: RateLimit;
  /** `off` stops the one-line-per-request access log (src/http/middleware/access-log.ts). */
  ACCESS_LOG?: string;
  /** Comma-separated origins allowed by CORS; none by default. */
  CORS_ORIGINS?: string;
  /** Archive active pipelines not updated for this many days (default 90); see src/settings.ts. */
  ARCHIVE_AFTER_DAYS?: string;
  /** At most this many pipelines archived per run (default 500). */
  ARCHIVE_BATCH_SIZE?: string;
  /** Revisions kept per pipeline, newest first (default 100); older ones are pruned by the write that adds one. */
  REVISIONS_KEEP?: string;
  /** Audit events are kept this many days (default 365), pruned by the archive job. */
  AUDIT_RETENTION_DAYS?: string;
}
