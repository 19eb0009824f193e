import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import type { AppEnv } from "../context";
import { jsonResponse } from "../openapi";

export const healthRoutes = new Hono<AppEnv>().get(
  "/healthz",
  describeRoute({
    tags: ["Operations"],
    summary: "Liveness, with a database round trip",
    security: [],
    responses: { 200: jsonResponse("The Worker and its database answer.", v.object({ status: v.literal("ok") })) },
  }),
  async (c) => {
    await c.var.db.prepare("SELECT 1").first();
    return c.json({ status: "ok" as const }, 200);
  },
);
