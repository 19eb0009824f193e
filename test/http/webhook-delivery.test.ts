import { beforeEach, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { call, createPipeline } from "../support/http";
import { createEndpoint, receivedAtLeast, receiverUrl, verified, WEBHOOKS } from "../support/webhooks";

beforeEach(resetDatabase);

it("a pipeline write reaches a registered endpoint through the queue, signed so that standardwebhooks verifies it", async () => {
  const receiver = receiverUrl();
  const endpoint = await createEndpoint(receiver.url);
  const pipeline = await createPipeline("pushed");
  const deliveries = await receivedAtLeast(receiver.name, 1);
  const [payload] = verified(deliveries, endpoint.secret);
  expect(payload?.type).toBe("pipeline.created");
  expect(payload?.data).toMatchObject({ type: "pipeline.created", resource: { type: "pipeline", id: pipeline.id }, version: 1 });
  expect(deliveries[0]?.headers["webhook-id"]).toBe(payload?.data.id);
  const shown = await call("GET", `${WEBHOOKS}/${endpoint.id}`);
  expect(shown.body.lastDelivery).toMatchObject({ eventId: payload?.data.id, attempt: 1, status: "succeeded", responseStatus: 204 });
});
