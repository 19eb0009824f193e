import type { Context } from "hono";
import { WORKSPACES_LIMIT } from "../../domain/workspace";
import type { AppEnv, WithBody } from "../context";
import { decodeWorkspaceCursor, encodeWorkspaceCursor } from "../shared/cursors";
import { setNextLink } from "../shared/links";
import { checkedQuery, invalidQuery, parseLimit } from "../shared/query";
import type { NewWorkspaceBody } from "./schemas";

/** What the workspace routes do; what they take and answer is in routes.ts. */

export async function create(c: WithBody<typeof NewWorkspaceBody>) {
  const workspace = await c.get("store").storage.workspaces.create(c.req.valid("json"), new Date());
  c.header("Location", `/v1/workspaces/${workspace.id}`);
  return c.json(workspace, 201);
}

export async function list(c: Context<AppEnv>) {
  const { params, issues } = checkedQuery(c.req.url, ["limit", "cursor"]);
  const limit = parseLimit(params.get("limit") ?? undefined, WORKSPACES_LIMIT.default, WORKSPACES_LIMIT.max);
  if (limit === undefined) issues.push({ path: "/limit", message: `limit is an integer from 1 to ${WORKSPACES_LIMIT.max}` });
  if (issues.length > 0) throw invalidQuery(issues);
  const cursor = params.get("cursor");
  const after = cursor === null ? undefined : decodeWorkspaceCursor(cursor);
  const page = await c.get("store").storage.workspaces.list({ limit: limit ?? WORKSPACES_LIMIT.default, after });
  const nextCursor = page.next === null ? null : encodeWorkspaceCursor(page.next);
  setNextLink(c, nextCursor);
  return c.json({ data: page.items, nextCursor }, 200);
}

export const describe = async (c: Context<AppEnv>) => c.json(await c.get("workspace").describe(), 200);

/** Steps of a deletion run within the request; a bigger workspace is finished by the archive job's next run. */
const STEPS_PER_REQUEST = 50;

/**
 * Deletes a workspace in bounded steps: unreachable from the first, gone (and its id free) when
 * the last has run. A failed step leaves it unreachable, and DELETE again resumes.
 */
export async function remove(c: Context<AppEnv>) {
  const { workspaces } = c.get("store").storage;
  const id = c.req.param("workspace") ?? "";
  for (let step = 0; step < STEPS_PER_REQUEST; step++) {
    if ((await workspaces.deleteStep(id, new Date())) === "deleted") break;
  }
  return c.body(null, 204);
}
