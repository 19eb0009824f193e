// `npm run dev:pg`: `npm run dev` (same .dev.vars token, D1 migrations, /docs assets, arguments
// and port handling) with a HYPERDRIVE binding to a local PostgreSQL, which makes the Worker serve
// from PostgreSQL. The cluster lives in .wrangler/postgres/ and is kept between runs; a server
// still running there is reused and left running, one started here is stopped when this ends.
import { join, relative, resolve } from "node:path";
import { serveDev } from "./dev.ts";
import { devConfigArgs, writeDevConfig } from "./dev-config.ts";
import { migratePostgres, startPostgres } from "./postgres.ts";

const root = resolve(import.meta.dirname, "..");
const CLUSTER = join(root, ".wrangler/postgres");
/** The binding that makes the Worker serve from PostgreSQL (the id is never used locally). */
const writeConfig = (url: string) =>
  writeDevConfig("dev-pg", { hyperdrive: [{ binding: "HYPERDRIVE", id: "local", localConnectionString: url }] });

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
  wranglerArgs: devConfigArgs(writeConfig(server.url)),
  note: `PostgreSQL (HYPERDRIVE): ${server.url}`,
  onExit: stopServer,
});
