import { ARCHIVE_RUNS_LIMIT, type ArchiveRun } from "../../domain/archive-run";
import { newId } from "../../domain/ids";
import type { ArchiveRunStore } from "../../domain/storage";
import { sql } from "../shared/sql";
import { contextJson, eventIds } from "./arguments";
import type { PostgresCalls } from "./connection";

/** Archive runs on PostgreSQL: writes are functions of functions/archive-runs.sql, reads one SELECT each. */

const RUN = sql`json_build_object('id', r.id, 'trigger', r.trigger, 'cutoff', registry_time(r.cutoff),
  'archivedCount', r.archived_count, 'status', r.status, 'startedAt', registry_time(r.started_at),
  'finishedAt', registry_time(r.finished_at), 'error', r.error)`;

/** One workspace's archive runs on PostgreSQL. */
export function postgresArchiveRuns(connection: PostgresCalls, workspace: string): ArchiveRunStore {
  return {
    async archiveStale(run, batch) {
      const archivedCount = await connection.value<number>(
        sql`registry_archive_stale(${workspace}, ${JSON.stringify(run)}::json, ${batch.batchSize}, ${batch.revisionsKeep}, ${contextJson(batch.context)},
          ${eventIds(batch.batchSize)}, ${newId()}, ${batch.auditCutoff}::timestamptz)`,
      );
      const { id, trigger, cutoff, startedAt, finishedAt } = run;
      // The members in the order D1's record has them.
      return { id, trigger, cutoff, archivedCount, status: "succeeded", startedAt, finishedAt };
    },

    async record(run, context) {
      await connection.value(
        sql`registry_record_archive_run(${workspace}, ${JSON.stringify(run)}::json, ${contextJson(context)}, ${newId()})`,
      );
    },

    async list(limit = ARCHIVE_RUNS_LIMIT.default) {
      const bounded = Math.min(Math.max(Math.trunc(limit), 1), ARCHIVE_RUNS_LIMIT.max);
      const rows = await connection.rows<{ run: ArchiveRun & { error: string | null } }>(
        sql`SELECT ${RUN} AS run FROM archive_runs r WHERE r.workspace = ${workspace} ORDER BY r.started_at DESC, r.id DESC LIMIT ${bounded}`,
      );
      // The member is absent, not null, on a run that did not fail (as on D1).
      return rows.map(({ run: { error, ...run } }) => (error === null ? run : { ...run, error }));
    },
  };
}
