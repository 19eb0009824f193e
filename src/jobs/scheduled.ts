import type { Env } from "../env";
import { runArchiveJob } from "./archive-job";

/** The Worker's cron trigger (wrangler.toml [triggers]): one archive run per invocation. */
export async function handleScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  // The scheduled time, not the start time: a late or retried invocation keeps its cutoff.
  const run = await runArchiveJob({ db: env.DB, env, clock: () => new Date(controller.scheduledTime) }, { trigger: "cron" });
  // The failure is recorded already; throwing too shows the invocation as failed in Cloudflare's cron events.
  if (run.status === "failed") throw new Error(`Archive run ${run.id} failed: ${run.error}`);
}
