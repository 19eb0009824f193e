import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { migratePostgres, startPostgres } from "../../../scripts/postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The workers-pg project's PostgreSQL, Miniflare's origin of the HYPERDRIVE binding (vitest.config.ts). */
    postgresUrl: string;
  }
}

const root = resolve(import.meta.dirname, "../../..");
/** Not `npm run dev:pg`'s cluster (.wrangler/postgres): this one is wiped at every run. */
const CLUSTER = join(root, ".wrangler/test-postgres");

/**
 * Global set-up of the workers-pg project (it runs in Node, hence its place here): a PostgreSQL of
 * its own on a free port, migrated, whose URL the project's Miniflare options read through
 * `inject` once this has provided it. A server left by an interrupted run is stopped first.
 */
export default async function setup(project: TestProject) {
  const server = await startPostgres({ dir: CLUSTER, fresh: true, ephemeral: true });
  // The teardown below stops it after any test outcome; this covers a run that ends without its
  // teardowns (an interrupted run, a set-up failing after this one). stop() is synchronous inside.
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    await server.stop();
  };
  process.on("exit", stop);
  await migratePostgres(server.url);
  project.provide("postgresUrl", server.url);
  return stop;
}
