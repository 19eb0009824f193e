import { param } from "../openapi/parameters";
import { bodyErrors, conflictError, empty, itemErrors, json, readErrors } from "../openapi/responses";
import { resource, route } from "../route";
import * as handle from "./handlers";
import { NewWorkspaceBody, WorkspacePageSchema, WorkspaceSchema, WorkspaceWithCountSchema } from "./schemas";

/** /v1/workspaces: the operator's (ADMIN_TOKEN) except reading one, which its keys may do too. */

const tags = ["Workspaces"];

export const workspaceRoutes = resource(
  route({
    method: "post",
    path: "/",
    operation: {
      tags,
      operationId: "createWorkspace",
      summary: "Create a workspace (operator only)",
      description: "`displayName` defaults to the id. 409 when the id is taken, or when a workspace of that id is still being deleted.",
    },
    scope: "operator",
    body: { schema: NewWorkspaceBody },
    responses: { 201: json("The workspace.", WorkspaceSchema, ["Location"]), ...bodyErrors, ...conflictError },
    handler: handle.create,
  }),
  route({
    method: "get",
    path: "/",
    operation: {
      tags,
      operationId: "listWorkspaces",
      summary: "List workspaces by id (operator only)",
      parameters: [param("limit"), param("cursor")],
    },
    scope: "operator",
    responses: { 200: json("A page of workspaces.", WorkspacePageSchema, ["Link"]), ...readErrors },
    handler: handle.list,
  }),
  route({
    method: "get",
    path: "/:workspace",
    operation: {
      tags,
      operationId: "getWorkspace",
      summary: "One workspace, with its pipeline count",
      description: "The operator's token, or any key of this workspace: a client can check which workspace its key belongs to.",
    },
    scope: "read",
    responses: { 200: json("The workspace.", WorkspaceWithCountSchema), ...itemErrors },
    handler: handle.describe,
  }),
  route({
    method: "delete",
    path: "/:workspace",
    operation: {
      tags,
      operationId: "deleteWorkspace",
      summary: "Delete a workspace and everything in it (operator only)",
      description:
        "Its keys stop working at once and its paths answer 404 from then on. The rows go in bounded steps; when the answer comes they are gone and the id may be used again, unless the workspace was very large: then the archive job's next run finishes it, and until then the id is refused with 409. A failed step changes nothing: DELETE again resumes.",
    },
    scope: "operator",
    responses: { 204: empty("Deleted."), ...itemErrors },
    handler: handle.remove,
  }),
);
