import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { expect, inject } from "vitest";
import { createApp } from "../../src/http/app";
import worker from "../../src/index";
import type { WebhookMessage } from "../../src/jobs/webhook-outbox";
import { sqlRows } from "./backend";
import { call, callWith, pipelineBody } from "./http";

/** Webhook tests' helpers: the real receiver (test/node/support/webhook-receiver.ts), endpoints, and the queue handler run on real batches. */

export const WEBHOOKS = "/v1/workspaces/default/webhooks";
export const QUEUE = "pipeline-registry-webhooks";
export const PIPELINES = "/v1/workspaces/default/pipelines";

/** The app without an execution context: its writes make outbox rows and send none of them (the sweep's case). */
export const quietApp = createApp();
export const quiet = (method: string, path: string, body?: unknown) => callWith((r) => quietApp.fetch(r, env), method, path, { body });

/** The outbox rows, as messages for the queue. */
export async function outbox() {
  const rows = await sqlRows<{ endpoint_id: string; event_id: string; sent_at: unknown }>(
    "SELECT endpoint_id, event_id, sent_at FROM webhook_outbox ORDER BY created_at, event_id",
  );
  return rows.map((row) => ({ workspace: "default", endpoint: row.endpoint_id, event: row.event_id, sent: row.sent_at !== null }));
}

/** A change made quietly, and its one outbox row's message. */
export async function quietChange(name = "quiet") {
  expect((await quiet("POST", PIPELINES, pipelineBody(name))).status).toBe(201);
  const [row] = await outbox();
  if (!row) throw new Error("no outbox row");
  return { workspace: row.workspace, endpoint: row.endpoint, event: row.event };
}

let receivers = 0;
/** A receiver's URL of its own for this test, answering as `behaviour` says (`fail=2`, `fail=always&status=410`). */
export function receiverUrl(behaviour = ""): { url: string; name: string } {
  const name = `r${Date.now().toString(36)}${receivers++}`;
  return { url: `${inject("webhookReceiver")}/r/${name}${behaviour ? `?${behaviour}` : ""}`, name };
}

export interface Received {
  headers: Record<string, string>;
  body: string;
}

/** What receiver `name` has been sent so far. */
export async function received(name: string): Promise<Received[]> {
  const response = await fetch(`${inject("webhookReceiver")}/log/${name}`);
  return (await response.json()) as Received[];
}

/** Waits until receiver `name` holds at least `count` deliveries (the queue's own consumer at work). */
export async function receivedAtLeast(name: string, count: number, timeoutMs = 15_000): Promise<Received[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await received(name);
    if (got.length >= count || Date.now() > until) return got;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Each delivery checked as a receiver would, with the standardwebhooks package: the payloads. */
export function verified(deliveries: Received[], secret: string): { type: string; timestamp: string; data: Record<string, unknown> }[] {
  const hook = new Webhook(secret);
  return deliveries.map(
    (delivery) => hook.verify(delivery.body, delivery.headers) as { type: string; timestamp: string; data: Record<string, unknown> },
  );
}

/** A new endpoint: its id and secret. */
export async function createEndpoint(url: string, extra: object = {}): Promise<{ id: string; secret: string }> {
  const created = await call("POST", WEBHOOKS, { body: { url, ...extra } });
  expect(created.status).toBe(201);
  return created.body;
}

/**
 * Runs the Worker's queue handler on a real batch of these messages, each at its attempt: what
 * it acked and retried, and the delay of each retry (which the plugin's result leaves out, so
 * each message's retry is observed on its way through).
 */
export async function runQueue(messages: { body: WebhookMessage; attempts: number }[], queue = QUEUE) {
  const batch = createMessageBatch<WebhookMessage>(
    queue,
    messages.map((message, i) => ({ id: `m${i}-${Date.now()}`, timestamp: new Date(), ...message })),
  );
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options?: QueueRetryOptions) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), delays };
}
