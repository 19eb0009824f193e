import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  allPipelines,
  archivedNames,
  at,
  CUTOFF,
  DAY,
  listArchiveRuns,
  NOW,
  run,
  seed,
  settings,
  useArchiveFixture,
  withBatch,
} from "./support/archive-job";
import { countingD1 } from "./support/d1-calls";

/** The archive job: which pipelines a run archives, and what a failed run leaves (nothing). */

const fx = useArchiveFixture();

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
    expect(await fx.repo.findById(older.id)).toMatchObject({ archived: true });
    expect(await fx.repo.findById(exactly.id)).toEqual(exactly);
    expect(await fx.repo.findById(newer.id)).toEqual(newer);
  });

  it("archives like a manual archive: version + 1, updatedAt the run's time, nothing else changed", async () => {
    const old = await seed("old", CUTOFF - DAY);

    await run();

    expect(await fx.repo.findById(old.id)).toEqual({ ...old, archived: true, version: 2, updatedAt: at(NOW) });
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
    fx.clock.set(at(CUTOFF - 5 * DAY));
    const archived = await fx.repo.archive(old.id);

    expect(await run()).toMatchObject({ archivedCount: 0, status: "succeeded" });
    expect(await fx.repo.findById(old.id)).toEqual(archived);
  });

  it("does not archive a pipeline changed after the run was started but before its write", async () => {
    const touched = await seed("touched", CUTOFF - DAY);
    const untouched = await seed("untouched", CUTOFF - DAY);
    // Someone edits the pipeline while the run is under way, just before its batch reaches D1.
    const db = withBatch(async (statements) => {
      fx.clock.set(at(NOW - 1));
      await fx.repo.patch(touched.id, { name: "touched-again" });
      return env.DB.batch(statements);
    });

    const result = await run(NOW, { trigger: "manual" }, { db });

    expect(result.archivedCount).toBe(1);
    expect(await fx.repo.findById(touched.id)).toMatchObject({ archived: false, name: "touched-again", version: 2 });
    expect(await fx.repo.findById(untouched.id)).toMatchObject({ archived: true });
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
    await fx.repo.patch(original.id, { configuration: { tier: "gold" } });
    const before = await fx.repo.findById(original.id);
    await run();

    fx.clock.set(at(NOW + DAY));
    const restored = await fx.repo.restore(original.id);

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

    expect(fx.log).not.toHaveBeenCalled();
    expect(fx.errorLog).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(fx.errorLog.mock.calls[0]?.[0]))).toEqual({
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
