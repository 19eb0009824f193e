import type { Context } from "hono";
import { contentOf, diff as jsonPatch } from "../../domain/diff";
import { revisionNotFound } from "../../domain/errors";
import type { AppEnv, WithBody } from "../context";
import { newestFirstAnswer, newestFirstQuery } from "../shared/pages";
import { conditionally, pipelineId, withEtag } from "../shared/preconditions";
import { checkedQuery, invalidQuery } from "../shared/query";
import type { RollbackRequestBody } from "./schemas";

/** What the history routes do; what they take and answer is in routes.ts. */

type Ctx = Context<AppEnv>;
const VERSION = /^[1-9][0-9]{0,8}$/;

export async function listRevisions(c: Ctx) {
  const id = pipelineId(c);
  const filters = { workspace: c.get("workspaceId"), id };
  const page = await c.get("repository").listRevisions(id, newestFirstQuery(c, filters));
  return newestFirstAnswer(c, filters, page);
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

export async function rollback(c: WithBody<typeof RollbackRequestBody>) {
  const id = pipelineId(c);
  const pipeline = await conditionally(c, (options) => c.get("repository").rollback(id, c.req.valid("json").version, options));
  return c.json(withEtag(c, pipeline), 200);
}
