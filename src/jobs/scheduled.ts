import type { Env } from "../env";
import { readStorageSettings } from "../settings";
import { openStorage } from "../storage/open-storage";
import { runArchiveInEveryWorkspace } from "./archive-everywhere";

/**
 * The Worker's cron trigger (wrangler.toml [triggers]): finishes workspace deletions left
 * unfinished, then runs the archive job in every workspace that has something to archive.
 */
export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const store = openStorage(env, { readOnly: false, ...readStorageSettings(env) });
  try {
    // The scheduled time, not the start time: a late or retried invocation keeps its cutoff.
    const failed = await runArchiveInEveryWorkspace(store.storage, env, () => new Date(controller.scheduledTime));
    // The failures are recorded already; throwing too shows the invocation as failed in Cloudflare's cron events.
    if (failed.length > 0) {
      const which = failed.slice(0, 5).map((run) => `${run.workspace}: ${run.error}`);
      throw new Error(`Archive runs failed in ${failed.length} workspace(s): ${which.join("; ")}`);
    }
  } finally {
    if (store.close) ctx.waitUntil(store.close());
  }
}
