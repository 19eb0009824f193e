import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { RETRY_DELAYS_SECONDS } from "../../src/domain/webhook";
import worker from "../../src/index";
import { SWEEP_CRON } from "../../src/jobs/scheduled";
import { onPostgres, resetDatabase, sqlRows } from "../support/backend";
import { call, callWith, createPipeline, pipelineBody } from "../support/http";
import {
  createEndpoint,
  outbox,
  PIPELINES,
  quiet,
  quietApp,
  quietChange,
  received,
  receivedAtLeast,
  receiverUrl,
  runQueue,
  verified,
  WEBHOOKS,
} from "../support/webhooks";

/**
 * Webhook deliveries (docs/webhooks.md), end to end: the Worker's real queue handler on real
 * message batches, POSTing to a real HTTP server (test/node/support/webhook-receiver.ts), every
 * delivery verified there with the standardwebhooks package.
 */

beforeEach(resetDatabase);

/** The workspace's `webhook.disabled` audit events. */
const disabledEvents = async () => (await call("GET", "/v1/workspaces/default/audit-events?action=webhook.disabled")).body.data;
const deliveriesOf = async (id: string) => (await call("GET", `${WEBHOOKS}/${id}/deliveries`)).body.data;
const at = (ms: number) => (onPostgres ? new Date(ms).toISOString() : ms);

describe("webhook delivery", () => {
  it("reaches a registered endpoint through the queue after a write, signed so that standardwebhooks verifies it", async () => {
    const receiver = receiverUrl();
    const endpoint = await createEndpoint(receiver.url);
    const pipeline = await createPipeline("pushed");
    const deliveries = await receivedAtLeast(receiver.name, 1);
    const [payload] = verified(deliveries, endpoint.secret);
    expect(payload?.type).toBe("pipeline.created");
    expect(payload?.data).toMatchObject({ type: "pipeline.created", resource: { type: "pipeline", id: pipeline.id }, version: 1 });
    expect(payload?.data.pipeline).toEqual((await call("GET", `${PIPELINES}/${pipeline.id}`)).body);
    expect(deliveries[0]?.headers["webhook-id"]).toBe(payload?.data.id);
    expect(Math.abs(Number(deliveries[0]?.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    const shown = await call("GET", `${WEBHOOKS}/${endpoint.id}`);
    expect(shown.body.lastDelivery).toMatchObject({ eventId: payload?.data.id, attempt: 1, status: "succeeded", responseStatus: 204 });
    expect((await outbox()).every((row) => row.sent)).toBe(true);
  });

  it("sends every outbox row of a write after it, when they fill more than one queue batch", async () => {
    const receivers = [receiverUrl(), receiverUrl()];
    for (const receiver of receivers) await createEndpoint(receiver.url);
    const pipelines = Array.from({ length: 60 }, (_, i) => pipelineBody(`many-${i}`));
    expect((await call("POST", `${PIPELINES}/import`, { body: { pipelines } })).status).toBe(201);
    for (const receiver of receivers) expect(await receivedAtLeast(receiver.name, 60)).toHaveLength(60);
    const rows = await outbox();
    expect(rows).toHaveLength(120);
    expect(rows.every((row) => row.sent)).toBe(true);
  });

  it("retries a receiver that fails its first attempts with growing delays, under the same webhook-id, until it takes the event", async () => {
    const receiver = receiverUrl("fail=2");
    const endpoint = await createEndpoint(receiver.url);
    const message = await quietChange();
    expect((await runQueue([{ body: message, attempts: 1 }])).delays).toEqual([60]);
    expect((await runQueue([{ body: message, attempts: 2 }])).delays).toEqual([300]);
    const last = await runQueue([{ body: message, attempts: 3 }]);
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toHaveLength(1);
    const deliveries = await received(receiver.name);
    expect(verified(deliveries, endpoint.secret)).toHaveLength(3);
    expect(new Set(deliveries.map((d) => d.headers["webhook-id"]))).toEqual(new Set([message.event]));
    const attempts = await deliveriesOf(endpoint.id);
    expect(attempts.map((d: { attempt: number; status: string }) => [d.attempt, d.status])).toEqual([
      [3, "succeeded"],
      [2, "pending"],
      [1, "pending"],
    ]);
    expect(attempts[2]).toMatchObject({ eventId: message.event, responseStatus: 500, error: "HTTP 500: receiver says no" });
    // A late duplicate of the message finds the delivery done.
    await runQueue([{ body: message, attempts: 4 }]);
    expect(await received(receiver.name)).toHaveLength(3);
    expect((await call("GET", `${WEBHOOKS}/${endpoint.id}`)).body.failingSince).toBeUndefined();
  });

  it("records a delivery that fails on every attempt as failed, and disables an endpoint failing for three days", async () => {
    const receiver = receiverUrl("fail=always");
    const endpoint = await createEndpoint(receiver.url);
    const message = await quietChange();
    const delays: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= 11; attempt++) delays.push(...(await runQueue([{ body: message, attempts: attempt }])).delays);
    // Growing delays, twelve attempts spread over more than three days.
    expect(delays).toEqual([...RETRY_DELAYS_SECONDS]);
    expect(delays.every((delay, i) => i === 0 || (delay ?? 0) >= (delays[i - 1] ?? 0))).toBe(true);
    expect(delays.reduce((sum: number, delay) => sum + (delay ?? 0), 0)).toBeGreaterThan(3 * 86_400);
    const last = await runQueue([{ body: message, attempts: 12 }]);
    expect(last.retryMessages).toEqual([]);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ attempt: 12, status: "failed", responseStatus: 500 });
    expect(verified(await received(receiver.name), endpoint.secret)).toHaveLength(12);
    const failing = (await call("GET", `${WEBHOOKS}/${endpoint.id}`)).body;
    expect(failing.status).toBe("enabled");
    expect(failing.failingSince).toEqual(expect.any(String));
    // Its first failure three days and a minute ago: the next failure disables it.
    await sqlRows("UPDATE webhook_endpoints SET failing_since = ?", at(Date.now() - 3 * 86_400_000 - 60_000));
    expect(
      (await quiet("PATCH", `${PIPELINES}/${(await call("GET", PIPELINES)).body.data[0].id}`, { configuration: { a: "b" } })).status,
    ).toBe(200);
    const next = (await outbox()).find((row) => row.event !== message.event);
    if (!next) throw new Error("no outbox row for the patch");
    expect((await runQueue([{ body: next, attempts: 1 }])).retryMessages).toEqual([]);
    expect((await call("GET", `${WEBHOOKS}/${endpoint.id}`)).body).toMatchObject({ status: "disabled", disabledReason: "failing" });
    expect(await disabledEvents()).toEqual([expect.objectContaining({ actor: { type: "system", id: null }, version: null })]);
    // A disabled endpoint gets no new rows.
    const rows = (await outbox()).length;
    await quiet("POST", PIPELINES, pipelineBody("after-disabling"));
    expect(await outbox()).toHaveLength(rows);
  });

  it("disables an endpoint at once when its receiver answers 410", async () => {
    const receiver = receiverUrl("fail=always&status=410");
    const endpoint = await createEndpoint(receiver.url);
    const message = await quietChange();
    const result = await runQueue([{ body: message, attempts: 1 }]);
    expect(result.retryMessages).toEqual([]);
    expect((await call("GET", `${WEBHOOKS}/${endpoint.id}`)).body).toMatchObject({ status: "disabled", disabledReason: "gone" });
    expect(await deliveriesOf(endpoint.id)).toEqual([expect.objectContaining({ attempt: 1, status: "failed", responseStatus: 410 })]);
    expect(await disabledEvents()).toEqual([
      expect.objectContaining({
        actor: { type: "system", id: null },
        resource: { type: "webhook", id: endpoint.id },
        requestId: "internal",
      }),
    ]);
    // Enabled again by hand, it starts afresh.
    const enabled = await call("PATCH", `${WEBHOOKS}/${endpoint.id}`, { body: { status: "enabled" } });
    expect(enabled.body.disabledReason).toBeUndefined();
    expect(enabled.body.failingSince).toBeUndefined();
  });

  it("records one webhook.disabled when two attempts at once are both answered 410", async () => {
    const receiver = receiverUrl("fail=always&status=410");
    const endpoint = await createEndpoint(receiver.url);
    await quietChange("first");
    expect((await quiet("POST", PIPELINES, pipelineBody("second"))).status).toBe(201);
    const rows = await outbox();
    expect(rows).toHaveLength(2);
    // One batch: both attempts read the endpoint enabled before either records what it came to.
    await runQueue(rows.map(({ sent: _, ...body }) => ({ body, attempts: 1 })));
    expect(await deliveriesOf(endpoint.id)).toHaveLength(2);
    expect(await disabledEvents()).toHaveLength(1);
  });

  it("signs with both the new and the old secret during a rotation", async () => {
    const receiver = receiverUrl();
    const endpoint = await createEndpoint(receiver.url);
    const rotated = (await call("POST", `${WEBHOOKS}/${endpoint.id}/rotate-secret`)).body;
    await runQueue([{ body: await quietChange(), attempts: 1 }]);
    const deliveries = await received(receiver.name);
    expect(deliveries[0]?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(verified(deliveries, rotated.secret)).toHaveLength(1);
    expect(verified(deliveries, endpoint.secret)).toHaveLength(1);
    expect(() => new Webhook(`whsec_${btoa("x".repeat(32))}`).verify(deliveries[0]?.body ?? "", deliveries[0]?.headers ?? {})).toThrow();
    // Past the old secret's 24 hours, the new one signs alone.
    await sqlRows("UPDATE webhook_endpoints SET previous_secret_until = ?", at(Date.now() - 1000));
    await runQueue([{ body: { ...(await quietChange("second")), event: (await outbox())[1]?.event ?? "" }, attempts: 1 }]);
    const second = (await received(receiver.name))[1];
    expect(second?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(verified([second as never], rotated.secret)).toHaveLength(1);
  });

  it("sends at once a ping, which the receiver verifies", async () => {
    const receiver = receiverUrl();
    const endpoint = await createEndpoint(receiver.url);
    const ping = await call("POST", `${WEBHOOKS}/${endpoint.id}/ping`);
    expect(ping.status).toBe(202);
    const [payload] = verified(await receivedAtLeast(receiver.name, 1), endpoint.secret);
    expect(payload).toMatchObject({
      type: "webhook.ping",
      data: { id: ping.body.eventId, type: "webhook.ping", webhook: { id: endpoint.id } },
    });
    expect((await receivedAtLeast(receiver.name, 1))[0]?.headers["webhook-id"]).toBe(ping.body.eventId);
  });

  it("sweeps from the cron the rows whose message was never sent", async () => {
    const receiver = receiverUrl();
    const endpoint = await createEndpoint(receiver.url);
    const message = await quietChange();
    expect((await outbox())[0]?.sent).toBe(false);
    const ctx = createExecutionContext();
    // Younger than a minute, a row is left to the write that made it.
    await worker.scheduled(createScheduledController({ cron: SWEEP_CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await outbox())[0]?.sent).toBe(false);
    await sqlRows("UPDATE webhook_outbox SET created_at = ?", at(Date.now() - 120_000));
    await worker.scheduled(createScheduledController({ cron: SWEEP_CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await outbox())[0]?.sent).toBe(true);
    const [payload] = verified(await receivedAtLeast(receiver.name, 1), endpoint.secret);
    expect(payload?.data.id).toBe(message.event);
  });

  it("makes no outbox row for a refused write, nor for an event of a type the endpoint does not take", async () => {
    await createEndpoint("https://hooks.example.com/deletes", { types: ["pipeline.deleted"] });
    const id = (await quiet("POST", PIPELINES, pipelineBody("typed"))).body.id;
    expect(await outbox()).toEqual([]);
    await createEndpoint("https://hooks.example.com/all", { types: ["pipeline.*"] });
    expect(
      (
        await callWith((r) => quietApp.fetch(r, env), "PATCH", `${PIPELINES}/${id}`, {
          body: { name: "x" },
          headers: { "If-Match": '"9"' },
        })
      ).status,
    ).toBe(412);
    expect((await quiet("POST", PIPELINES, pipelineBody("typed"))).status).toBe(409);
    expect((await quiet("POST", PIPELINES, { name: " bad", stages: [] })).status).toBe(400);
    expect(await outbox()).toEqual([]);
    expect((await quiet("DELETE", `${PIPELINES}/${id}`)).status).toBe(204);
    expect(await outbox()).toHaveLength(2);
  });

  it("judges the URL again before each attempt, and delivers nothing for an endpoint deleted since", async () => {
    const endpoint = await createEndpoint(receiverUrl().url);
    const message = await quietChange();
    await sqlRows("UPDATE webhook_endpoints SET url = 'https://10.0.0.1/x'");
    expect((await runQueue([{ body: message, attempts: 1 }])).retryMessages).toHaveLength(1);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({
      responseStatus: null,
      durationMs: null,
      error: expect.stringMatching(/^not sent: /),
    });
    expect((await call("DELETE", `${WEBHOOKS}/${endpoint.id}`)).status).toBe(204);
    const after = await runQueue([{ body: message, attempts: 2 }]);
    expect(after.explicitAcks).toHaveLength(1);
    expect(await sqlRows("SELECT 1 FROM webhook_deliveries")).toEqual([]);
  });

  it("records a dead-lettered message as a failed delivery", async () => {
    const endpoint = await createEndpoint(receiverUrl().url);
    const message = await quietChange();
    expect((await runQueue([{ body: message, attempts: 1 }], "pipeline-registry-webhooks-dlq")).explicitAcks).toHaveLength(1);
    expect(await deliveriesOf(endpoint.id)).toEqual([
      expect.objectContaining({ status: "failed", error: expect.stringMatching(/^dead-lettered/) }),
    ]);
  });
});
