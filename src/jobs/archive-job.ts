import { type ArchiveRun, type ArchiveTrigger, archiveCutoff } from "../domain/archive-run";
import { SYSTEM, type WriteContext } from "../domain/history";
import { newId } from "../domain/ids";
import type { ArchiveRunStore } from "../domain/storage";
import { type ArchiveEnv, type ArchiveSettings, readArchiveSettings, SettingsError } from "../settings";

export interface ArchiveJobDeps {
  /** Where runs are recorded and pipelines archived: the backend's (src/storage/open-storage.ts). */
  runs: ArchiveRunStore;
  env: ArchiveEnv;
  /** The run's time: its start, the base of its cutoff and the new updatedAt of what it archives. */
  clock?: () => Date;
}

export interface ArchiveJobOptions {
  trigger: ArchiveTrigger;
  /** A manual run's retention, instead of ARCHIVE_AFTER_DAYS. */
  olderThanDays?: number;
  /** Who asked for a manual run, and in which request; cron runs are the system's, their request id the run's id. */
  context?: WriteContext;
}

/** Database messages can carry SQL: the record and API get a fixed sentence, the log the cause. */
const DATABASE_FAILURE = "The archive batch failed in the database; no pipeline was changed (the cause is in the Worker's log).";

/** One JSON line per run, for whoever watches the Worker's logs; failures at error level. */
function log(run: ArchiveRun, cause?: unknown) {
  const line = JSON.stringify({
    event: "archive_run",
    runId: run.id,
    trigger: run.trigger,
    cutoff: run.cutoff,
    archivedCount: run.archivedCount,
    status: run.status,
    error: run.error,
    cause: cause === undefined || cause instanceof SettingsError ? undefined : String(cause),
  });
  if (run.status === "failed") console.error(line);
  else console.log(line);
}

/**
 * Runs the archive job once and records the run, whatever its outcome. A failure changes no
 * pipeline (the archive and its record are one atomic batch) and is recorded as a failed run
 * afterwards; only if that record cannot be written either does this throw.
 */
export async function runArchiveJob(deps: ArchiveJobDeps, options: ArchiveJobOptions): Promise<ArchiveRun> {
  const clock = deps.clock ?? (() => new Date());
  const startedAt = clock();
  const started = { id: newId(), trigger: options.trigger, startedAt: startedAt.toISOString() };
  const context = options.context ?? { actor: SYSTEM, requestId: started.id };

  async function fail(cutoff: Date, error: unknown): Promise<ArchiveRun> {
    const run: ArchiveRun = {
      ...started,
      cutoff: cutoff.toISOString(),
      archivedCount: 0,
      status: "failed",
      finishedAt: clock().toISOString(),
      error: error instanceof SettingsError ? error.message : DATABASE_FAILURE,
    };
    log(run, error);
    await deps.runs.record(run, context);
    return run;
  }

  let settings: ArchiveSettings;
  try {
    settings = readArchiveSettings(deps.env, { olderThanDays: options.olderThanDays });
  } catch (error) {
    return fail(new Date(0), error);
  }
  const cutoff = archiveCutoff(startedAt, settings.afterDays);
  try {
    // The record goes in the same batch as the archive, so it is finished when the batch is sent.
    const run = await deps.runs.archiveStale(
      { ...started, cutoff: cutoff.toISOString(), finishedAt: clock().toISOString() },
      {
        batchSize: settings.batchSize,
        revisionsKeep: settings.revisionsKeep,
        auditCutoff: archiveCutoff(startedAt, settings.auditRetentionDays).toISOString(),
        context,
      },
    );
    log(run);
    return run;
  } catch (error) {
    return fail(cutoff, error);
  }
}
