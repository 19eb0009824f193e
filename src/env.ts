/**
 * The Worker's bindings: those wrangler.toml declares, as `npm run types` (wrangler types)
 * generates them into worker-configuration.d.ts (test/node/env-types.test.ts checks it is
 * current), plus the secret and the binding that wrangler.toml does not hold.
 */
export interface Env extends WranglerEnv {
  /**
   * PostgreSQL through Hyperdrive: when bound, everything is stored there instead of D1
   * (src/storage/open-storage.ts). wrangler.toml leaves it out, so D1 is the default.
   */
  HYPERDRIVE?: Hyperdrive;
  /**
   * The workspaces' Durable Objects (class `WorkspaceObject`, SQLite storage): when bound, each
   * workspace is stored in its own object and the D1 database keeps only the directory of
   * workspaces (src/storage/open-storage.ts). wrangler.toml leaves it out; `npm run dev:do` adds it.
   */
  WORKSPACES?: DurableObjectNamespace;
  /**
   * The operator's bearer token, with every scope: `wrangler secret put ADMIN_TOKEN` (locally
   * .dev.vars, which `npm run dev` writes). Without it every /v1 request is refused.
   */
  ADMIN_TOKEN?: string;
  /**
   * The key that signs consistency tokens (`wrangler secret put CONSISTENCY_KEY`); without it
   * they are signed with ADMIN_TOKEN (src/settings.ts, `tokenSecret`).
   */
  CONSISTENCY_KEY?: string;
  /**
   * "epoch" when the rate-limit bindings count in fixed windows aligned to the Unix epoch, as
   * Miniflare's do (`wrangler dev`, the tests): a 429's Retry-After is then the time to the end
   * of the window. Unset in production, where the binding's windows are not known.
   */
  RATE_LIMIT_WINDOWS?: string;
  /** "true" lets webhooks reach http://127.0.0.1:<port> and http://localhost:<port> (src/settings.ts); `npm run dev` sets it. */
  WEBHOOK_ALLOW_LOOPBACK?: string;
}
