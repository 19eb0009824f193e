import type { Env } from "./env";
import { createApp } from "./http/app";
import { handleScheduled } from "./jobs/scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export type { AppType } from "./http/app";
// Durable Object classes are exported by the Worker's main module; the `WORKSPACES` binding names this one.
export { WorkspaceObject } from "./storage/durable-objects/workspace-object";
