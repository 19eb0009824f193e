import { param } from "../openapi/parameters";
import { bodyErrors, conflictError, itemErrors, json, notFoundError, preconditionError } from "../openapi/responses";
import { resource, route } from "../route";
import { PipelineSchema } from "../shared/schemas";
import * as handle from "./handlers";
import { DiffSchema, RevisionPageSchema, RevisionSchema, RollbackRequestBody } from "./schemas";

/** A pipeline's history: revisions, diff and rollback. */

const tags = ["History"];

export const historyRoutes = resource(
  route({
    method: "get",
    path: "/:id/revisions",
    operation: {
      tags,
      operationId: "listRevisions",
      summary: "A pipeline's revisions, newest first",
      description:
        "Paged like the list: `limit` (1 to 100, default 20) and the opaque `cursor` of the previous page. Items leave out `pipeline`.",
      parameters: [param("id"), param("limit"), param("cursor")],
    },
    scope: "read",
    responses: { 200: json("A page of revisions.", RevisionPageSchema, ["Link"]), ...itemErrors },
    handler: handle.listRevisions,
  }),
  route({
    method: "get",
    path: "/:id/revisions/:version",
    operation: {
      tags,
      operationId: "getRevision",
      summary: "The pipeline exactly as it was at a version",
      description: "A version that was pruned (beyond `REVISIONS_KEEP`) or never existed is a 404.",
      parameters: [param("id"), param("version")],
    },
    scope: "read",
    responses: { 200: json("The revision, with the pipeline as `GET` answered at that version.", RevisionSchema), ...itemErrors },
    handler: handle.getRevision,
  }),
  route({
    method: "get",
    path: "/:id/diff",
    operation: {
      tags,
      operationId: "diffRevisions",
      summary: "What changed between two versions, as RFC 6902 JSON Patch",
      description:
        "Applying `operations` to revision `from`'s pipeline, without `version`, `createdAt` and `updatedAt` (its own and its stages'), yields the same for revision `to`. Stages are addressed by index; `from` may be greater than `to`.",
      parameters: [param("id"), param("from"), param("to")],
    },
    scope: "read",
    responses: { 200: json("The operations.", DiffSchema), ...itemErrors },
    handler: handle.diff,
  }),
  route({
    method: "post",
    path: "/:id/rollback",
    operation: {
      tags,
      operationId: "rollbackPipeline",
      summary: "Make a revision's content current again, as a new version",
      description:
        "Takes the name, configuration and stages (with their ids, flags, parameters and chunk sizes) of revision `version`. PUT's rules: 409 if the pipeline is archived or the name is now taken, 412 on a stale `If-Match`, 404 for a version that is not kept.",
      parameters: [param("id"), param("If-Match")],
    },
    scope: "write",
    body: { schema: RollbackRequestBody },
    responses: {
      200: json("The pipeline as stored.", PipelineSchema, ["ETag"]),
      ...bodyErrors,
      ...notFoundError,
      ...conflictError,
      ...preconditionError,
    },
    handler: handle.rollback,
  }),
);
