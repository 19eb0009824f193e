import { beforeEach, describe, expect, it } from "vitest";
import { countingApp, resetDatabase } from "../support/backend";
import { call, callWith, pipelineBody } from "../support/http";

beforeEach(() => resetDatabase());

const create = (key: string | undefined, body: unknown, path = "/v1/workspaces/default/pipelines") =>
  call("POST", path, { body, headers: key === undefined ? {} : { "Idempotency-Key": key } });

describe("Idempotency-Key on creates", () => {
  it("replays the first response for the same key and body, creating once", async () => {
    const first = await create("key-1", pipelineBody("idem"));
    expect(first.status).toBe(201);
    const again = await create("key-1", pipelineBody("idem"));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(again.headers.get("ETag")).toBe('"1"');
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await call("GET", "/v1/workspaces/default/pipelines/count")).body).toEqual({ count: 1 });
  });

  it("gives 422 for the same key with a different body, and changes nothing", async () => {
    await create("key-2", pipelineBody("idem"));
    const other = await create("key-2", pipelineBody("different"));
    expect(other.status).toBe(422);
    expect(other.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await call("GET", "/v1/workspaces/default/pipelines/count")).body).toEqual({ count: 1 });
  });

  it("works for imports, and keeps keys of different endpoints apart", async () => {
    const body = { pipelines: [pipelineBody("i1"), pipelineBody("i2")] };
    const first = await create("key-3", body, "/v1/workspaces/default/pipelines/import");
    const again = await create("key-3", body, "/v1/workspaces/default/pipelines/import");
    expect(again.body).toEqual(first.body);
    expect((await create("key-3", pipelineBody("i3"))).status).toBe(422);
    expect((await call("GET", "/v1/workspaces/default/pipelines/count")).body).toEqual({ count: 2 });
  });

  it("creates once when two requests race with one key", async () => {
    const replies = await Promise.all(Array.from({ length: 5 }, () => create("race", pipelineBody("raced"))));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect((await call("GET", "/v1/workspaces/default/pipelines/count")).body).toEqual({ count: 1 });
  });

  it("rejects a malformed key, and without a key creates as usual", async () => {
    expect((await create("has space", pipelineBody("x"))).status).toBe(400);
    expect((await create("k".repeat(256), pipelineBody("x"))).status).toBe(400);
    expect((await create(undefined, pipelineBody("x"))).status).toBe(201);
    expect((await create(undefined, pipelineBody("x"))).status).toBe(409);
  });

  it("costs one database call, first time and replay alike", async () => {
    const counter = countingApp();
    const fetcher = (request: Request) => counter.fetch(request);
    for (const expected of ["created", "replayed"]) {
      counter.reset();
      const reply = await callWith(fetcher, "POST", "/v1/workspaces/default/pipelines", {
        body: pipelineBody("counted"),
        headers: { "Idempotency-Key": "k" },
      });
      expect({ expected, status: reply.status, calls: counter.calls }).toEqual({ expected, status: 201, calls: 1 });
    }
  });
});
