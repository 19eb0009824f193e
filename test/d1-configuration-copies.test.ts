import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { Pipeline } from "../src/domain/pipeline";
import { runArchiveJob } from "../src/jobs/archive-job";
import { d1ArchiveRuns } from "../src/storage/d1/archive-runs";
import { d1PipelineRepository } from "../src/storage/d1/pipeline-repository";
import { newPipelineInput } from "./contract/fixtures";
import { resetDatabase } from "./support/backend";
import { manualClock } from "./support/clock";

/**
 * Configuration entries carry copies of their pipeline's list keys (migrations/0004), kept by
 * triggers. Whatever writes a pipeline, the repository or the archive job, they stay equal.
 */
async function staleCopies() {
  const { results } = await env.DB.prepare(
    `SELECT c.pipeline_id, c.key FROM pipeline_configuration c JOIN pipelines p ON p.id = c.pipeline_id
     WHERE c.pipeline_archived IS NOT p.archived OR c.pipeline_name IS NOT p.name
       OR c.pipeline_created_at IS NOT p.created_at OR c.pipeline_updated_at IS NOT p.updated_at`,
  ).all();
  return results;
}

beforeEach(async () => {
  await resetDatabase();
  vi.spyOn(console, "log").mockImplementation(() => {}); // the archive job's run line
});

afterEach(() => {
  vi.restoreAllMocks();
});

it("configuration entries keep their pipeline's archived flag, name and times through every write", async () => {
  const clock = manualClock(Date.parse("2026-01-01T00:00:00.000Z"));
  const repo = d1PipelineRepository(env.DB, "default", clock);
  const [first, second, third] = (await repo.saveMany([
    newPipelineInput("first"),
    newPipelineInput("second", { configuration: { a: "1", b: "2" } }),
    newPipelineInput("third"),
  ])) as [Pipeline, Pipeline, Pipeline];
  expect(await staleCopies()).toEqual([]);

  clock.advance(1000);
  await repo.patch(first.id, { name: "renamed", configuration: { added: "x", env: null } });
  await repo.update(second.id, { name: "second", configuration: { c: "3" }, stages: second.stages });
  await repo.archive(third.id);
  clock.advance(1000);
  await repo.restore(third.id);
  await repo.archive(second.id);
  expect(await staleCopies()).toEqual([]);

  const run = await runArchiveJob(
    { runs: d1ArchiveRuns(env.DB, "default"), env: { ARCHIVE_AFTER_DAYS: "1" }, clock: () => new Date("2026-06-01T00:00:00.000Z") },
    { trigger: "manual" },
  );
  expect(run.archivedCount).toBe(2);
  expect(await staleCopies()).toEqual([]);
});
