import { NotFoundError } from "../domain/errors";
import { LIMITS } from "../domain/pipeline";
import type { OutboxKey, Storage, WebhookStore } from "../domain/storage";
import { MAX_WEBHOOKS } from "../domain/webhook";
import type { Env } from "../env";
import { readStorageSettings } from "../settings";
import { openStorage } from "../storage/open-storage";

/**
 * Sending the webhook outbox to the queue (docs/webhooks.md): after a write that made outbox
 * rows (in the background, once the answer is out), and from the cron for rows whose message was
 * never sent (the Worker stopped before it could). A row is marked sent once its message is; a
 * message sent twice (the two paths racing) is delivered twice at worst, which at-least-once allows.
 */

/** A queue message: one event for one endpoint of one workspace. */
export interface WebhookMessage extends OutboxKey {
  workspace: string;
}

/** A queue takes at most 100 messages in one send. */
const SEND_BATCH = 100;
/**
 * Batches sent after one write: enough for the largest import to every endpoint a workspace may
 * have. What a larger write leaves (an archive run's) waits for the sweep.
 */
const AFTER_WRITE_BATCHES = Math.ceil((LIMITS.importSize * MAX_WEBHOOKS) / SEND_BATCH);
/** Batches the sweep sends for one workspace in one cron run, so one backlog cannot hold the run. */
const SWEEP_BATCHES = 50;
/** A row this old and still unsent has lost its message: the sweep sends it. */
export const SWEEP_AFTER_MS = 60_000;

/**
 * Sends `workspace`'s unsent rows (made before `before`, when given), a batch at a time and each
 * batch marked sent, until none is left or `batches` were sent; answers how many rows.
 */
export async function sendOutbox(
  webhooks: WebhookStore,
  workspace: string,
  queue: Queue<WebhookMessage>,
  now: Date,
  { before, batches = 1 }: { before?: Date; batches?: number } = {},
): Promise<number> {
  let sent = 0;
  for (let batch = 0; batch < batches; batch++) {
    const keys = await webhooks.unsent(SEND_BATCH, before);
    if (keys.length === 0) break;
    await queue.sendBatch(keys.map((key) => ({ body: { workspace, endpoint: key.endpoint, event: key.event }, contentType: "json" })));
    await webhooks.markSent(keys, now);
    sent += keys.length;
    if (keys.length < SEND_BATCH) break;
  }
  return sent;
}

/** After a write's answer: its workspace's new outbox rows, over storage of its own (the request's is closed by then). */
export async function sendAfterWrite(env: Env, workspace: string): Promise<void> {
  const queue = env.WEBHOOK_QUEUE;
  if (!queue) return;
  const store = openStorage(env, { readOnly: false, ...readStorageSettings(env) });
  try {
    await sendOutbox(store.storage.workspace(workspace).webhooks, workspace, queue, new Date(), { batches: AFTER_WRITE_BATCHES });
  } catch (error) {
    // A workspace deleted since has nothing left to send; else the sweep sends what this could not.
    if (error instanceof NotFoundError) return;
    console.error(JSON.stringify({ level: "error", event: "webhook_send", workspace, cause: String(error) }));
  } finally {
    await store.close?.();
  }
}

/** The cron's sweep: in every workspace with rows unsent for a minute, sends them. */
export async function sweepOutbox(storage: Storage, queue: Queue<WebhookMessage>, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - SWEEP_AFTER_MS);
  let sent = 0;
  const page = (after?: string) => storage.workspaces.withUnsentWebhooks(cutoff, { limit: SEND_BATCH, after });
  for (let ids = await page(); ids.length > 0; ids = ids.length < SEND_BATCH ? [] : await page(ids.at(-1))) {
    for (const id of ids) {
      try {
        sent += await sendOutbox(storage.workspace(id).webhooks, id, queue, now, { before: cutoff, batches: SWEEP_BATCHES });
      } catch (error) {
        console.error(JSON.stringify({ level: "error", event: "webhook_sweep", workspace: id, cause: String(error) }));
      }
    }
  }
  return sent;
}
