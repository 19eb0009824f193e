import type { WriteContext } from "./history";

/** Runs of the archive job (docs/archive-job.md): what each run did, from cron or by hand. */

export type ArchiveTrigger = "cron" | "manual";
export type ArchiveRunStatus = "succeeded" | "failed";

export interface ArchiveRun {
  id: string;
  trigger: ArchiveTrigger;
  /**
   * Active pipelines updated strictly before this instant were due. A run that failed on its
   * configuration had no cutoff and shows the epoch, before which nothing was ever updated.
   */
  cutoff: string;
  archivedCount: number;
  status: ArchiveRunStatus;
  startedAt: string;
  finishedAt: string;
  /** Only on a failed run: a short reason, never SQL or a stack (the member is absent otherwise). */
  error?: string;
}

const DAY_MS = 86_400_000;

/** Days are 24-hour periods in epoch milliseconds: no calendar or time zone shifts the cutoff. */
export const archiveCutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** A run about to archive: the record before the database says how many it archived. */
export type PendingArchiveRun = Omit<ArchiveRun, "archivedCount" | "status" | "error">;

export const ARCHIVE_RUNS_LIMIT = { default: 20, max: 100 } as const;

export interface ArchiveBatch {
  batchSize: number;
  revisionsKeep: number;
  /** Audit events before this instant are pruned. */
  auditCutoff: string;
  /** Who runs it (the system for cron, the caller for a manual run) and for which request. */
  context: WriteContext;
}
