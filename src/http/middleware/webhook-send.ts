import type { MiddlewareHandler } from "hono";
import { sendAfterWrite } from "../../jobs/webhook-outbox";
import { type AppEnv, readsOnly } from "../context";

/**
 * After a write that may have made change events (a pipeline's, an archive run's) succeeded and
 * its answer is out, sends its workspace's new webhook outbox rows to the queue, off the request's
 * own round trip (src/jobs/webhook-outbox.ts). What this cannot send, the cron's sweep does.
 */
export const sendWebhooks: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const workspace = c.get("workspaceId");
  if (readsOnly(c) || c.res.status >= 300 || !workspace || !c.env.WEBHOOK_QUEUE) return;
  try {
    c.executionCtx.waitUntil(sendAfterWrite(c.env, workspace));
  } catch {
    // No execution context (the app called directly, as in tests): the sweep sends them.
  }
};
