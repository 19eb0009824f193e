import type { Env } from "./env";
import { createApp } from "./http/app";
import { handleScheduled } from "./jobs/scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export type { AppType } from "./http/app";
