import type { Context } from "hono";
import { metricsNotRecorded, pipelineNotFound } from "../../domain/errors";
import type { Pipeline } from "../../domain/pipeline";
import { type AppEnv, type WithBody, writeContext } from "../context";
import { json } from "../json";
import { setNextLink } from "../shared/links";
import { newestFirstAnswer, newestFirstQuery } from "../shared/pages";
import { conditionally, etagOf, notModified, pipelineId, withEtag } from "../shared/preconditions";
import { encodeCursor } from "./cursor";
import { createOnce } from "./idempotency";
import { parseCountQuery, parseListQuery } from "./query";
import type { MetricsInputBody, NewPipelineBody, PipelineImportBody, PipelinePatchBody, PipelineReplacementBody } from "./schemas";

/** What the pipeline routes do; what they take and answer is in routes.ts. */

type Ctx = Context<AppEnv>;

export const create = (c: WithBody<typeof NewPipelineBody>) =>
  createOnce(c, [c.req.valid("json")], ([pipeline]) => {
    // One input makes one pipeline; the repository's contract tests hold it to that.
    if (!pipeline) throw new Error("creating one pipeline returned none");
    return {
      status: 201,
      headers: { Location: `/v1/workspaces/${c.get("workspaceId")}/pipelines/${pipeline.id}`, ETag: etagOf(pipeline.version) },
      body: pipeline,
    };
  });

export const importMany = (c: WithBody<typeof PipelineImportBody>) =>
  createOnce(c, c.req.valid("json").pipelines, (data) => ({ status: 201, headers: {}, body: { data } }));

export async function list(c: Ctx) {
  const url = new URL(c.req.url);
  const workspace = c.get("workspaceId");
  const query = parseListQuery(url.searchParams, workspace);
  const page = await c.get("repository").list(query);
  const nextCursor = page.next ? encodeCursor({ ...query, workspace }, page.next) : null;
  setNextLink(c, nextCursor);
  // D1's page carries its pipelines as SQLite wrote them: they go out as they are.
  const data = page.itemsJson ?? JSON.stringify(page.items);
  return json<{ data: Pipeline[]; nextCursor: string | null }, 200>(c, `{"data":${data},"nextCursor":${JSON.stringify(nextCursor)}}`, 200);
}

export async function count(c: Ctx) {
  const count = await c.get("repository").count(parseCountQuery(new URL(c.req.url).searchParams));
  return c.json({ count }, 200);
}

/** GET, and HEAD (which Hono routes here): HEAD only asks whether the pipeline exists. */
export async function get(c: Ctx) {
  const id = pipelineId(c);
  if (c.req.method === "HEAD") {
    if (!(await c.get("repository").exists(id))) throw pipelineNotFound(id);
    return c.body(null, 200);
  }
  const pipeline = await c.get("repository").findById(id);
  if (!pipeline) throw pipelineNotFound(id);
  if (notModified(c.req.header("If-None-Match"), pipeline.version)) {
    return c.body(null, 304, { ETag: etagOf(pipeline.version) });
  }
  return c.json(withEtag(c, pipeline), 200);
}

export async function replace(c: WithBody<typeof PipelineReplacementBody>) {
  const id = pipelineId(c);
  const pipeline = await conditionally(c, (options) => c.get("repository").update(id, c.req.valid("json"), options));
  return c.json(withEtag(c, pipeline), 200);
}

export async function patch(c: WithBody<typeof PipelinePatchBody>) {
  const id = pipelineId(c);
  const pipeline = await conditionally(c, (options) => c.get("repository").patch(id, c.req.valid("json"), options));
  return c.json(withEtag(c, pipeline), 200);
}

export async function remove(c: Ctx) {
  const id = pipelineId(c);
  await conditionally(c, (options) => c.get("repository").delete(id, options));
  return c.body(null, 204);
}

export async function archive(c: Ctx) {
  const id = pipelineId(c);
  const pipeline = await conditionally(c, (options) => c.get("repository").archive(id, options));
  return c.json(withEtag(c, pipeline), 200);
}

export async function restore(c: Ctx) {
  const id = pipelineId(c);
  const pipeline = await conditionally(c, (options) => c.get("repository").restore(id, options));
  return c.json(withEtag(c, pipeline), 200);
}

export async function putMetrics(c: WithBody<typeof MetricsInputBody>) {
  const metrics = await c.get("repository").putMetrics(pipelineId(c), c.req.valid("json"), writeContext(c));
  return c.json(metrics, 200);
}

export async function getMetrics(c: Ctx) {
  const id = pipelineId(c);
  const metrics = await c.get("repository").getMetrics(id);
  if (!metrics) throw metricsNotRecorded(id);
  return c.json(metrics, 200);
}

export async function listMetricsHistory(c: Ctx) {
  const id = pipelineId(c);
  // The listing is named, so a revisions cursor of the same pipeline is refused here.
  const filters = { workspace: c.get("workspaceId"), id, listing: "metricsHistory" };
  const page = await c.get("repository").listMetricsHistory(id, newestFirstQuery(c, filters));
  return newestFirstAnswer(c, filters, page);
}
