import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { ARCHIVE_RUNS_LIMIT, type ArchiveBatch, type ArchiveRun, type PendingArchiveRun } from "../domain/archive-run";
import type { WriteContext } from "../domain/history";
import type { ArchiveRunStore } from "../domain/storage";
import { recordEvent, recordRevisions } from "./db/history-statements";
import { archiveRuns, auditEvents, pipelines } from "./db/schema";
import { iso, ms } from "./db/time";

type Row = typeof archiveRuns.$inferSelect;

function toArchiveRun(row: Row): ArchiveRun {
  return {
    id: row.id,
    trigger: row.trigger,
    cutoff: iso(row.cutoff),
    archivedCount: row.archivedCount,
    status: row.status,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

const toRow = (run: PendingArchiveRun) => ({
  id: run.id,
  trigger: run.trigger,
  cutoff: ms(run.cutoff),
  startedAt: ms(run.startedAt),
  finishedAt: ms(run.finishedAt),
});

const finishedEvent = (run: ArchiveRun | PendingArchiveRun) =>
  ({ action: "archiveRun.finished", resource: { type: "archiveRun", id: run.id }, version: null, at: ms(run.finishedAt) }) as const;

/** Archive runs on D1. */
export function d1ArchiveRuns(d1: D1Database): ArchiveRunStore {
  const db = drizzle(d1);
  return { archiveStale, record, list };

  /**
   * Archives up to `batchSize` active pipelines updated strictly before the cutoff, oldest first
   * (updatedAt, then id), exactly as a manual archive does (version + 1, updatedAt = the run's
   * start, a revision and an audit event each), records the run and its event, and prunes audit
   * events past their retention, in one batch: one round trip, atomic, and a constant number of
   * bound parameters whatever the batch size. The selection is a subquery of the UPDATE itself,
   * so a pipeline changed before the statement runs is judged on its new updatedAt.
   */
  async function archiveStale(run: PendingArchiveRun, batch: ArchiveBatch): Promise<ArchiveRun> {
    const { batchSize } = batch;
    const due = db
      .select({ id: pipelines.id })
      .from(pipelines)
      .where(and(eq(pipelines.archived, false), lt(pipelines.updatedAt, ms(run.cutoff))))
      .orderBy(asc(pipelines.updatedAt), asc(pipelines.id))
      .limit(batchSize);
    const [, [recorded]] = await db.batch([
      db
        .update(pipelines)
        .set({ archived: true, version: sql`${pipelines.version} + 1`, updatedAt: ms(run.startedAt) })
        .where(inArray(pipelines.id, due)),
      // changes() is the number of rows the UPDATE just before changed (what its triggers change
      // does not count), so the record holds the exact count and stands or falls with the archive.
      db
        .insert(archiveRuns)
        .values({ ...toRow(run), archivedCount: sql`changes()`, status: "succeeded" })
        .returning(),
      // What this run archived is what now carries its start as updatedAt without a revision of
      // that version yet (every other write records its revision in its own batch).
      ...recordRevisions(db, sql`p.archived = 1 AND p.updated_at = ${ms(run.startedAt)}`, "archived", batch.context, {
        keep: batch.revisionsKeep,
        count: batchSize,
        writeId: run.id,
      }),
      recordEvent(db, finishedEvent(run), batch.context),
      db.delete(auditEvents).where(lt(auditEvents.at, ms(batch.auditCutoff))),
    ]);
    if (!recorded) throw new Error("The archive run was not recorded.");
    return toArchiveRun(recorded);
  }

  /** Records a run that did not archive (a failed one), with its event, on its own after the failure. */
  async function record(run: ArchiveRun, context: WriteContext): Promise<void> {
    await db.batch([
      db.insert(archiveRuns).values({ ...toRow(run), archivedCount: run.archivedCount, status: run.status, error: run.error ?? null }),
      recordEvent(db, finishedEvent(run), context),
    ]);
  }

  /** The most recent runs, newest first; `limit` is kept within 1 to 100. */
  async function list(limit: number = ARCHIVE_RUNS_LIMIT.default): Promise<ArchiveRun[]> {
    const rows = await db
      .select()
      .from(archiveRuns)
      .orderBy(desc(archiveRuns.startedAt), desc(archiveRuns.id))
      .limit(Math.min(Math.max(Math.trunc(limit), 1), ARCHIVE_RUNS_LIMIT.max));
    return rows.map(toArchiveRun);
  }
}
