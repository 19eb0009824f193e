import type { Context } from "hono";
import { ARCHIVE_RUNS_LIMIT } from "../../domain/archive-run";
import { ValidationError } from "../../domain/errors";
import { runArchiveJob } from "../../jobs/archive-job";
import { type AppEnv, writeContext } from "../context";
import type { JsonInput } from "../middleware/json-body";
import { parseLimit } from "../pipelines/query";
import type { ArchiveRunRequestSchema } from "./schemas";

export async function run(c: Context<AppEnv, string, JsonInput<typeof ArchiveRunRequestSchema>>) {
  const { olderThanDays } = c.req.valid("json");
  const run = await runArchiveJob(
    { runs: c.get("store").storage.archiveRuns, env: c.env },
    { trigger: "manual", olderThanDays, context: writeContext(c) },
  );
  return c.json(run, 200);
}

export async function list(c: Context<AppEnv>) {
  const limit = parseLimit(c.req.query("limit"), ARCHIVE_RUNS_LIMIT.default, ARCHIVE_RUNS_LIMIT.max);
  if (limit === undefined) {
    const message = `limit is an integer from 1 to ${ARCHIVE_RUNS_LIMIT.max}`;
    throw new ValidationError([{ path: "/limit", message }], "The query is invalid; see errors.");
  }
  return c.json({ data: await c.get("store").storage.archiveRuns.list(limit) }, 200);
}
