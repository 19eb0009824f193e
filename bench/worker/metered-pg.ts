import { AsyncLocalStorage } from "node:async_hooks";
import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";

/**
 * The bench's Worker on PostgreSQL: the production app, given a HYPERDRIVE binding, with each
 * request's database round trips in a response header. The app reports every round trip to
 * `onDatabaseCall` (whichever the backend); the request it belongs to is found through
 * AsyncLocalStorage, so concurrent requests keep their own counts. Connection set-up (startup
 * and authentication) is not a call: the count is of statements. Only `npm run bench` bundles
 * this entry; src/index.ts stays as is.
 */
const request = new AsyncLocalStorage<{ calls: number }>();
const app = createApp({
  onDatabaseCall: () => {
    const usage = request.getStore();
    if (usage) usage.calls++;
  },
});

export default {
  async fetch(incoming, env, ctx) {
    const usage = { calls: 0 };
    const response = await request.run(usage, () => app.fetch(incoming, env, ctx));
    const metered = new Response(response.body, response);
    metered.headers.set("X-Bench-Db-Calls", String(usage.calls));
    metered.headers.set("X-Bench-Backend", env.HYPERDRIVE ? "postgres" : "d1");
    return metered;
  },
} satisfies ExportedHandler<Env>;
