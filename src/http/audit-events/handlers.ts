import type { Context } from "hono";
import { AUDIT_ACTIONS, type AuditAction, type AuditFilter } from "../../domain/history";
import type { AppEnv } from "../context";
import { decodePosition, encodePosition } from "../shared/cursors";
import { setNextLink } from "../shared/links";
import { checkedQuery, DEFAULT_LIMIT, FILTER_VALUE, invalidQuery, MAX_LIMIT, parseLimit } from "../shared/query";

/** What the audit-log route does; what it takes and answers is in routes.ts. */

const ALLOWED = ["resourceId", "action", "actorId", "limit", "cursor"];

export async function list(c: Context<AppEnv>) {
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
  if (issues.length > 0) throw invalidQuery(issues);
  const cursor = params.get("cursor");
  const before = cursor === null ? undefined : decodePosition({ workspace: c.get("workspaceId"), ...filter }, cursor);
  const page = await c.get("repository").listAuditEvents({ ...filter, limit: limit ?? DEFAULT_LIMIT, before });
  const nextCursor = page.next === null ? null : encodePosition({ workspace: c.get("workspaceId"), ...filter }, page.next);
  setNextLink(c, nextCursor);
  return c.json({ data: page.items, nextCursor }, 200);
}
