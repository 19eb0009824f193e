import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { ValidationError } from "../../domain/errors";
import { AUDIT_ACTIONS, type AuditAction, type AuditFilter } from "../../domain/history";
import type { AppEnv } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonResponse, problemResponses } from "../openapi";
import { DEFAULT_LIMIT, MAX_LIMIT, parseLimit } from "../pipelines/query";
import { decodePosition, encodePosition } from "../position-cursor";
import { AuditPageSchema } from "../history/schemas";
import { checkedQuery } from "../query-params";

/** API.md "Audit log": every change, newest first in commit order; admin only. */

const ALLOWED = ["resourceId", "action", "actorId", "limit", "cursor"];
const FILTER_VALUE = /^[\x21-\x7e]{1,128}$/;

export const auditEventRoutes = new Hono<AppEnv>().get(
  "/",
  describeRoute({
    tags: ["Audit log"],
    summary: "Every change made through the API or the archive job, newest first",
    parameters: [
      { name: "resourceId", in: "query", schema: { type: "string" } },
      { name: "action", in: "query", schema: { type: "string", enum: [...AUDIT_ACTIONS] } },
      { name: "actorId", in: "query", description: "An API key's id.", schema: { type: "string" } },
      { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
      { name: "cursor", in: "query", schema: { type: "string" } },
    ],
    responses: { 200: jsonResponse("A page of events.", AuditPageSchema), ...problemResponses(400, 401, 403, 429) },
  }),
  requireScope("admin"),
  async (c) => {
    const { params, issues } = checkedQuery(c.req.url, ALLOWED);
    const filter: AuditFilter = {};
    for (const name of ["resourceId", "actorId"] as const) {
      const value = params.get(name);
      if (value === null) continue;
      if (FILTER_VALUE.test(value)) filter[name] = value;
      else issues.push({ path: `/${name}`, message: `${name} is 1 to 128 visible ASCII characters` });
    }
    const action = params.get("action");
    if (action !== null) {
      if ((AUDIT_ACTIONS as readonly string[]).includes(action)) filter.action = action as AuditAction;
      else issues.push({ path: "/action", message: `action is one of ${AUDIT_ACTIONS.join(", ")}` });
    }
    const limit = parseLimit(params.get("limit") ?? undefined, DEFAULT_LIMIT, MAX_LIMIT);
    if (limit === undefined) issues.push({ path: "/limit", message: `limit is an integer from 1 to ${MAX_LIMIT}` });
    if (issues.length > 0) throw new ValidationError(issues, "The query is invalid; see errors.");
    const cursor = params.get("cursor");
    const before = cursor === null ? undefined : decodePosition(filter, cursor);
    const page = await c.var.repository.listAuditEvents({ ...filter, limit: limit ?? DEFAULT_LIMIT, before });
    const nextCursor = page.next === null ? null : encodePosition(filter, page.next);
    if (nextCursor) {
      const next = new URL(c.req.url);
      next.searchParams.set("cursor", nextCursor);
      c.header("Link", `<${next.href}>; rel="next"`);
    }
    return c.json({ data: page.items, nextCursor }, 200);
  },
);
