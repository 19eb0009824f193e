import { type Context, Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { metricsNotRecorded, pipelineNotFound } from "../../domain/errors";
import { ID_PATTERN, isId } from "../../domain/ids";
import { MetricsInputSchema } from "../../domain/metrics";
import {
  importIssues,
  NewPipelineSchema,
  type Pipeline,
  PipelineImportSchema,
  pipelineIssues,
  PipelinePatchSchema,
  PipelineReplacementSchema,
} from "../../domain/pipeline";
import { type AppEnv, writeContext } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { jsonResponse, problemResponses } from "../openapi";
import { encodeCursor } from "./cursor";
import { createOnce } from "./idempotency";
import { etagOf, expectedVersion, notModified } from "./preconditions";
import { DEFAULT_LIMIT, MAX_LIMIT, parseCountQuery, parseListQuery } from "./query";
import {
  CountSchema,
  MetricsSchema,
  PipelineListSchema,
  PipelinePageSchema,
  PipelineSchema,
} from "./schemas";

const tags = ["Pipelines"];

/** The `:id` of the path; an id that is not a ULID names no pipeline. */
function pipelineId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw pipelineNotFound(id);
  return id;
}

function withEtag(c: Context<AppEnv>, pipeline: Pipeline) {
  c.header("ETag", etagOf(pipeline.version));
  return pipeline;
}

const idParameter = {
  name: "id",
  in: "path" as const,
  required: true,
  schema: { type: "string" as const, pattern: ID_PATTERN.source },
};
const ifMatchParameter = {
  name: "If-Match",
  in: "header" as const,
  required: false,
  description: 'The pipeline\'s ETag ("<version>"); the write happens only if it is still current, else 412.',
  schema: { type: "string" as const },
};
const idempotencyParameter = {
  name: "Idempotency-Key",
  in: "header" as const,
  required: false,
  description:
    "Up to 255 visible ASCII characters. The same key with the same request within 24 hours replays the first response; with a different request it is a 422. Keys are scoped to the caller's token.",
  schema: { type: "string" as const, maxLength: 255 },
};
const filterParameters = [
  { name: "archived", in: "query" as const, schema: { type: "string" as const, enum: ["false", "true", "all"], default: "false" } },
  { name: "name", in: "query" as const, description: "Exact name.", schema: { type: "string" as const } },
  {
    name: "config.<key>",
    in: "query" as const,
    description: "Configuration entry equals the value, for example `config.env=prod`; several are ANDed.",
    schema: { type: "string" as const },
  },
];

export const pipelineRoutes = new Hono<AppEnv>()
  .post(
    "/",
    describeRoute({
      tags,
      summary: "Create a pipeline",
      parameters: [idempotencyParameter],
      responses: {
        201: jsonResponse("The pipeline, with `Location` and `ETag` headers.", PipelineSchema),
        ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429),
      },
    }),
    requireScope("write"),
    jsonBody(NewPipelineSchema, { rules: pipelineIssues }),
    (c) =>
      createOnce(c, [c.req.valid("json")], (created) => {
        const [pipeline] = created as [Pipeline]; // one input, one pipeline
        return {
          status: 201,
          headers: { Location: `/v1/pipelines/${pipeline.id}`, ETag: etagOf(pipeline.version) },
          body: pipeline,
        };
      }),
  )
  .post(
    "/import",
    describeRoute({
      tags,
      summary: "Create 1 to 100 pipelines, all or nothing",
      parameters: [idempotencyParameter],
      responses: {
        201: jsonResponse("The pipelines, in the order given.", PipelineListSchema),
        ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429),
      },
    }),
    requireScope("write"),
    jsonBody(PipelineImportSchema, { rules: importIssues }),
    (c) => createOnce(c, c.req.valid("json").pipelines, (data) => ({ status: 201, headers: {}, body: { data } })),
  )
  .get(
    "/",
    describeRoute({
      tags,
      summary: "List pipelines",
      description:
        "Keyset paging: pass `nextCursor` as `cursor` with the same filters and sort (a `Link: rel=\"next\"` header carries the URL). `offset` is the simple alternative; both together are a 400.",
      parameters: [
        ...filterParameters,
        {
          name: "sort",
          in: "query",
          description: "`-` in front for descending; ties are broken by id.",
          schema: { type: "string", enum: ["name", "-name", "createdAt", "-createdAt", "updatedAt", "-updatedAt"], default: "name" },
        },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
        { name: "cursor", in: "query", schema: { type: "string" } },
        { name: "offset", in: "query", schema: { type: "integer", minimum: 0 } },
      ],
      responses: {
        200: jsonResponse("A page of whole pipelines.", PipelinePageSchema),
        ...problemResponses(400, 401, 403, 429),
      },
    }),
    requireScope("read"),
    async (c) => {
      const url = new URL(c.req.url);
      const query = parseListQuery(url.searchParams);
      const page = await c.var.repository.list(query);
      const nextCursor = page.next ? encodeCursor(query, page.next) : null;
      if (nextCursor) {
        const next = new URL(url);
        next.searchParams.delete("offset");
        next.searchParams.set("cursor", nextCursor);
        c.header("Link", `<${next.href}>; rel="next"`);
      }
      return c.json({ data: page.items, nextCursor }, 200);
    },
  )
  .get(
    "/count",
    describeRoute({
      tags,
      summary: "Count pipelines",
      parameters: filterParameters,
      responses: { 200: jsonResponse("The number of matching pipelines.", CountSchema), ...problemResponses(400, 401, 403, 429) },
    }),
    requireScope("read"),
    async (c) => {
      const count = await c.var.repository.count(parseCountQuery(new URL(c.req.url).searchParams));
      return c.json({ count }, 200);
    },
  )
  .get(
    "/:id",
    describeRoute({
      tags,
      summary: "Get a pipeline (HEAD: does it exist?)",
      description: "Archived pipelines too. `If-None-Match` with the current ETag gives 304. HEAD answers 200 or 404 with no body.",
      parameters: [idParameter],
      responses: {
        200: jsonResponse("The pipeline, with its `ETag`.", PipelineSchema),
        304: { description: "Not modified." },
        ...problemResponses(401, 403, 404, 429),
      },
    }),
    requireScope("read"),
    async (c) => {
      const id = pipelineId(c);
      if (c.req.method === "HEAD") {
        if (!(await c.var.repository.exists(id))) throw pipelineNotFound(id);
        return c.body(null, 200);
      }
      const pipeline = await c.var.repository.findById(id);
      if (!pipeline) throw pipelineNotFound(id);
      if (notModified(c.req.header("If-None-Match"), pipeline.version)) {
        return c.body(null, 304, { ETag: etagOf(pipeline.version) });
      }
      return c.json(withEtag(c, pipeline), 200);
    },
  )
  .put(
    "/:id",
    describeRoute({
      tags,
      summary: "Replace a pipeline",
      description:
        "Replaces name, configuration and stages. A stage carrying the `id` of one of this pipeline's stages keeps that id and its `createdAt`; stages left out are removed. 409 on an archived pipeline.",
      parameters: [idParameter, ifMatchParameter],
      responses: {
        200: jsonResponse("The pipeline as stored, with its new `ETag`.", PipelineSchema),
        ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 429),
      },
    }),
    requireScope("write"),
    jsonBody(PipelineReplacementSchema, { rules: pipelineIssues }),
    async (c) => {
      const options = { ...expectedVersion(c.req.header("If-Match")), ...writeContext(c) };
      const pipeline = await c.var.repository.update(pipelineId(c), c.req.valid("json"), options);
      return c.json(withEtag(c, pipeline), 200);
    },
  )
  .patch(
    "/:id",
    describeRoute({
      tags,
      summary: "Merge-patch name and configuration",
      description:
        "JSON merge patch (RFC 7396) of `name` and `configuration`: a `null` value removes a configuration key, `\"configuration\": null` removes them all. 409 on an archived pipeline.",
      parameters: [idParameter, ifMatchParameter],
      responses: {
        200: jsonResponse("The pipeline as stored, with its new `ETag`.", PipelineSchema),
        ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 429),
      },
    }),
    requireScope("write"),
    jsonBody(PipelinePatchSchema, { mediaTypes: ["application/merge-patch+json", "application/json"] }),
    async (c) => {
      const options = { ...expectedVersion(c.req.header("If-Match")), ...writeContext(c) };
      const pipeline = await c.var.repository.patch(pipelineId(c), c.req.valid("json"), options);
      return c.json(withEtag(c, pipeline), 200);
    },
  )
  .delete(
    "/:id",
    describeRoute({
      tags,
      summary: "Delete a pipeline with its stages, parameters, configuration and metrics",
      parameters: [idParameter, ifMatchParameter],
      responses: { 204: { description: "Deleted." }, ...problemResponses(400, 401, 403, 404, 412, 429) },
    }),
    requireScope("write"),
    async (c) => {
      await c.var.repository.delete(pipelineId(c), { ...expectedVersion(c.req.header("If-Match")), ...writeContext(c) });
      return c.body(null, 204);
    },
  )
  .post(
    "/:id/archive",
    describeRoute({
      tags,
      summary: "Archive a pipeline (idempotent)",
      parameters: [idParameter, ifMatchParameter],
      responses: {
        200: jsonResponse("The pipeline, archived.", PipelineSchema),
        ...problemResponses(400, 401, 403, 404, 412, 429),
      },
    }),
    requireScope("write"),
    async (c) => {
      const pipeline = await c.var.repository.archive(pipelineId(c), { ...expectedVersion(c.req.header("If-Match")), ...writeContext(c) });
      return c.json(withEtag(c, pipeline), 200);
    },
  )
  .post(
    "/:id/restore",
    describeRoute({
      tags,
      summary: "Restore an archived pipeline (idempotent)",
      description: "409 if an active pipeline now has its name.",
      parameters: [idParameter, ifMatchParameter],
      responses: {
        200: jsonResponse("The pipeline, active again.", PipelineSchema),
        ...problemResponses(400, 401, 403, 404, 409, 412, 429),
      },
    }),
    requireScope("write"),
    async (c) => {
      const pipeline = await c.var.repository.restore(pipelineId(c), { ...expectedVersion(c.req.header("If-Match")), ...writeContext(c) });
      return c.json(withEtag(c, pipeline), 200);
    },
  )
  .put(
    "/:id/metrics",
    describeRoute({
      tags: ["Metrics"],
      summary: "Record the latest processing metrics",
      description: "Replaces the previous metrics. Does not change the pipeline's version. 409 on an archived pipeline.",
      parameters: [idParameter],
      responses: {
        200: jsonResponse("The metrics as stored.", MetricsSchema),
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429),
      },
    }),
    requireScope("write"),
    jsonBody(MetricsInputSchema),
    async (c) => {
      const metrics = await c.var.repository.putMetrics(pipelineId(c), c.req.valid("json"), writeContext(c));
      return c.json(metrics, 200);
    },
  )
  .get(
    "/:id/metrics",
    describeRoute({
      tags: ["Metrics"],
      summary: "Latest processing metrics",
      parameters: [idParameter],
      responses: {
        200: jsonResponse("The latest metrics.", MetricsSchema),
        ...problemResponses(401, 403, 404, 429),
      },
    }),
    requireScope("read"),
    async (c) => {
      const id = pipelineId(c);
      const metrics = await c.var.repository.getMetrics(id);
      if (!metrics) throw metricsNotRecorded(id);
      return c.json(metrics, 200);
    },
  );
