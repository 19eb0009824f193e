import type { Env } from "../env";
import { readRevisionsKeep } from "../settings";
import { openStorage } from "../storage/open-storage";
import { runArchiveJob } from "./archive-job";

/** The Worker's cron trigger (wrangler.toml [triggers]): one archive run per invocation. */
export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const store = openStorage(env, { readOnly: false, revisionsKeep: readRevisionsKeep(env) });
  try {
    // The scheduled time, not the start time: a late or retried invocation keeps its cutoff.
    const run = await runArchiveJob(
      { runs: store.storage.archiveRuns, env, clock: () => new Date(controller.scheduledTime) },
      { trigger: "cron" },
    );
    // The failure is recorded already; throwing too shows the invocation as failed in Cloudflare's cron events.
    if (run.status === "failed") throw new Error(`Archive run ${run.id} failed: ${run.error}`);
  } finally {
    if (store.close) ctx.waitUntil(store.close());
  }
}
