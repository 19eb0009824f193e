import { param } from "../openapi/parameters";
import { goneError, json, readErrors } from "../openapi/responses";
import { resource, route } from "../route";
import * as handle from "./handlers";
import { ChangeEventPageSchema } from "./schemas";

/** The change feed: read scope, oldest first in commit order, with a wait for the next event. */

export const changeEventRoutes = resource(
  route({
    method: "get",
    path: "/",
    operation: {
      tags: ["Change events"],
      operationId: "listChangeEvents",
      summary: "The workspace's change feed, oldest first",
      description:
        "Every change of the workspace's pipelines, made in the same atomic write as the change, in the order the changes committed. " +
        "Store `nextCursor` and send it back as `after`: every later event comes exactly once, in order. " +
        "With `wait`, a request that finds nothing newer waits for an event before answering an empty page. " +
        "Kept as long as the audit log (`AUDIT_RETENTION_DAYS`, default 365).",
      parameters: [param("after"), param("limit"), param("type"), param("resourceId"), param("wait")],
    },
    scope: "read",
    responses: { 200: json("A page of events.", ChangeEventPageSchema), ...readErrors, ...goneError },
    handler: handle.list,
  }),
);
