import { json } from "../openapi/responses";
import { resource, route } from "../route";
import { HealthSchema } from "./schemas";

/** /healthz: liveness, public (no scope, no token). */

export const healthRoutes = resource(
  route({
    method: "get",
    path: "/healthz",
    operation: { tags: ["Operations"], operationId: "health", summary: "Liveness, with a database round trip" },
    responses: { 200: json("The Worker and its database answer.", HealthSchema) },
    handler: async (c) => {
      await c.get("store").storage.ping();
      return c.json({ status: "ok" as const }, 200);
    },
  }),
);
