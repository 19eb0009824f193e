import { ARCHIVE_RUNS_LIMIT, type ArchiveBatch, type ArchiveRun, type PendingArchiveRun } from "../../domain/archive-run";
import type { WriteContext } from "../../domain/history";
import type { ArchiveRunStore } from "../../domain/storage";
import { type SQL, sql } from "../shared/sql";
import { pruneChangeEvents } from "./change-events";
import { recordEvent, recordRevisions } from "./history-statements";
import { prepare } from "./statement";
import { iso, ms } from "./time";

interface Row {
  id: string;
  trigger: ArchiveRun["trigger"];
  cutoff: number;
  archivedCount: number;
  status: ArchiveRun["status"];
  startedAt: number;
  finishedAt: number;
  error: string | null;
}

const COLUMNS = sql.raw(
  "id, trigger, cutoff, archived_count AS archivedCount, status, started_at AS startedAt, finished_at AS finishedAt, error",
);
const INSERT_RUN = sql.raw(
  "INSERT INTO archive_runs (id, workspace, trigger, cutoff, archived_count, status, started_at, finished_at, error)",
);

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

/** The VALUES of a run's row in `workspace`, with its count, status and error as SQL. */
const runValues = (
  workspace: string,
  run: PendingArchiveRun,
  archivedCount: number | SQL,
  status: ArchiveRun["status"],
  error: string | null,
) =>
  sql`VALUES (${run.id}, ${workspace}, ${run.trigger}, ${ms(run.cutoff)}, ${archivedCount}, ${status}, ${ms(run.startedAt)}, ${ms(run.finishedAt)}, ${error})`;

const finishedEvent = (run: ArchiveRun | PendingArchiveRun) =>
  ({ action: "archiveRun.finished", resource: { type: "archiveRun", id: run.id }, version: null, at: ms(run.finishedAt) }) as const;

/** One workspace's archive runs on D1. */
export function d1ArchiveRuns(db: D1Database, workspace: string): ArchiveRunStore {
  return { archiveStale, record, list };

  /**
   * Archives up to `batchSize` active pipelines updated strictly before the cutoff, oldest first
   * (updatedAt, then id), exactly as a manual archive does (version + 1, updatedAt = the run's
   * start, a revision, an audit event and a change event each), records the run and its event, and
   * prunes audit and change events past their retention, in one batch: one round trip, atomic, and a constant number of
   * bound parameters whatever the batch size. The selection is a subquery of the UPDATE itself,
   * so a pipeline changed before the statement runs is judged on its new updatedAt.
   */
  async function archiveStale(run: PendingArchiveRun, batch: ArchiveBatch): Promise<ArchiveRun> {
    const { batchSize } = batch;
    const due = sql`SELECT id FROM pipelines WHERE workspace = ${workspace} AND archived = 0 AND updated_at < ${ms(run.cutoff)} ORDER BY updated_at, id LIMIT ${batchSize}`;
    const statements = [
      sql`UPDATE pipelines SET archived = 1, version = version + 1, updated_at = ${ms(run.startedAt)} WHERE id IN (${due})`,
      // changes() is the number of rows the UPDATE just before changed (what its triggers change
      // does not count), so the record holds the exact count and stands or falls with the archive.
      sql`${INSERT_RUN} ${runValues(workspace, run, sql`changes()`, "succeeded", null)} RETURNING ${COLUMNS}`,
      // What this run archived is what now carries its start as updatedAt without a revision of
      // that version yet (every other write records its revision in its own batch).
      ...recordRevisions(
        sql`p.workspace = ${workspace} AND p.archived = 1 AND p.updated_at = ${ms(run.startedAt)}`,
        "archived",
        batch.context,
        {
          keep: batch.revisionsKeep,
          count: batchSize,
          writeId: run.id,
        },
      ),
      recordEvent(workspace, finishedEvent(run), batch.context),
      sql`DELETE FROM audit_events WHERE workspace = ${workspace} AND at < ${ms(batch.auditCutoff)}`,
      // Change events are kept as long as audit events are.
      ...pruneChangeEvents(workspace, ms(batch.auditCutoff)),
    ];
    const [, inserted] = await db.batch(statements.map((statement) => prepare(db, statement)));
    const recorded = inserted?.results[0] as Row | undefined;
    if (!recorded) throw new Error("The archive run was not recorded.");
    return toArchiveRun(recorded);
  }

  /** Records a run that did not archive (a failed one), with its event, on its own after the failure. */
  async function record(run: ArchiveRun, context: WriteContext): Promise<void> {
    await db.batch([
      prepare(db, sql`${INSERT_RUN} ${runValues(workspace, run, run.archivedCount, run.status, run.error ?? null)}`),
      prepare(db, recordEvent(workspace, finishedEvent(run), context)),
    ]);
  }

  /** The most recent runs, newest first; `limit` is kept within 1 to 100. */
  async function list(limit: number = ARCHIVE_RUNS_LIMIT.default): Promise<ArchiveRun[]> {
    const count = Math.min(Math.max(Math.trunc(limit), 1), ARCHIVE_RUNS_LIMIT.max);
    const { results } = await prepare(
      db,
      sql`SELECT ${COLUMNS} FROM archive_runs WHERE workspace = ${workspace} ORDER BY started_at DESC, id DESC LIMIT ${count}`,
    ).all<Row>();
    return results.map(toArchiveRun);
  }
}
