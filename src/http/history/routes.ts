import { Hono } from "hono";
import type { AppEnv } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { describe } from "../openapi/describe";
import { param } from "../openapi/parameters";
import { bodyErrors, conflictError, itemErrors, json, notFoundError, preconditionError } from "../openapi/responses";
import { PipelineSchema } from "../pipelines/schemas";
import * as handle from "./handlers";
import { DiffSchema, RevisionPageSchema, RevisionSchema, RollbackRequestSchema } from "./schemas";

/** The contract of a pipeline's history (API.md "History"): revisions, diff and rollback. */

const tags = ["History"];

export const historyRoutes = new Hono<AppEnv>()
  .get(
    "/:id/revisions",
    describe({
      tags,
      operationId: "listRevisions",
      summary: "A pipeline's revisions, newest first",
      description:
        "Paged like the list: `limit` (1 to 100, default 20) and the opaque `cursor` of the previous page. Items leave out `pipeline`.",
      parameters: [param("id"), param("limit"), param("cursor")],
      responses: { 200: json("A page of revisions.", RevisionPageSchema, ["Link"]), ...itemErrors },
    }),
    requireScope("read"),
    handle.listRevisions,
  )
  .get(
    "/:id/revisions/:version",
    describe({
      tags,
      operationId: "getRevision",
      summary: "The pipeline exactly as it was at a version",
      description: "A version that was pruned (beyond `REVISIONS_KEEP`) or never existed is a 404.",
      parameters: [param("id"), param("version")],
      responses: { 200: json("The revision, with the pipeline as `GET` answered at that version.", RevisionSchema), ...itemErrors },
    }),
    requireScope("read"),
    handle.getRevision,
  )
  .get(
    "/:id/diff",
    describe({
      tags,
      operationId: "diffRevisions",
      summary: "What changed between two versions, as RFC 6902 JSON Patch",
      description:
        "Applying `operations` to revision `from`'s pipeline, without `version`, `createdAt` and `updatedAt` (its own and its stages'), yields the same for revision `to`. Stages are addressed by index; `from` may be greater than `to`.",
      parameters: [param("id"), param("from"), param("to")],
      responses: { 200: json("The operations.", DiffSchema), ...itemErrors },
    }),
    requireScope("read"),
    handle.diff,
  )
  .post(
    "/:id/rollback",
    describe({
      tags,
      operationId: "rollbackPipeline",
      summary: "Make a revision's content current again, as a new version",
      description:
        "Takes the name, configuration and stages (with their ids, flags, parameters and chunk sizes) of revision `version`. PUT's rules: 409 if the pipeline is archived or the name is now taken, 412 on a stale `If-Match`, 404 for a version that is not kept.",
      parameters: [param("id"), param("If-Match")],
      responses: {
        200: json("The pipeline as stored.", PipelineSchema, ["ETag"]),
        ...bodyErrors,
        ...notFoundError,
        ...conflictError,
        ...preconditionError,
      },
    }),
    requireScope("write"),
    jsonBody(RollbackRequestSchema),
    handle.rollback,
  );
