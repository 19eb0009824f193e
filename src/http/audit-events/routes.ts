import { param } from "../openapi/parameters";
import { json, readErrors } from "../openapi/responses";
import { resource, route } from "../route";
import * as handle from "./handlers";
import { AuditPageSchema } from "./schemas";

/** The audit log: admin only, newest first in commit order. */

export const auditEventRoutes = resource(
  route({
    method: "get",
    path: "/",
    operation: {
      tags: ["Audit log"],
      operationId: "listAuditEvents",
      summary: "Every change made through the API or the archive job, newest first",
      description: "Recorded in the same atomic write as each change; kept `AUDIT_RETENTION_DAYS` (default 365).",
      parameters: [param("resourceId"), param("action"), param("actorId"), param("limit"), param("cursor")],
    },
    scope: "admin",
    responses: { 200: json("A page of events.", AuditPageSchema, ["Link"]), ...readErrors },
    handler: handle.list,
  }),
);
