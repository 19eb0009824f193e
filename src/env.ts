/**
 * The Worker's bindings: those wrangler.toml declares, as `npm run types` (wrangler types)
 * generates them into worker-configuration.d.ts (test/node/env-types.test.ts checks it is
 * current), plus the one a PostgreSQL deployment adds.
 */
export interface Env extends WranglerEnv {
  /**
   * PostgreSQL through Hyperdrive: when bound, everything is stored there instead of D1
   * (src/storage/open-storage.ts). wrangler.toml leaves it out, so D1 is the default.
   */
  HYPERDRIVE?: Hyperdrive;
}
