import type { Env } from "../env";
import { readStorageSettings } from "../settings";
import { openStorage } from "../storage/open-storage";
import { runArchiveInEveryWorkspace } from "./archive-everywhere";
import { sweepOutbox } from "./webhook-outbox";

/** The cron of wrangler.toml that runs the webhook outbox's sweep alone; every other one runs the archive job too. */
export const SWEEP_CRON = "*/5 * * * *";

/**
 * The Worker's cron triggers (wrangler.toml [triggers]): each sends the webhook outbox's rows
 * whose message was never sent; the daily one then finishes workspace deletions left
 * unfinished, and runs the archive job in every workspace that has something to archive.
 */
export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const store = openStorage(env, { readOnly: false, ...readStorageSettings(env) });
  try {
    // A failed sweep is tried again by the next cron; it never holds the archive job back.
    const queue = env.WEBHOOK_QUEUE;
    if (queue) {
      await sweepOutbox(store.storage, queue, new Date(controller.scheduledTime)).catch((error: unknown) => {
        console.error(JSON.stringify({ level: "error", event: "webhook_sweep", cause: String(error) }));
      });
    }
    if (controller.cron === SWEEP_CRON) return;
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
