import type { Context, MiddlewareHandler } from "hono";
import { sendAfterWrite } from "../../jobs/webhook-outbox";
import { type AppEnv, readsOnly } from "../context";

/**
 * Sends the request's workspace's new webhook outbox rows to the queue once the answer is out,
 * off the request's own round trip (src/jobs/webhook-outbox.ts). Without an execution context
 * (the app called directly, as in tests) or a queue, nothing is sent here: the cron's sweep does it.
 */
export function sendWebhooksLater(c: Context<AppEnv>): void {
  const workspace = c.get("workspaceId");
  if (!workspace || !c.env.WEBHOOK_QUEUE) return;
  try {
    c.executionCtx.waitUntil(sendAfterWrite(c.env, workspace));
  } catch {
    // No execution context: the sweep sends them.
  }
}

/** After a write that may have made change events (a pipeline's, an archive run's) and succeeded. */
export const sendWebhooks: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!readsOnly(c) && c.res.status < 300) sendWebhooksLater(c);
};
