import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ArchiveRun } from "../src/domain/archive-run";
import type { Pipeline } from "../src/domain/pipeline";
import type { PipelineRepository } from "../src/domain/repository";
import { save } from "../src/domain/repository";
import worker from "../src/index";
import { d1ArchiveRuns } from "../src/storage/d1/archive-runs";

const listArchiveRuns = (db: D1Database, limit?: number) => d1ArchiveRuns(db).list(limit ?? 20);

import { type ArchiveJobOptions, runArchiveJob } from "../src/jobs/archive-job";
import type { ArchiveEnv } from "../src/settings";
import { d1PipelineRepository } from "../src/storage/d1/pipeline-repository";
import { newPipelineInput } from "./contract/pipeline-repository-contract";
import { resetDatabase } from "./support/backend";
import { type ManualClock, manualClock } from "./support/clock";
import { countingD1 } from "./support/d1-calls";

const DAY = 86_400_000;
/** The time of most runs below; with the default 90 days its cutoff is CUTOFF. */
const NOW = Date.parse("2026-06-01T03:00:00.000Z");
const CUTOFF = NOW - 90 * DAY;
const at = (epochMs: number) => new Date(epochMs).toISOString();

const settings: ArchiveEnv = { ARCHIVE_AFTER_DAYS: "90", ARCHIVE_BATCH_SIZE: "500" };

let repo: PipelineRepository;
let clock: ManualClock;
let log: ReturnType<typeof vi.spyOn>;
let errorLog: ReturnType<typeof vi.spyOn>;

beforeEach(async () => {
  await resetDatabase();
  clock = manualClock();
  repo = d1PipelineRepository(env.DB, clock);
  log = vi.spyOn(console, "log").mockImplementation(() => {});
  errorLog = vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A pipeline last updated at `updatedAt` (the repository stamps its clock's time). */
async function seed(name: string, updatedAt: number): Promise<Pipeline> {
  clock.set(at(updatedAt));
  return save(repo, newPipelineInput(name));
}

function run(
  now = NOW,
  options: ArchiveJobOptions = { trigger: "manual" },
  overrides: { env?: ArchiveEnv; db?: D1Database } = {},
): Promise<ArchiveRun> {
  return runArchiveJob(
    { runs: d1ArchiveRuns(overrides.db ?? env.DB), env: overrides.env ?? settings, clock: () => new Date(now) },
    options,
  );
}

/** Every pipeline as stored, archived or not, for "nothing changed" checks. */
async function allPipelines() {
  const page = await repo.list({ archived: "all", config: [], sort: { field: "name", descending: false }, limit: 100 });
  return page.items;
}

async function archivedNames() {
  return (await allPipelines())
    .filter((p) => p.archived)
    .map((p) => p.name)
    .sort();
}

/**
 * The D1 binding with its first batch() (the run's own) replaced; later ones (the failed run's
 * record with its audit event) and everything else go to the real database.
 */
function withBatch(batch: (statements: D1PreparedStatement[]) => Promise<D1Result[]>): D1Database {
  let replaced = false;
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === "batch" && !replaced) {
        return (statements: D1PreparedStatement[]) => {
          replaced = true;
          return batch(statements);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("which pipelines a run archives", () => {
  it("archives only what was updated strictly before the cutoff", async () => {
    const older = await seed("older", CUTOFF - 1);
    const exactly = await seed("exactly-at-cutoff", CUTOFF);
    const newer = await seed("newer", CUTOFF + 1);

    const result = await run();

    expect(result).toEqual({
      id: expect.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/),
      trigger: "manual",
      cutoff: at(CUTOFF),
      archivedCount: 1,
      status: "succeeded",
      startedAt: at(NOW),
      finishedAt: at(NOW),
    });
    expect(await repo.findById(older.id)).toMatchObject({ archived: true });
    expect(await repo.findById(exactly.id)).toEqual(exactly);
    expect(await repo.findById(newer.id)).toEqual(newer);
  });

  it("archives like a manual archive: version + 1, updatedAt the run's time, nothing else changed", async () => {
    const old = await seed("old", CUTOFF - DAY);

    await run();

    expect(await repo.findById(old.id)).toEqual({ ...old, archived: true, version: 2, updatedAt: at(NOW) });
  });

  it("archives oldest first (updatedAt, then id), at most the batch size, and the next run goes on", async () => {
    const tiny = { ...settings, ARCHIVE_BATCH_SIZE: "2" };
    // Saved out of age order, so neither insertion nor id order alone gives the expected order.
    await seed("late", CUTOFF - 1 * DAY);
    await seed("earliest", CUTOFF - 40 * DAY);
    await seed("tie-first", CUTOFF - 20 * DAY);
    await seed("tie-second", CUTOFF - 20 * DAY);
    await seed("middle", CUTOFF - 10 * DAY);
    await seed("recent", CUTOFF + DAY);

    expect(await run(NOW, { trigger: "manual" }, { env: tiny })).toMatchObject({ archivedCount: 2 });
    expect(await archivedNames()).toEqual(["earliest", "tie-first"]);

    expect(await run(NOW + 1, { trigger: "manual" }, { env: tiny })).toMatchObject({ archivedCount: 2 });
    expect(await archivedNames()).toEqual(["earliest", "middle", "tie-first", "tie-second"]);

    expect(await run(NOW + 2, { trigger: "manual" }, { env: tiny })).toMatchObject({ archivedCount: 1 });
    expect(await archivedNames()).toEqual(["earliest", "late", "middle", "tie-first", "tie-second"]);
  });

  it("is idempotent: a second run archives nothing new and is still recorded", async () => {
    await seed("old", CUTOFF - 1);
    await seed("fresh", CUTOFF + DAY);
    const first = await run();
    const afterFirst = await allPipelines();

    const second = await run(NOW + 1000);

    expect(first.archivedCount).toBe(1);
    expect(second).toMatchObject({ status: "succeeded", archivedCount: 0, startedAt: at(NOW + 1000) });
    expect(await allPipelines()).toEqual(afterFirst);
    expect((await listArchiveRuns(env.DB)).map((r) => r.id)).toEqual([second.id, first.id]);
  });

  it("leaves pipelines archived by hand untouched", async () => {
    const old = await seed("archived-by-hand", CUTOFF - 10 * DAY);
    clock.set(at(CUTOFF - 5 * DAY));
    const archived = await repo.archive(old.id);

    expect(await run()).toMatchObject({ archivedCount: 0, status: "succeeded" });
    expect(await repo.findById(old.id)).toEqual(archived);
  });

  it("does not archive a pipeline changed after the run was started but before its write", async () => {
    const touched = await seed("touched", CUTOFF - DAY);
    const untouched = await seed("untouched", CUTOFF - DAY);
    // Someone edits the pipeline while the run is under way, just before its batch reaches D1.
    const db = withBatch(async (statements) => {
      clock.set(at(NOW - 1));
      await repo.patch(touched.id, { name: "touched-again" });
      return env.DB.batch(statements);
    });

    const result = await run(NOW, { trigger: "manual" }, { db });

    expect(result.archivedCount).toBe(1);
    expect(await repo.findById(touched.id)).toMatchObject({ archived: false, name: "touched-again", version: 2 });
    expect(await repo.findById(untouched.id)).toMatchObject({ archived: true });
  });

  it("takes a manual run's olderThanDays over ARCHIVE_AFTER_DAYS", async () => {
    await seed("31-days", NOW - 31 * DAY);
    await seed("29-days", NOW - 29 * DAY);

    const result = await run(NOW, { trigger: "manual", olderThanDays: 30 });

    expect(result).toMatchObject({ cutoff: at(NOW - 30 * DAY), archivedCount: 1 });
    expect(await archivedNames()).toEqual(["31-days"]);
  });

  it("takes olderThanDays 0 as a cutoff at the run's start: everything not changed since", async () => {
    await seed("a-second-ago", NOW - 1000);
    await seed("just-before", NOW - 1);
    await seed("at-the-start", NOW);

    const result = await run(NOW, { trigger: "manual", olderThanDays: 0 });

    expect(result).toMatchObject({ status: "succeeded", cutoff: at(NOW), archivedCount: 2 });
    expect(await archivedNames()).toEqual(["a-second-ago", "just-before"]);
  });

  it("is one round trip to D1", async () => {
    await seed("old", CUTOFF - 1);
    const counting = countingD1(env.DB);

    await run(NOW, { trigger: "manual" }, { db: counting.db });

    expect(counting.calls).toBe(1);
    expect(await archivedNames()).toEqual(["old"]);
  });

  it("gives the pipeline back intact when it is restored", async () => {
    const original = await seed("restore-me", CUTOFF - DAY);
    await repo.patch(original.id, { configuration: { tier: "gold" } });
    const before = await repo.findById(original.id);
    await run();

    clock.set(at(NOW + DAY));
    const restored = await repo.restore(original.id);

    expect(restored).toEqual({ ...before, version: (before?.version ?? 0) + 2, updatedAt: at(NOW + DAY) });
    expect(restored.stages).toEqual(original.stages);
    expect(restored.configuration).toEqual({ env: "prod", owner: "data-team", tier: "gold" });
  });
});

describe("a failed run", () => {
  it("is recorded when the database refuses the batch, and changes no pipeline", async () => {
    await seed("old", CUTOFF - 1);
    const before = await allPipelines();
    const db = withBatch(() => Promise.reject(new Error("D1_ERROR: Network connection lost.")));

    const result = await run(NOW, { trigger: "manual" }, { db });

    expect(result).toEqual({
      id: expect.any(String),
      trigger: "manual",
      cutoff: at(CUTOFF),
      archivedCount: 0,
      status: "failed",
      startedAt: at(NOW),
      finishedAt: at(NOW),
      error: "The archive batch failed in the database; no pipeline was changed (the cause is in the Worker's log).",
    });
    expect(await allPipelines()).toEqual(before);
    expect(await listArchiveRuns(env.DB)).toEqual([result]);
  });

  it("rolls the archive back when the batch fails after its UPDATE ran", async () => {
    await seed("old", CUTOFF - 2);
    await seed("older", CUTOFF - 1);
    const before = await allPipelines();
    // The real batch plus a last statement that aborts it only once both pipelines are archived
    // in it: so the run fails after its archive and its record were written, and must undo both.
    const db = withBatch((statements) =>
      env.DB.batch([
        ...statements,
        env.DB.prepare(
          "INSERT INTO write_guard (reason) SELECT CASE WHEN (SELECT count(*) FROM pipelines WHERE archived = 1) = 2 THEN 'not_found' END",
        ),
      ]),
    );

    const result = await run(NOW, { trigger: "manual" }, { db });

    expect(result).toMatchObject({ status: "failed", archivedCount: 0, cutoff: at(CUTOFF) });
    expect(await allPipelines()).toEqual(before);
    expect(await listArchiveRuns(env.DB)).toEqual([result]);
  });

  it.each([
    ["ARCHIVE_AFTER_DAYS", "abc"],
    ["ARCHIVE_AFTER_DAYS", "0"],
    ["ARCHIVE_AFTER_DAYS", "-1"],
    ["ARCHIVE_AFTER_DAYS", "1.5"],
    ["ARCHIVE_AFTER_DAYS", "1e3"],
    ["ARCHIVE_AFTER_DAYS", " "],
    ["ARCHIVE_AFTER_DAYS", "36501"],
    ["ARCHIVE_BATCH_SIZE", "0"],
    ["ARCHIVE_BATCH_SIZE", "10001"],
    ["ARCHIVE_BATCH_SIZE", "ten"],
  ] as const)("is recorded with a clear error for %s = %j, archiving nothing", async (key, value) => {
    await seed("old", CUTOFF - DAY);
    const before = await allPipelines();

    const result = await run(NOW, { trigger: "manual" }, { env: { ...settings, [key]: value } });

    const max = key === "ARCHIVE_AFTER_DAYS" ? 36500 : 10000;
    expect(result).toMatchObject({
      status: "failed",
      archivedCount: 0,
      cutoff: at(0),
      error: `Invalid archive configuration: ${key} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}.`,
    });
    expect(await allPipelines()).toEqual(before);
    expect(await listArchiveRuns(env.DB)).toEqual([result]);
  });

  it("is recorded for a bad olderThanDays, even with a good environment", async () => {
    await seed("old", CUTOFF - DAY);

    const result = await run(NOW, { trigger: "manual", olderThanDays: -1 });

    expect(result).toMatchObject({
      status: "failed",
      error: "Invalid archive configuration: olderThanDays must be a whole number from 0 to 36500, not -1.",
    });
    expect(await archivedNames()).toEqual([]);
  });

  it("logs one structured line at error level, with the cause only in the log", async () => {
    const db = withBatch(() => Promise.reject(new Error("D1_ERROR: no such table: pipelines")));

    const result = await run(NOW, { trigger: "manual" }, { db });

    expect(log).not.toHaveBeenCalled();
    expect(errorLog).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(errorLog.mock.calls[0]?.[0]))).toEqual({
      event: "archive_run",
      runId: result.id,
      trigger: "manual",
      cutoff: at(CUTOFF),
      archivedCount: 0,
      status: "failed",
      error: result.error,
      cause: "Error: D1_ERROR: no such table: pipelines",
    });
    expect(result.error).not.toContain("pipelines");
  });
});

describe("settings", () => {
  it.each([
    ["absent", {}],
    ["empty", { ARCHIVE_AFTER_DAYS: "", ARCHIVE_BATCH_SIZE: "" }],
  ])("fall back to 90 days and 500 per run when %s", async (_, values) => {
    clock.set(at(CUTOFF - DAY));
    for (let chunk = 0; chunk < 5; chunk++) {
      await repo.saveMany(Array.from({ length: 100 }, (_, i) => newPipelineInput(`due-${chunk}-${i}`)));
    }
    const newestDue = await seed("newest-due", CUTOFF - 1);
    await seed("at-default-cutoff", CUTOFF);

    const result = await run(NOW, { trigger: "manual" }, { env: values });

    expect(result).toMatchObject({ status: "succeeded", cutoff: at(CUTOFF), archivedCount: 500 });
    // Oldest first: the newest of the 501 due pipelines waits for the next run.
    expect(await repo.findById(newestDue.id)).toEqual(newestDue);
    expect(await repo.count({ archived: "false", config: [] })).toBe(2);
  });

  it("accept a TOML number as wrangler passes it", async () => {
    await seed("old", NOW - 8 * DAY);
    const numeric = { ARCHIVE_AFTER_DAYS: 7, ARCHIVE_BATCH_SIZE: 1 } as unknown as ArchiveEnv;

    expect(await run(NOW, { trigger: "manual" }, { env: numeric })).toMatchObject({
      cutoff: at(NOW - 7 * DAY),
      archivedCount: 1,
    });
  });
});

describe("listing runs", () => {
  it("lists the most recent runs first, ties by id, within the limit", async () => {
    const first = await run(NOW - 2 * DAY);
    const second = await run(NOW - DAY);
    const third = await run(NOW);
    const sameTime = await run(NOW);

    expect((await listArchiveRuns(env.DB)).map((r) => r.id)).toEqual([sameTime.id, third.id, second.id, first.id]);
    expect(await listArchiveRuns(env.DB, 2)).toEqual([sameTime, third]);
    expect(await listArchiveRuns(env.DB, 0)).toEqual([sameTime]);
  });
});

describe("the cron trigger", () => {
  const scheduledTime = Date.parse("2026-06-01T03:00:00.000Z");

  it("runs the job through the worker's scheduled handler, at the scheduled time", async () => {
    const due = await seed("due", scheduledTime - 91 * DAY);
    const kept = await seed("kept", scheduledTime - 89 * DAY);
    const controller = createScheduledController({ scheduledTime, cron: "0 3 * * *" });
    const ctx = createExecutionContext();

    // env carries wrangler.toml's [vars]: ARCHIVE_AFTER_DAYS = "90".
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);

    const [recorded] = await listArchiveRuns(env.DB);
    expect(recorded).toEqual({
      id: expect.any(String),
      trigger: "cron",
      cutoff: at(scheduledTime - 90 * DAY),
      archivedCount: 1,
      status: "succeeded",
      startedAt: at(scheduledTime),
      finishedAt: at(scheduledTime),
    });
    expect(await repo.findById(due.id)).toEqual({ ...due, archived: true, version: 2, updatedAt: at(scheduledTime) });
    expect(await repo.findById(kept.id)).toEqual(kept);
    expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({
      event: "archive_run",
      runId: recorded?.id,
      trigger: "cron",
      archivedCount: 1,
      status: "succeeded",
    });
  });

  it("records a failed run and fails the invocation on a bad setting", async () => {
    const due = await seed("due", scheduledTime - 91 * DAY);
    const controller = createScheduledController({ scheduledTime, cron: "0 3 * * *" });
    const ctx = createExecutionContext();

    await expect(worker.scheduled(controller, { ...env, ARCHIVE_BATCH_SIZE: "0" }, ctx)).rejects.toThrow(
      /ARCHIVE_BATCH_SIZE must be a whole number from 1 to 10000/,
    );
    await waitOnExecutionContext(ctx);

    expect(await listArchiveRuns(env.DB)).toEqual([expect.objectContaining({ trigger: "cron", status: "failed", archivedCount: 0 })]);
    expect(await repo.findById(due.id)).toEqual(due);
  });
});

describe("history of the archive job", () => {
  it("records a revision and an event per archived pipeline, and the run's own event, all as the system for cron", async () => {
    const stale = await seed("stale", CUTOFF - DAY);
    const older = await seed("older", CUTOFF - 2 * DAY);
    const fresh = await seed("fresh", NOW - DAY);
    const result = await run(NOW, { trigger: "cron" });
    expect(result.archivedCount).toBe(2);
    for (const pipeline of [stale, older]) {
      const [revision] = await repo.getRevisions(pipeline.id, [2]);
      expect(revision).toEqual({
        pipelineId: pipeline.id,
        version: 2,
        change: "archived",
        actor: { type: "system", id: null },
        requestId: result.id,
        changedAt: at(NOW),
        pipeline: await repo.findById(pipeline.id),
      });
    }
    expect(await repo.getRevisions(fresh.id, [2])).toEqual([]);
    const events = (await repo.listAuditEvents({ limit: 10 })).items.filter((e) => e.requestId === result.id);
    expect(events.map((e) => [e.action, e.resource.id, e.version]).sort()).toEqual(
      [
        ["archiveRun.finished", result.id, null],
        ["pipeline.archived", stale.id, 2],
        ["pipeline.archived", older.id, 2],
      ].sort(),
    );
    // The run's event is recorded last, after those of what it archived.
    expect(events[0]?.action).toBe("archiveRun.finished");
  });

  it("records a failed run's event too, and archives nothing", async () => {
    const result = await run(NOW, { trigger: "manual" }, { env: { ARCHIVE_AFTER_DAYS: "x" } });
    expect(result.status).toBe("failed");
    const [event] = (await repo.listAuditEvents({ limit: 10, resourceId: result.id })).items;
    expect(event).toMatchObject({ action: "archiveRun.finished", resource: { type: "archiveRun", id: result.id } });
  });

  it("prunes audit events older than AUDIT_RETENTION_DAYS in the same batch, keeping newer ones", async () => {
    const old = await seed("old-event", NOW - 40 * DAY);
    const recent = await seed("recent-event", NOW - 10 * DAY);
    await run(NOW, { trigger: "cron" }, { env: { ...settings, ARCHIVE_AFTER_DAYS: "365", AUDIT_RETENTION_DAYS: "30" } });
    const left = (await repo.listAuditEvents({ limit: 10 })).items.map((e) => [e.action, e.resource.id]);
    expect(left).toContainEqual(["pipeline.created", recent.id]);
    expect(left).not.toContainEqual(["pipeline.created", old.id]);
    const bad = await run(NOW, { trigger: "cron" }, { env: { ...settings, AUDIT_RETENTION_DAYS: "0" } });
    expect(bad).toMatchObject({ status: "failed", error: expect.stringContaining("AUDIT_RETENTION_DAYS") });
  });
});
