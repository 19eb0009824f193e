import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import { beforeEach, expect, it } from "vitest";
import type { AppType } from "../../src/index";
import { resetDatabase } from "../support/backend";
import { ADMIN_TOKEN } from "../support/http";

beforeEach(() => resetDatabase());

const worker = (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init));

it("hono/client gives a typed client of the app", async () => {
  const client = hc<AppType>("https://registry.test", {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    fetch: worker,
  });
  const created = await client.v1.workspaces[":workspace"].pipelines.$post({
    param: { workspace: "default" },
    json: { name: "typed", stages: [{ name: "gzip", stageType: "compression", algorithm: "gzip" }] },
  });
  expect(created.status).toBe(201);
  await client.v1.workspaces[":workspace"].pipelines.$post({
    param: { workspace: "default" },
    // @ts-expect-error the body is typed: stageType is one of five
    json: { name: "untyped", stages: [{ name: "a", stageType: "zip", algorithm: "a" }] },
  });
  const pipeline = await created.json();
  expect(pipeline.stages[0]?.algorithm).toBe("gzip");
  const page = await (await client.v1.workspaces[":workspace"].pipelines.$get({ param: { workspace: "default" } })).json();
  expect(page.data.map((p) => p.name)).toEqual(["typed"]);
  const count = await (await client.v1.workspaces[":workspace"].pipelines.count.$get({ param: { workspace: "default" } })).json();
  expect(count.count).toBe(1);
});

/** The consistentFetch of docs/client.md, over the Worker: the newest token seen goes back with each request. */
function consistentFetch(fetcher: typeof worker): typeof worker {
  let consistency: string | null = null;
  return async (input, init) => {
    const request = new Request(input, init);
    if (consistency) request.headers.set("X-Consistency-Token", consistency);
    const response = await fetcher(request);
    const token = response.headers.get("X-Consistency-Token");
    if (token && (consistency === null || token > consistency)) consistency = token;
    return response;
  };
}

it("the typed client, with the fetch of docs/client.md, sends back the consistency token of its last response, so it reads its own writes", async () => {
  const sent: (string | null)[] = [];
  const received: (string | null)[] = [];
  const recording = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push(request.headers.get("X-Consistency-Token"));
    const response = await worker(request);
    received.push(response.headers.get("X-Consistency-Token"));
    return response;
  };
  const client = hc<AppType>("https://registry.test", {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    fetch: consistentFetch(recording),
  });
  const created = await client.v1.workspaces[":workspace"].pipelines.$post({
    param: { workspace: "default" },
    json: { name: "mine", stages: [{ name: "s", stageType: "transform", algorithm: "t" }] },
  });
  expect(created.status).toBe(201);
  const read = await client.v1.workspaces[":workspace"].pipelines[":id"].$get({
    param: { workspace: "default", id: (await created.json()).id },
  });
  expect(read.status).toBe(200);
  expect(sent[0]).toBeNull();
  expect(received[0]).toMatch(/^[0-9a-f]{8}-/);
  expect(sent[1]).toBe(received[0]);
});
