import type { Context } from "hono";
import type { AppEnv } from "../context";
import { decodePosition, encodePosition } from "./cursors";
import { setNextLink } from "./links";
import { checkedQuery, DEFAULT_LIMIT, invalidQuery, MAX_LIMIT, parseLimit } from "./query";

/**
 * The pages of a pipeline's newest-first records (revisions, metrics history): `limit` and
 * `cursor` alone, the cursor bound to `filters` (which name the workspace, the pipeline and the
 * listing), and `{data, nextCursor}` with a `Link` to the next page.
 */

export function newestFirstQuery(c: Context<AppEnv>, filters: object): { limit: number; before?: number } {
  const { params, issues } = checkedQuery(c.req.url, ["limit", "cursor"]);
  const limit = parseLimit(params.get("limit") ?? undefined, DEFAULT_LIMIT, MAX_LIMIT);
  if (limit === undefined) issues.push({ path: "/limit", message: `limit is an integer from 1 to ${MAX_LIMIT}` });
  if (issues.length > 0) throw invalidQuery(issues);
  const cursor = params.get("cursor");
  return { limit: limit ?? DEFAULT_LIMIT, before: cursor === null ? undefined : decodePosition(filters, cursor) };
}

export function newestFirstAnswer(c: Context<AppEnv>, filters: object, page: { items: readonly unknown[]; next: number | null }) {
  const nextCursor = page.next === null ? null : encodePosition(filters, page.next);
  setNextLink(c, nextCursor);
  return c.json({ data: page.items, nextCursor }, 200);
}
