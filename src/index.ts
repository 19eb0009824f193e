import type { Env } from "./env";
import { handleScheduled } from "./jobs/scheduled";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    await env.DB.prepare("SELECT 1").first();
    return Response.json({ status: "ok" });
  },
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
