import type { Env } from "./env";
import { createApp } from "./http/app";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;

export type { AppType } from "./http/app";
