import { Hono } from "hono";
import { MetricsInputSchema } from "../../domain/metrics";
import {
  importIssues,
  NewPipelineSchema,
  PipelineImportSchema,
  PipelinePatchSchema,
  PipelineReplacementSchema,
  pipelineIssues,
} from "../../domain/pipeline";
import type { AppEnv } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { describe } from "../openapi/describe";
import { filterParameters, param } from "../openapi/parameters";
import {
  bodyErrors,
  conflictError,
  empty,
  idempotencyError,
  itemErrors,
  json,
  notFoundError,
  preconditionError,
  readErrors,
} from "../openapi/responses";
import * as handle from "./handlers";
import { CountSchema, MetricsSchema, PipelineListSchema, PipelinePageSchema, PipelineSchema } from "./schemas";

/** The contract of /v1/pipelines: each route's documentation, scope, body and handler (handlers.ts). */

const tags = ["Pipelines"];
const itemWrite = [param("id"), param("If-Match")];
/** A write to one pipeline with a body: it may miss, collide, be stale, or be refused as a body. */
const itemBodyErrors = { ...bodyErrors, ...notFoundError, ...conflictError, ...preconditionError };

export const pipelineRoutes = new Hono<AppEnv>()
  .post(
    "/",
    describe({
      tags,
      operationId: "createPipeline",
      summary: "Create a pipeline",
      parameters: [param("Idempotency-Key")],
      responses: {
        201: json("The pipeline.", PipelineSchema, ["Location", "ETag", "Idempotent-Replayed"]),
        ...bodyErrors,
        ...conflictError,
        ...idempotencyError,
      },
    }),
    requireScope("write"),
    jsonBody(NewPipelineSchema, { rules: pipelineIssues }),
    handle.create,
  )
  .post(
    "/import",
    describe({
      tags,
      operationId: "importPipelines",
      summary: "Create 1 to 100 pipelines, all or nothing",
      parameters: [param("Idempotency-Key")],
      responses: {
        201: json("The pipelines, in the order given.", PipelineListSchema, ["Idempotent-Replayed"]),
        ...bodyErrors,
        ...conflictError,
        ...idempotencyError,
      },
    }),
    requireScope("write"),
    jsonBody(PipelineImportSchema, { rules: importIssues }),
    handle.importMany,
  )
  .get(
    "/",
    describe({
      tags,
      operationId: "listPipelines",
      summary: "List pipelines",
      description:
        'Whole pipelines with their stages. Keyset paging: pass `nextCursor` as `cursor` with the same filters and sort (a `Link: rel="next"` header carries the URL). `offset` is the simple alternative; both together are a 400.',
      parameters: [...filterParameters, param("sort"), param("limit"), param("cursor"), param("offset")],
      responses: { 200: json("A page of pipelines.", PipelinePageSchema, ["Link"]), ...readErrors },
    }),
    requireScope("read"),
    handle.list,
  )
  .get(
    "/count",
    describe({
      tags,
      operationId: "countPipelines",
      summary: "Count pipelines",
      description: "Takes the list's filters.",
      parameters: filterParameters,
      responses: { 200: json("The number of matching pipelines.", CountSchema), ...readErrors },
    }),
    requireScope("read"),
    handle.count,
  )
  .get(
    "/:id",
    describe(
      {
        tags,
        operationId: "getPipeline",
        summary: "Get a pipeline",
        description: "Archived pipelines too. `If-None-Match` with the current ETag gives 304.",
        parameters: [param("id"), param("If-None-Match")],
        responses: {
          200: json("The pipeline.", PipelineSchema, ["ETag"]),
          304: empty("Not modified: the ETag matched.", ["ETag"]),
          ...itemErrors,
        },
      },
      {
        tags,
        operationId: "pipelineExists",
        summary: "Does a pipeline exist?",
        description: "No body either way.",
        parameters: [param("id")],
        responses: { 200: empty("It exists."), ...itemErrors },
      },
    ),
    requireScope("read"),
    handle.get,
  )
  .put(
    "/:id",
    describe({
      tags,
      operationId: "replacePipeline",
      summary: "Replace a pipeline",
      description:
        "Replaces name, configuration and stages. A stage carrying the `id` of one of this pipeline's stages keeps that id and its `createdAt`; stages left out are removed. 409 on an archived pipeline.",
      parameters: itemWrite,
      responses: { 200: json("The pipeline as stored.", PipelineSchema, ["ETag"]), ...itemBodyErrors },
    }),
    requireScope("write"),
    jsonBody(PipelineReplacementSchema, { rules: pipelineIssues }),
    handle.replace,
  )
  .patch(
    "/:id",
    describe({
      tags,
      operationId: "patchPipeline",
      summary: "Merge-patch name and configuration",
      description:
        'JSON merge patch (RFC 7396) of `name` and `configuration`: a `null` value removes a configuration key, `"configuration": null` removes them all. 409 on an archived pipeline.',
      parameters: itemWrite,
      responses: { 200: json("The pipeline as stored.", PipelineSchema, ["ETag"]), ...itemBodyErrors },
    }),
    requireScope("write"),
    jsonBody(PipelinePatchSchema, { mediaTypes: ["application/merge-patch+json", "application/json"] }),
    handle.patch,
  )
  .delete(
    "/:id",
    describe({
      tags,
      operationId: "deletePipeline",
      summary: "Delete a pipeline with its stages, parameters, configuration and metrics",
      parameters: itemWrite,
      responses: { 204: empty("Deleted."), ...itemErrors, ...preconditionError },
    }),
    requireScope("write"),
    handle.remove,
  )
  .post(
    "/:id/archive",
    describe({
      tags,
      operationId: "archivePipeline",
      summary: "Archive a pipeline (idempotent)",
      parameters: itemWrite,
      responses: { 200: json("The pipeline, archived.", PipelineSchema, ["ETag"]), ...itemErrors, ...preconditionError },
    }),
    requireScope("write"),
    handle.archive,
  )
  .post(
    "/:id/restore",
    describe({
      tags,
      operationId: "restorePipeline",
      summary: "Restore an archived pipeline (idempotent)",
      description: "409 if an active pipeline now has its name.",
      parameters: itemWrite,
      responses: {
        200: json("The pipeline, active again.", PipelineSchema, ["ETag"]),
        ...itemErrors,
        ...conflictError,
        ...preconditionError,
      },
    }),
    requireScope("write"),
    handle.restore,
  )
  .put(
    "/:id/metrics",
    describe({
      tags: ["Metrics"],
      operationId: "putMetrics",
      summary: "Record the latest processing metrics",
      description: "Replaces the previous metrics. Does not change the pipeline's version. 409 on an archived pipeline.",
      parameters: [param("id")],
      responses: { 200: json("The metrics as stored.", MetricsSchema), ...bodyErrors, ...notFoundError, ...conflictError },
    }),
    requireScope("write"),
    jsonBody(MetricsInputSchema),
    handle.putMetrics,
  )
  .get(
    "/:id/metrics",
    describe({
      tags: ["Metrics"],
      operationId: "getMetrics",
      summary: "Latest processing metrics",
      description: "404 when none were recorded.",
      parameters: [param("id")],
      responses: { 200: json("The latest metrics.", MetricsSchema), ...itemErrors },
    }),
    requireScope("read"),
    handle.getMetrics,
  );
