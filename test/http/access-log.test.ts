import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createApp } from "../../src/http/app";
import { resetDatabase } from "../support/backend";
import { callWith, createPipeline } from "../support/http";

const app = createApp();
// Captured, not printed: the test output stays quiet.
const logged = vi.spyOn(console, "log").mockImplementation(() => undefined);
const withLog = (request: Request) => app.fetch(request, { ...env, ACCESS_LOG: "on" });

beforeEach(async () => {
  await resetDatabase();
  logged.mockClear();
});
afterEach(() => logged.mockClear());

it("logs one structured line per request: request id, method, route, status, duration and D1 calls", async () => {
  const pipeline = await createPipeline("logged");
  logged.mockClear();
  const reply = await callWith(withLog, "GET", `/v1/workspaces/default/pipelines/${pipeline.id}`, {
    headers: { "X-Request-Id": "trace-1" },
  });
  expect(reply.status).toBe(200);
  expect(logged).toHaveBeenCalledTimes(1);
  expect(logged.mock.calls[0]?.[0]).toEqual({
    message: "request",
    requestId: "trace-1",
    method: "GET",
    route: "/v1/workspaces/:workspace/pipelines/:id",
    path: `/v1/workspaces/default/pipelines/${pipeline.id}`,
    status: 200,
    durationMs: expect.any(Number),
    dbCalls: 1,
  });
});

it("logs refused and unknown requests too, with no D1 call", async () => {
  await callWith(withLog, "GET", "/v1/workspaces/default/pipelines", { token: null });
  await callWith(withLog, "GET", "/nowhere");
  expect(logged.mock.calls.map(([line]) => [line.status, line.dbCalls])).toEqual([
    [401, 0],
    [404, 0],
  ]);
});

it("says nothing when ACCESS_LOG is off, as in the other tests", async () => {
  await createPipeline("quiet");
  expect(logged).not.toHaveBeenCalled();
});
