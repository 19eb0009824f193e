import type { Env } from "./env";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    await env.DB.prepare("SELECT 1").first();
    return Response.json({ status: "ok" });
  },
} satisfies ExportedHandler<Env>;
