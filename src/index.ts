import type { Env } from "./env";
import { createApp } from "./http/app";
import { handleScheduled } from "./jobs/scheduled";
import { handleQueue } from "./jobs/webhook-delivery";
import type { WebhookMessage } from "./jobs/webhook-outbox";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: handleScheduled,
  queue: handleQueue,
} satisfies ExportedHandler<Env, WebhookMessage>;

export type { AppType } from "./http/app";
// Durable Object classes are exported by the Worker's main module; the `WORKSPACES` binding names this one.
export { WorkspaceObject } from "./storage/durable-objects/workspace-object";
