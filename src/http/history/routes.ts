import { type Context, Hono } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import { pipelineNotFound, revisionNotFound, ValidationError } from "../../domain/errors";
import { contentOf, diff } from "../../domain/diff";
import { isId } from "../../domain/ids";
import { jsonObject } from "../../domain/json-schemas";
import { type AppEnv, writeContext } from "../context";
import { requireScope } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { jsonResponse, problemResponses } from "../openapi";
import { etagOf, expectedVersion } from "../pipelines/preconditions";
import { DEFAULT_LIMIT, MAX_LIMIT, parseLimit } from "../pipelines/query";
import { PipelineSchema } from "../pipelines/schemas";
import { decodePosition, encodePosition } from "../position-cursor";
import { checkedQuery } from "../query-params";
import { DiffSchema, RevisionPageSchema, RevisionSchema } from "./schemas";

/** API.md "History": a pipeline's revisions, the diff of two, and rollback to one. */

const tags = ["History"];
const VERSION = /^[1-9][0-9]{0,8}$/;

function pipelineId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw pipelineNotFound(id);
  return id;
}

const VersionSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(999_999_999));
const RollbackSchema = jsonObject({ version: VersionSchema });

const invalidQuery = (issues: { path: string; message: string }[]) => new ValidationError(issues, "The query is invalid; see errors.");

export const historyRoutes = new Hono<AppEnv>()
  .get(
    "/:id/revisions",
    describeRoute({
      tags,
      summary: "A pipeline's revisions, newest first",
      description: "Paged like the list: `limit` (1 to 100, default 20) and the opaque `cursor` of the previous page.",
      parameters: [
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
        { name: "cursor", in: "query", schema: { type: "string" } },
      ],
      responses: { 200: jsonResponse("Revisions without their pipeline.", RevisionPageSchema), ...problemResponses(400, 401, 403, 404, 429) },
    }),
    requireScope("read"),
    async (c) => {
      const id = pipelineId(c);
      const { params, issues } = checkedQuery(c.req.url, ["limit", "cursor"]);
      const limit = parseLimit(params.get("limit") ?? undefined, DEFAULT_LIMIT, MAX_LIMIT);
      if (limit === undefined) issues.push({ path: "/limit", message: `limit is an integer from 1 to ${MAX_LIMIT}` });
      if (issues.length > 0) throw invalidQuery(issues);
      const cursor = params.get("cursor");
      const before = cursor === null ? undefined : decodePosition({ id }, cursor);
      const page = await c.var.repository.listRevisions(id, { limit: limit ?? DEFAULT_LIMIT, before });
      const nextCursor = page.next === null ? null : encodePosition({ id }, page.next);
      if (nextCursor) {
        const next = new URL(c.req.url);
        next.searchParams.set("cursor", nextCursor);
        c.header("Link", `<${next.href}>; rel="next"`);
      }
      return c.json({ data: page.items, nextCursor }, 200);
    },
  )
  .get(
    "/:id/revisions/:version",
    describeRoute({
      tags,
      summary: "The pipeline exactly as it was at a version",
      responses: { 200: jsonResponse("The revision.", RevisionSchema), ...problemResponses(401, 403, 404, 429) },
    }),
    requireScope("read"),
    async (c) => {
      const id = pipelineId(c);
      const version = c.req.param("version");
      if (!VERSION.test(version)) throw revisionNotFound(id);
      const [revision] = await c.var.repository.getRevisions(id, [Number(version)]);
      if (!revision) throw revisionNotFound(id);
      return c.json(revision, 200);
    },
  )
  .get(
    "/:id/diff",
    describeRoute({
      tags,
      summary: "What changed between two versions, as RFC 6902 JSON Patch",
      description:
        "Applying `operations` to revision `from`'s pipeline, without `version`, `createdAt` and `updatedAt` (its own and its stages'), yields the same for `to`. Stages are addressed by index; `from` may be greater than `to`.",
      parameters: [
        { name: "from", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
        { name: "to", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
      ],
      responses: { 200: jsonResponse("The operations.", DiffSchema), ...problemResponses(400, 401, 403, 404, 429) },
    }),
    requireScope("read"),
    async (c) => {
      const id = pipelineId(c);
      const { params, issues } = checkedQuery(c.req.url, ["from", "to"]);
      for (const name of ["from", "to"]) {
        if (!VERSION.test(params.get(name) ?? "")) issues.push({ path: `/${name}`, message: `${name} is a version, an integer from 1` });
      }
      if (issues.length > 0) throw invalidQuery(issues);
      const from = Number(params.get("from"));
      const to = Number(params.get("to"));
      const revisions = await c.var.repository.getRevisions(id, [from, to]);
      const at = (version: number) => revisions.find((revision) => revision.version === version);
      const [older, newer] = [at(from), at(to)];
      if (!older || !newer) throw revisionNotFound(id);
      return c.json({ from, to, operations: diff(contentOf(older.pipeline), contentOf(newer.pipeline)) }, 200);
    },
  )
  .post(
    "/:id/rollback",
    describeRoute({
      tags,
      summary: "Make a revision's content current again, as a new version",
      description:
        "Takes the name, configuration and stages (with their ids) of revision `version`. PUT's rules: 409 if the pipeline is archived or the name is now taken, 412 on a stale `If-Match`, 404 for a version that is not kept.",
      responses: {
        200: jsonResponse("The pipeline as stored, with its new `ETag`.", PipelineSchema),
        ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 429),
      },
    }),
    requireScope("write"),
    jsonBody(RollbackSchema),
    async (c) => {
      const options = { ...expectedVersion(c.req.header("If-Match")), ...writeContext(c) };
      const pipeline = await c.var.repository.rollback(pipelineId(c), c.req.valid("json").version, options);
      c.header("ETag", etagOf(pipeline.version));
      return c.json(pipeline, 200);
    },
  );
