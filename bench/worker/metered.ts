import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";
import { meterD1 } from "./d1-meter";

/**
 * The bench's Worker: the production app over a metered D1 binding, each request's database
 * cost in response headers. Only `npm run bench` bundles this entry; src/index.ts stays as is.
 */
const app = createApp();

export default {
  async fetch(request, env, ctx) {
    const { db, usage } = meterD1(env.DB);
    const response = await app.fetch(request, { ...env, DB: db }, ctx);
    const metered = new Response(response.body, response);
    metered.headers.set("X-Bench-D1-Calls", String(usage.calls));
    metered.headers.set("X-Bench-Rows-Read", String(usage.rowsRead));
    metered.headers.set("X-Bench-Rows-Written", String(usage.rowsWritten));
    metered.headers.set("X-Bench-Write-Calls", String(usage.writeCalls));
    metered.headers.set("X-Bench-Write-Ms", String(usage.writeMs));
    return metered;
  },
} satisfies ExportedHandler<Env>;
