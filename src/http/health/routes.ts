import { Hono } from "hono";
import type { AppEnv } from "../context";
import { describe } from "../openapi/describe";
import { json } from "../openapi/responses";
import { HealthSchema } from "./schemas";

export const healthRoutes = new Hono<AppEnv>().get(
  "/healthz",
  describe({
    tags: ["Operations"],
    operationId: "health",
    summary: "Liveness, with a database round trip",
    security: [],
    responses: { 200: json("The Worker and its database answer.", HealthSchema) },
  }),
  async (c) => {
    await c.get("store").storage.ping();
    return c.json({ status: "ok" as const }, 200);
  },
);
