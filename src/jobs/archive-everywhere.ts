import { archiveCutoff } from "../domain/archive-run";
import type { Storage, WorkspaceStore } from "../domain/storage";
import { type ArchiveEnv, readArchiveSettings } from "../settings";
import { runArchiveJob } from "./archive-job";

export interface FailedRun {
  workspace: string;
  error: string;
}

/** Workspaces read per call while looking for work. */
const PAGE = 100;
/** Deletions finished per run, and steps each: a deletion bigger than that goes on in the next run. */
const DELETIONS_PER_RUN = 10;
const STEPS_PER_DELETION = 100;

/** Finishes deletions that a DELETE began and did not end (a failure, or a very large workspace). */
async function finishDeletions(workspaces: WorkspaceStore, now: Date): Promise<void> {
  for (const id of await workspaces.unfinishedDeletions(DELETIONS_PER_RUN)) {
    try {
      for (let step = 0; step < STEPS_PER_DELETION; step++) if ((await workspaces.deleteStep(id, now)) === "deleted") break;
    } catch (error) {
      // The next run resumes it; the others go on.
      console.error(JSON.stringify({ level: "error", event: "workspace_deletion", workspace: id, cause: String(error) }));
    }
  }
}

/** The cutoff of this run, or undefined when the settings cannot be read (each workspace then records the failure). */
function cutoffs(env: ArchiveEnv, now: Date): { archive: string; audit: string } | undefined {
  try {
    const settings = readArchiveSettings(env);
    return {
      archive: archiveCutoff(now, settings.afterDays).toISOString(),
      audit: archiveCutoff(now, settings.auditRetentionDays).toISOString(),
    };
  } catch {
    return undefined;
  }
}

/**
 * One cron run: finishes unfinished deletions, then runs the archive job (src/jobs/archive-job.ts)
 * in each workspace with an active pipeline older than the cutoff, each run recorded in its own
 * workspace and bounded by ARCHIVE_BATCH_SIZE; a failure in one leaves the others' runs as they
 * are. Audit events past their retention are then pruned everywhere. Answers the runs that failed.
 */
export async function runArchiveInEveryWorkspace(storage: Storage, env: ArchiveEnv, clock: () => Date): Promise<FailedRun[]> {
  const now = clock();
  await finishDeletions(storage.workspaces, now);
  const cut = cutoffs(env, now);
  // Settings it cannot read leave no cutoff to look for work with: every workspace records the failed run.
  const page = (after?: string) =>
    cut === undefined
      ? storage.workspaces.list({ limit: PAGE, after }).then((found) => found.items.map((workspace) => workspace.id))
      : storage.workspaces.withStalePipelines(cut.archive, { limit: PAGE, after });
  const failed: FailedRun[] = [];
  for (let ids = await page(); ids.length > 0; ids = ids.length < PAGE ? [] : await page(ids.at(-1))) {
    for (const id of ids) {
      try {
        const run = await runArchiveJob({ runs: storage.workspace(id).archiveRuns, env, clock }, { trigger: "cron" });
        if (run.status === "failed") failed.push({ workspace: id, error: run.error ?? "failed" });
      } catch (error) {
        // Not even the failure could be recorded (the workspace deleted meanwhile, or the database down): logged.
        console.error(JSON.stringify({ level: "error", event: "archive_run", workspace: id, cause: String(error) }));
        failed.push({ workspace: id, error: "not recorded: the cause is in the log" });
      }
    }
  }
  if (cut) await storage.workspaces.pruneAuditEvents(cut.audit);
  return failed;
}
