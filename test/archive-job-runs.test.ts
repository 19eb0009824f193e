import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import type { ArchiveEnv } from "../src/settings";
import { newPipelineInput } from "./contract/fixtures";
import { at, CUTOFF, DAY, listArchiveRuns, NOW, run, seed, settings, useArchiveFixture } from "./support/archive-job";

/** The archive job: its settings, its recorded runs, the cron trigger, and the history it writes. */

const fx = useArchiveFixture();

describe("settings", () => {
  it.each([
    ["absent", {}],
    ["empty", { ARCHIVE_AFTER_DAYS: "", ARCHIVE_BATCH_SIZE: "" }],
  ])("fall back to 90 days and 500 per run when %s", async (_, values) => {
    fx.clock.set(at(CUTOFF - DAY));
    for (let chunk = 0; chunk < 5; chunk++) {
      await fx.repo.saveMany(Array.from({ length: 100 }, (_, i) => newPipelineInput(`due-${chunk}-${i}`)));
    }
    const newestDue = await seed("newest-due", CUTOFF - 1);
    await seed("at-default-cutoff", CUTOFF);

    const result = await run(NOW, { trigger: "manual" }, { env: values });

    expect(result).toMatchObject({ status: "succeeded", cutoff: at(CUTOFF), archivedCount: 500 });
    // Oldest first: the newest of the 501 due pipelines waits for the next run.
    expect(await fx.repo.findById(newestDue.id)).toEqual(newestDue);
    expect(await fx.repo.count({ archived: "false", config: [] })).toBe(2);
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
    expect(await fx.repo.findById(due.id)).toEqual({ ...due, archived: true, version: 2, updatedAt: at(scheduledTime) });
    expect(await fx.repo.findById(kept.id)).toEqual(kept);
    expect(JSON.parse(String(fx.log.mock.calls[0]?.[0]))).toMatchObject({
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
    expect(await fx.repo.findById(due.id)).toEqual(due);
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
      const [revision] = await fx.repo.getRevisions(pipeline.id, [2]);
      expect(revision).toEqual({
        pipelineId: pipeline.id,
        version: 2,
        change: "archived",
        actor: { type: "system", id: null },
        requestId: result.id,
        changedAt: at(NOW),
        pipeline: await fx.repo.findById(pipeline.id),
      });
    }
    expect(await fx.repo.getRevisions(fresh.id, [2])).toEqual([]);
    const events = (await fx.repo.listAuditEvents({ limit: 10 })).items.filter((e) => e.requestId === result.id);
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
    const [event] = (await fx.repo.listAuditEvents({ limit: 10, resourceId: result.id })).items;
    expect(event).toMatchObject({ action: "archiveRun.finished", resource: { type: "archiveRun", id: result.id } });
  });

  it("prunes audit events older than AUDIT_RETENTION_DAYS in the same batch, keeping newer ones", async () => {
    const old = await seed("old-event", NOW - 40 * DAY);
    const recent = await seed("recent-event", NOW - 10 * DAY);
    await run(NOW, { trigger: "cron" }, { env: { ...settings, ARCHIVE_AFTER_DAYS: "365", AUDIT_RETENTION_DAYS: "30" } });
    const left = (await fx.repo.listAuditEvents({ limit: 10 })).items.map((e) => [e.action, e.resource.id]);
    expect(left).toContainEqual(["pipeline.created", recent.id]);
    expect(left).not.toContainEqual(["pipeline.created", old.id]);
    const bad = await run(NOW, { trigger: "cron" }, { env: { ...settings, AUDIT_RETENTION_DAYS: "0" } });
    expect(bad).toMatchObject({ status: "failed", error: expect.stringContaining("AUDIT_RETENTION_DAYS") });
  });
});
