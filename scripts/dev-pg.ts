// `npm run dev:pg`: `npm run dev` (same .dev.vars token, D1 migrations, /docs assets, arguments
// and port handling) with a HYPERDRIVE binding to a local PostgreSQL, which makes the Worker serve
// from PostgreSQL. The cluster lives in .wrangler/postgres/ and is kept between runs; a server
// still running there is reused and left running, one started here is stopped when this ends.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { serveDev } from "./dev.ts";
import { migratePostgres, startPostgres } from "./postgres.ts";

const root = resolve(import.meta.dirname, "..");
const CLUSTER = join(root, ".wrangler/postgres");
const CONFIG_DIR = join(root, ".wrangler/dev-pg");

/**
 * wrangler.toml plus the binding, as a configuration of its own: declared in wrangler.toml, the
 * binding would reach `npm run dev` and the D1 tests as well, and its mere presence selects
 * PostgreSQL. Written as JSON in .wrangler/dev-pg/, so its paths are rebased to the project.
 */
function writeConfig(url: string): string {
  // The fields whose paths are relative to the configuration's folder (wrangler's types for the
  // rest come from a package it bundles and does not install).
  const rawConfig: {
    main?: string;
    assets?: { directory?: string };
    d1_databases?: { migrations_dir?: string }[];
  } = experimental_readRawConfig({ config: join(root, "wrangler.toml") }).rawConfig;
  const fromConfig = (path: string) => relative(CONFIG_DIR, join(root, path));
  const config = {
    ...rawConfig,
    main: rawConfig.main && fromConfig(rawConfig.main),
    assets: rawConfig.assets && { ...rawConfig.assets, directory: rawConfig.assets.directory && fromConfig(rawConfig.assets.directory) },
    d1_databases: rawConfig.d1_databases?.map((d1) => ({ ...d1, migrations_dir: d1.migrations_dir && fromConfig(d1.migrations_dir) })),
    // The id is never used locally; caching does not apply to local development either.
    hyperdrive: [{ binding: "HYPERDRIVE", id: "local", localConnectionString: url }],
  };
  mkdirSync(CONFIG_DIR, { recursive: true });
  const path = join(CONFIG_DIR, "wrangler.json");
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

const server = await startPostgres({ dir: CLUSTER });
const stopServer = async () => {
  if (!server.alreadyRunning) await server.stop();
};
console.log(
  server.alreadyRunning
    ? `PostgreSQL ${server.version} was already running on ${relative(root, CLUSTER)}/ (port ${server.port}); reusing it, and leaving it running.`
    : `PostgreSQL ${server.version} started on ${relative(root, CLUSTER)}/ (port ${server.port}); it stops with this command.`,
);
try {
  await migratePostgres(server.url);
} catch (error) {
  await stopServer();
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

await serveDev(process.argv.slice(2), {
  // A configuration outside the project's folder would look for .dev.vars and keep its local
  // state (the D1) next to itself: both are pointed back at the project's.
  wranglerArgs: ["--config", writeConfig(server.url), "--persist-to", join(root, ".wrangler/state"), "--env-file", join(root, ".dev.vars")],
  note: `PostgreSQL (HYPERDRIVE): ${server.url}`,
  onExit: stopServer,
});
