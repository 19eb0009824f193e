import { importIssues, pipelineIssues } from "../../domain/pipeline";
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
import { resource, route } from "../route";
import { PipelineSchema } from "../shared/schemas";
import * as handle from "./handlers";
import {
  CountSchema,
  MetricsHistoryPageSchema,
  MetricsInputBody,
  MetricsSchema,
  NewPipelineBody,
  PipelineImportBody,
  PipelineListSchema,
  PipelinePageSchema,
  PipelinePatchBody,
  PipelineReplacementBody,
} from "./schemas";

/** /v1/workspaces/{workspace}/pipelines: each route's operation, scope, body, responses and handler (handlers.ts). */

const tags = ["Pipelines"];
const itemWrite = [param("id"), param("If-Match")];
/** A write to one pipeline with a body: it may miss, collide, be stale, or be refused as a body. */
const itemBodyErrors = { ...bodyErrors, ...notFoundError, ...conflictError, ...preconditionError };

export const pipelineRoutes = resource(
  route({
    method: "post",
    path: "/",
    operation: { tags, operationId: "createPipeline", summary: "Create a pipeline", parameters: [param("Idempotency-Key")] },
    scope: "write",
    body: { schema: NewPipelineBody, rules: pipelineIssues },
    responses: {
      201: json("The pipeline.", PipelineSchema, ["Location", "ETag", "Idempotent-Replayed"]),
      ...bodyErrors,
      ...conflictError,
      ...idempotencyError,
    },
    handler: handle.create,
  }),
  route({
    method: "post",
    path: "/import",
    operation: {
      tags,
      operationId: "importPipelines",
      summary: "Create 1 to 100 pipelines, all or nothing",
      parameters: [param("Idempotency-Key")],
    },
    scope: "write",
    body: { schema: PipelineImportBody, rules: importIssues },
    responses: {
      201: json("The pipelines, in the order given.", PipelineListSchema, ["Idempotent-Replayed"]),
      ...bodyErrors,
      ...conflictError,
      ...idempotencyError,
    },
    handler: handle.importMany,
  }),
  route({
    method: "get",
    path: "/",
    operation: {
      tags,
      operationId: "listPipelines",
      summary: "List pipelines",
      description:
        'Whole pipelines with their stages. Keyset paging: pass `nextCursor` as `cursor` with the same filters and sort (a `Link: rel="next"` header carries the URL). `offset` is the simple alternative; both together are a 400.',
      parameters: [...filterParameters, param("sort"), param("limit"), param("cursor"), param("offset")],
    },
    scope: "read",
    responses: { 200: json("A page of pipelines.", PipelinePageSchema, ["Link"]), ...readErrors },
    handler: handle.list,
  }),
  route({
    method: "get",
    path: "/count",
    operation: {
      tags,
      operationId: "countPipelines",
      summary: "Count pipelines",
      description: "Takes the list's filters.",
      parameters: filterParameters,
    },
    scope: "read",
    responses: { 200: json("The number of matching pipelines.", CountSchema), ...readErrors },
    handler: handle.count,
  }),
  route({
    method: "get",
    path: "/:id",
    operation: {
      tags,
      operationId: "getPipeline",
      summary: "Get a pipeline",
      description: "Archived pipelines too. `If-None-Match` with the current ETag gives 304.",
      parameters: [param("id"), param("If-None-Match")],
    },
    scope: "read",
    responses: {
      200: json("The pipeline.", PipelineSchema, ["ETag"]),
      304: empty("Not modified: the ETag matched.", ["ETag"]),
      ...itemErrors,
    },
    head: {
      operation: {
        tags,
        operationId: "pipelineExists",
        summary: "Does a pipeline exist?",
        description: "No body either way.",
        parameters: [param("id")],
      },
      responses: { 200: empty("It exists."), ...itemErrors },
    },
    handler: handle.get,
  }),
  route({
    method: "put",
    path: "/:id",
    operation: {
      tags,
      operationId: "replacePipeline",
      summary: "Replace a pipeline",
      description:
        "Replaces name, configuration and stages. A stage carrying the `id` of one of this pipeline's stages keeps that id and its `createdAt`; stages left out are removed. 409 on an archived pipeline.",
      parameters: itemWrite,
    },
    scope: "write",
    body: { schema: PipelineReplacementBody, rules: pipelineIssues },
    responses: { 200: json("The pipeline as stored.", PipelineSchema, ["ETag"]), ...itemBodyErrors },
    handler: handle.replace,
  }),
  route({
    method: "patch",
    path: "/:id",
    operation: {
      tags,
      operationId: "patchPipeline",
      summary: "Merge-patch name and configuration",
      description:
        'JSON merge patch (RFC 7396) of `name` and `configuration`: a `null` value removes a configuration key, `"configuration": null` removes them all. 409 on an archived pipeline.',
      parameters: itemWrite,
    },
    scope: "write",
    body: { schema: PipelinePatchBody, mediaTypes: ["application/merge-patch+json", "application/json"] },
    responses: { 200: json("The pipeline as stored.", PipelineSchema, ["ETag"]), ...itemBodyErrors },
    handler: handle.patch,
  }),
  route({
    method: "delete",
    path: "/:id",
    operation: {
      tags,
      operationId: "deletePipeline",
      summary: "Delete a pipeline with its stages, parameters, configuration and metrics",
      parameters: itemWrite,
    },
    scope: "write",
    responses: { 204: empty("Deleted."), ...itemErrors, ...preconditionError },
    handler: handle.remove,
  }),
  route({
    method: "post",
    path: "/:id/archive",
    operation: { tags, operationId: "archivePipeline", summary: "Archive a pipeline (idempotent)", parameters: itemWrite },
    scope: "write",
    responses: { 200: json("The pipeline, archived.", PipelineSchema, ["ETag"]), ...itemErrors, ...preconditionError },
    handler: handle.archive,
  }),
  route({
    method: "post",
    path: "/:id/restore",
    operation: {
      tags,
      operationId: "restorePipeline",
      summary: "Restore an archived pipeline (idempotent)",
      description: "409 if an active pipeline now has its name.",
      parameters: itemWrite,
    },
    scope: "write",
    responses: {
      200: json("The pipeline, active again.", PipelineSchema, ["ETag"]),
      ...itemErrors,
      ...conflictError,
      ...preconditionError,
    },
    handler: handle.restore,
  }),
  route({
    method: "put",
    path: "/:id/metrics",
    operation: {
      tags: ["Metrics"],
      operationId: "putMetrics",
      summary: "Record the latest processing metrics",
      description:
        "Replaces the previous metrics and adds them to the metrics history, which keeps the newest `METRICS_KEEP` (older ones are pruned by this write). Does not change the pipeline's version. 409 on an archived pipeline.",
      parameters: [param("id")],
    },
    scope: "write",
    body: { schema: MetricsInputBody },
    responses: { 200: json("The metrics as stored.", MetricsSchema), ...bodyErrors, ...notFoundError, ...conflictError },
    handler: handle.putMetrics,
  }),
  route({
    method: "get",
    path: "/:id/metrics",
    operation: {
      tags: ["Metrics"],
      operationId: "getMetrics",
      summary: "Latest processing metrics",
      description: "404 when none were recorded.",
      parameters: [param("id")],
    },
    scope: "read",
    responses: { 200: json("The latest metrics.", MetricsSchema), ...itemErrors },
    handler: handle.getMetrics,
  }),
  route({
    method: "get",
    path: "/:id/metrics/history",
    operation: {
      tags: ["Metrics"],
      operationId: "listMetricsHistory",
      summary: "Every kept metrics, newest first",
      description:
        "Each item as the PUT that recorded it answered; at most `METRICS_KEEP` are kept per pipeline. Paged like the revisions: `limit` (1 to 100, default 20) and the opaque `cursor` of the previous page.",
      parameters: [param("id"), param("limit"), param("cursor")],
    },
    scope: "read",
    responses: { 200: json("A page of the metrics history.", MetricsHistoryPageSchema, ["Link"]), ...itemErrors },
    handler: handle.listMetricsHistory,
  }),
);
