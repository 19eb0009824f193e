// wrangler.toml with bindings added, as a configuration of its own, for `npm run dev:pg` and
// `npm run dev:do`: declared in wrangler.toml, such a binding would reach `npm run dev` and the
// D1 tests as well, and its mere presence selects its backend (src/storage/open-storage.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { experimental_readRawConfig } from "wrangler";

const root = resolve(import.meta.dirname, "..");

/**
 * Writes wrangler.toml plus `extra` as JSON in `.wrangler/<name>/wrangler.json`, its paths
 * rebased to the project, and answers the file's path.
 */
export function writeDevConfig(name: string, extra: Record<string, unknown>): string {
  const dir = join(root, ".wrangler", name);
  // The fields whose paths are relative to the configuration's folder (wrangler's types for the
  // rest come from a package it bundles and does not install).
  const rawConfig: {
    main?: string;
    assets?: { directory?: string };
    d1_databases?: { migrations_dir?: string }[];
  } = experimental_readRawConfig({ config: join(root, "wrangler.toml") }).rawConfig;
  const fromConfig = (path: string) => relative(dir, join(root, path));
  const config = {
    ...rawConfig,
    main: rawConfig.main && fromConfig(rawConfig.main),
    assets: rawConfig.assets && { ...rawConfig.assets, directory: rawConfig.assets.directory && fromConfig(rawConfig.assets.directory) },
    d1_databases: rawConfig.d1_databases?.map((d1) => ({ ...d1, migrations_dir: d1.migrations_dir && fromConfig(d1.migrations_dir) })),
    ...extra,
  };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "wrangler.json");
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/**
 * `wrangler dev`'s arguments for such a configuration: one outside the project's folder would
 * look for .dev.vars and keep its local state (the D1) next to itself, so both are pointed back
 * at the project's.
 */
export const devConfigArgs = (path: string) => [
  "--config",
  path,
  "--persist-to",
  join(root, ".wrangler/state"),
  "--env-file",
  join(root, ".dev.vars"),
];
