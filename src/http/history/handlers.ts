import type { Context } from "hono";
import { contentOf, diff as jsonPatch } from "../../domain/diff";
import { pipelineNotFound, revisionNotFound, ValidationError } from "../../domain/errors";
import { isId } from "../../domain/ids";
import type { AppEnv } from "../context";
import { setNextLink } from "../links";
import type { JsonInput } from "../middleware/json-body";
import { writeOptions } from "../pipelines/handlers";
import { etagOf } from "../pipelines/preconditions";
import { DEFAULT_LIMIT, MAX_LIMIT, parseLimit } from "../pipelines/query";
import { decodePosition, encodePosition } from "../position-cursor";
import { checkedQuery } from "../query-params";
import type { RollbackRequestSchema } from "./schemas";

/** What the history routes do (API.md "History"); what they take and answer is in routes.ts. */

type Ctx = Context<AppEnv>;
const VERSION = /^[1-9][0-9]{0,8}$/;

function pipelineId(c: Ctx): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw pipelineNotFound(id);
  return id;
}

const invalidQuery = (issues: { path: string; message: string }[]) => new ValidationError(issues, "The query is invalid; see errors.");

export async function listRevisions(c: Ctx) {
  const id = pipelineId(c);
  const { params, issues } = checkedQuery(c.req.url, ["limit", "cursor"]);
  const limit = parseLimit(params.get("limit") ?? undefined, DEFAULT_LIMIT, MAX_LIMIT);
  if (limit === undefined) issues.push({ path: "/limit", message: `limit is an integer from 1 to ${MAX_LIMIT}` });
  if (issues.length > 0) throw invalidQuery(issues);
  const cursor = params.get("cursor");
  const before = cursor === null ? undefined : decodePosition({ id }, cursor);
  const page = await c.get("repository").listRevisions(id, { limit: limit ?? DEFAULT_LIMIT, before });
  const nextCursor = page.next === null ? null : encodePosition({ id }, page.next);
  setNextLink(c, nextCursor);
  return c.json({ data: page.items, nextCursor }, 200);
}

export async function getRevision(c: Ctx) {
  const id = pipelineId(c);
  const version = c.req.param("version") ?? "";
  if (!VERSION.test(version)) throw revisionNotFound(id);
  const [revision] = await c.get("repository").getRevisions(id, [Number(version)]);
  if (!revision) throw revisionNotFound(id);
  return c.json(revision, 200);
}

export async function diff(c: Ctx) {
  const id = pipelineId(c);
  const { params, issues } = checkedQuery(c.req.url, ["from", "to"]);
  for (const name of ["from", "to"]) {
    if (!VERSION.test(params.get(name) ?? "")) issues.push({ path: `/${name}`, message: `${name} is a version, an integer from 1` });
  }
  if (issues.length > 0) throw invalidQuery(issues);
  const from = Number(params.get("from"));
  const to = Number(params.get("to"));
  const revisions = await c.get("repository").getRevisions(id, [from, to]);
  const older = revisions.find((revision) => revision.version === from);
  const newer = revisions.find((revision) => revision.version === to);
  if (!older || !newer) throw revisionNotFound(id);
  return c.json({ from, to, operations: jsonPatch(contentOf(older.pipeline), contentOf(newer.pipeline)) }, 200);
}

export async function rollback(c: Context<AppEnv, string, JsonInput<typeof RollbackRequestSchema>>) {
  const pipeline = await c.get("repository").rollback(pipelineId(c), c.req.valid("json").version, writeOptions(c));
  c.header("ETag", etagOf(pipeline.version));
  return c.json(pipeline, 200);
}
