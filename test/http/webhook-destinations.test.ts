import { beforeEach, describe, expect, it } from "vitest";
import { DELIVERY_TIMEOUT_MS, RESPONSE_READ_BYTES } from "../../src/domain/webhook";
import { resetDatabase } from "../support/backend";
import { call, pipelineBody } from "../support/http";
import { createEndpoint, outbox, PIPELINES, quiet, received, receiverUrl, runQueue, WEBHOOKS } from "../support/webhooks";

/**
 * Hostile receivers (test/node/support/webhook-receiver.ts): a redirect is an answer, not a new
 * place to send to; an answer's body is read for a few KiB at most; a receiver that stalls, before
 * its answer or inside its body, holds an attempt no longer than the delivery timeout.
 */

beforeEach(resetDatabase);

/** One change for every endpoint registered, each endpoint's message run through the queue handler at once. */
async function deliverOnce() {
  expect((await quiet("POST", PIPELINES, pipelineBody("hostile"))).status).toBe(201);
  const messages = (await outbox()).map(({ workspace, endpoint, event }) => ({ body: { workspace, endpoint, event }, attempts: 1 }));
  const started = Date.now();
  const result = await runQueue(messages);
  return { ...result, ms: Date.now() - started };
}

const lastDelivery = async (id: string) => (await call("GET", `${WEBHOOKS}/${id}`)).body.lastDelivery;

describe("webhook destinations", () => {
  it("does not follow a redirect: the attempt fails with its status, and the place it names gets nothing", async () => {
    const receiver = receiverUrl("redirect=1");
    const endpoint = await createEndpoint(receiver.url);
    const { retryMessages } = await deliverOnce();
    expect(retryMessages).toHaveLength(1);
    expect(await lastDelivery(endpoint.id)).toMatchObject({ status: "pending", responseStatus: 302 });
    expect(await received(`${receiver.name}-moved`)).toEqual([]);
  });

  it("reads a few KiB of an answer whose body never ends, and records the attempt failed with its start", async () => {
    const endpoint = await createEndpoint(receiverUrl("endless=1").url);
    const { retryMessages } = await deliverOnce();
    expect(retryMessages).toHaveLength(1);
    const delivery = await lastDelivery(endpoint.id);
    expect(delivery).toMatchObject({ responseStatus: 500 });
    expect(delivery.error).toMatch(/^HTTP 500: x+$/);
    expect(delivery.error.length).toBeLessThan(RESPONSE_READ_BYTES);
  });

  it("gives up within the timeout on a receiver that answers nothing, and on one that trickles its body", async () => {
    const silent = await createEndpoint(receiverUrl(`slow=${DELIVERY_TIMEOUT_MS + 5_000}`).url);
    const trickling = await createEndpoint(receiverUrl("trickle=1").url);
    const { retryMessages, ms } = await deliverOnce();
    expect(retryMessages).toHaveLength(2);
    expect(ms).toBeLessThan(DELIVERY_TIMEOUT_MS + 3_000);
    for (const endpoint of [silent, trickling])
      expect(await lastDelivery(endpoint.id)).toMatchObject({ status: "pending", error: "no answer within 10 s" });
  }, 30_000);
});
