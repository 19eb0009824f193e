// `npm run dev:do`: `npm run dev` (same .dev.vars token, D1 migrations, /docs assets, arguments
// and port handling) with a WORKSPACES Durable Object binding, which makes the Worker keep each
// workspace in its own object (SQLite storage), the local D1 holding the directory of
// workspaces. The objects' state lives in .wrangler/state/ beside the D1's and is kept between runs.

import { serveDev } from "./dev.ts";
import { devConfigArgs, writeDevConfig } from "./dev-config.ts";
import { writeObjectMigrations } from "./object-migrations.ts";

/** The binding and the class's migration, as a deployment on Durable Objects declares them (docs/backends.md). */
export const DURABLE_OBJECTS_CONFIG = {
  durable_objects: { bindings: [{ name: "WORKSPACES", class_name: "WorkspaceObject" }] },
  migrations: [{ tag: "v1", new_sqlite_classes: ["WorkspaceObject"] }],
};

// The objects run the migrations bundled from migrations/: a file added since the last run is in.
writeObjectMigrations();
await serveDev(process.argv.slice(2), {
  wranglerArgs: devConfigArgs(writeDevConfig("dev-do", DURABLE_OBJECTS_CONFIG)),
  note: "Durable Objects (WORKSPACES): one SQLite object per workspace; the D1 database is the directory",
});
