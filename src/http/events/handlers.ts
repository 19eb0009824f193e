import type { Context } from "hono";
import { CHANGE_EVENT_TYPES, type ChangeEventQuery, type ChangeEventType, FEED_WAIT } from "../../domain/events";
import type { AppEnv } from "../context";
import { decodeFeedCursor, encodeFeedCursor } from "../shared/cursors";
import { checkedQuery, DEFAULT_LIMIT, FILTER_VALUE, invalidQuery, isNonNegativeInteger, MAX_LIMIT, parseLimit } from "../shared/query";

/** What the change feed's route does; what it takes and answers is in routes.ts. */

const ALLOWED = ["after", "limit", "type", "resourceId", "wait"];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function list(c: Context<AppEnv>) {
  const { params, issues } = checkedQuery(c.req.url, ALLOWED);
  const query: ChangeEventQuery = { limit: DEFAULT_LIMIT };
  const resourceId = params.get("resourceId");
  if (resourceId !== null) {
    if (FILTER_VALUE.test(resourceId)) query.resourceId = resourceId;
    else issues.push({ path: "/resourceId", message: "resourceId is 1 to 128 visible ASCII characters" });
  }
  const type = params.get("type");
  if (type !== null) {
    if ((CHANGE_EVENT_TYPES as readonly string[]).includes(type)) query.type = type as ChangeEventType;
    else issues.push({ path: "/type", message: `type is one of ${CHANGE_EVENT_TYPES.join(", ")}` });
  }
  const limit = parseLimit(params.get("limit") ?? undefined, DEFAULT_LIMIT, MAX_LIMIT);
  if (limit === undefined) issues.push({ path: "/limit", message: `limit is an integer from 1 to ${MAX_LIMIT}` });
  else query.limit = limit;
  const waitParam = params.get("wait");
  const wait = waitParam === null ? 0 : Number(waitParam);
  if (waitParam !== null && !(isNonNegativeInteger(waitParam) && wait <= FEED_WAIT.maxSeconds)) {
    issues.push({ path: "/wait", message: `wait is an integer from 0 to ${FEED_WAIT.maxSeconds} (seconds)` });
  }
  if (issues.length > 0) throw invalidQuery(issues);
  const workspace = c.get("workspaceId");
  const after = params.get("after");
  if (after !== null) query.after = decodeFeedCursor(workspace, after);

  const repository = c.get("repository");
  let page = await repository.listChangeEvents(query);
  // Nothing newer: look again, one small indexed read every FEED_WAIT.pollMs, until an event commits or the wait ends.
  const deadline = Date.now() + wait * 1000;
  while (page.items.length === 0 && Date.now() < deadline && !c.req.raw.signal?.aborted) {
    await sleep(Math.min(FEED_WAIT.pollMs, deadline - Date.now()));
    page = await repository.listChangeEvents({ ...query, after: page.next });
  }
  return c.json({ data: page.items, nextCursor: encodeFeedCursor(workspace, page.next) }, 200);
}
