import { Hono } from "hono";
import type { AppEnv } from "../context";
import { AuditPageSchema } from "../history/schemas";
import { requireScope } from "../middleware/auth";
import { describe } from "../openapi/describe";
import { param } from "../openapi/parameters";
import { json, readErrors } from "../openapi/responses";
import * as handle from "./handlers";

/** The contract of the audit log (API.md "Audit log"): admin only, newest first in commit order. */

export const auditEventRoutes = new Hono<AppEnv>().get(
  "/",
  describe({
    tags: ["Audit log"],
    operationId: "listAuditEvents",
    summary: "Every change made through the API or the archive job, newest first",
    description: "Recorded in the same atomic write as each change; kept `AUDIT_RETENTION_DAYS` (default 365).",
    parameters: [param("resourceId"), param("action"), param("actorId"), param("limit"), param("cursor")],
    responses: { 200: json("A page of events.", AuditPageSchema, ["Link"]), ...readErrors },
  }),
  requireScope("admin"),
  handle.list,
);
