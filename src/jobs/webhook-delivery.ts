import { NotFoundError } from "../domain/errors";
import { newId } from "../domain/ids";
import type { OutboxKey, PendingDelivery, Storage } from "../domain/storage";
import { type AttemptOutcome, DELIVERY_TIMEOUT_MS, judgeAttempt, MAX_ATTEMPTS, RESPONSE_READ_BYTES, succeeded } from "../domain/webhook";
import { webhookHeaders } from "../domain/webhook-signature";
import { webhookUrlProblem } from "../domain/webhook-url";
import type { Env } from "../env";
import { readStorageSettings, webhookLoopbackAllowed } from "../settings";
import { openStorage } from "../storage/open-storage";
import type { WebhookMessage } from "./webhook-outbox";

/**
 * The queue consumer (wrangler.toml [[queues.consumers]]): each message is one event for one
 * endpoint. The endpoint is read as it now is (a disabled or deleted one gets nothing, a PATCHed
 * URL is judged again), the event is signed and POSTed, and the attempt is recorded with what it
 * leads to; a failure is retried by the queue after the delay of its attempt. Messages of the
 * dead-letter queue (whose handling kept failing) are recorded as failed.
 */

/** The first bytes of a response, at most `limit` of them: enough for an error message, whatever the receiver sends. */
async function readSome(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, limit));
}

/** One POST of the event: its outcome, never an exception. */
async function attempt(pending: PendingDelivery, eventId: string, allowLoopback: boolean): Promise<AttemptOutcome> {
  const problem = webhookUrlProblem(pending.url, allowLoopback);
  if (problem) return { responseStatus: null, durationMs: null, error: `not sent: ${problem}` };
  const headers = await webhookHeaders(eventId, Math.floor(Date.now() / 1000), pending.body, pending.secrets);
  const started = Date.now();
  try {
    const response = await fetch(pending.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "pipeline-registry-webhooks/1" },
      body: pending.body,
      // A redirect is the receiver's answer, not a new place to send the event to.
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const text = await readSome(response, RESPONSE_READ_BYTES);
    const outcome = { responseStatus: response.status, durationMs: Date.now() - started };
    return succeeded(outcome) ? outcome : { ...outcome, error: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}` };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return { responseStatus: null, durationMs: Date.now() - started, error: timedOut ? "no answer within 10 s" : String(error) };
  }
}

async function deliver(storage: Storage, message: Message<WebhookMessage>, allowLoopback: boolean): Promise<void> {
  const { workspace, endpoint, event } = message.body;
  const key: OutboxKey = { endpoint, event };
  const webhooks = storage.workspace(workspace).webhooks;
  const pending = await webhooks.pending(key, new Date()).catch((error: unknown) => {
    // A workspace deleted since: nothing to deliver.
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  if (pending?.status !== "enabled" || pending.outboxStatus !== "pending") {
    message.ack();
    return;
  }
  const outcome = await attempt(pending, event, allowLoopback);
  const now = new Date();
  const judged = judgeAttempt(outcome, message.attempts, pending.failingSince, now.getTime());
  await webhooks.recordAttempt(
    key,
    { id: newId(), attempt: message.attempts, status: judged.status, disable: judged.disable, ...outcome },
    now,
  );
  if (judged.retryAfter === null) message.ack();
  else message.retry({ delaySeconds: judged.retryAfter });
}

/** A message the queue gave up on: recorded as a failed attempt, once. */
async function deadLettered(storage: Storage, message: Message<WebhookMessage>): Promise<void> {
  const { workspace, endpoint, event } = message.body;
  const error = "dead-lettered: its handling failed on every try of the queue";
  const record = { id: newId(), attempt: MAX_ATTEMPTS, status: "failed" as const, responseStatus: null, durationMs: null, error };
  await storage.workspace(workspace).webhooks.recordAttempt({ endpoint, event }, record, new Date());
  message.ack();
}

/** The Worker's `queue()` handler, for the webhook queue and its dead-letter queue. */
export async function handleQueue(batch: MessageBatch<WebhookMessage>, env: Env, ctx: ExecutionContext): Promise<void> {
  const store = openStorage(env, { readOnly: false, ...readStorageSettings(env) });
  const allowLoopback = webhookLoopbackAllowed(env);
  const dead = batch.queue.endsWith("-dlq");
  try {
    // A failure of one message (its database call) leaves it to the queue's own retry; the others go on.
    await Promise.all(
      batch.messages.map((message) =>
        (dead ? deadLettered(store.storage, message) : deliver(store.storage, message, allowLoopback)).catch((error: unknown) => {
          console.error(JSON.stringify({ level: "error", event: "webhook_delivery", cause: String(error) }));
          message.retry();
        }),
      ),
    );
  } finally {
    if (store.close) ctx.waitUntil(store.close());
  }
}
