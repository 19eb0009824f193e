import { exports } from "cloudflare:workers";
import { hc } from "hono/client";
import { beforeEach, expect, it } from "vitest";
import type { AppType } from "../../src/index";
import { resetDatabase } from "../support/database";
import { ADMIN_TOKEN } from "../support/http";

beforeEach(() => resetDatabase());

it("hono/client gives a typed client of the app", async () => {
  const client = hc<AppType>("https://registry.test", {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
  });
  const created = await client.v1.pipelines.$post({
    json: { name: "typed", stages: [{ name: "gzip", stageType: "compression", algorithm: "gzip" }] },
  });
  expect(created.status).toBe(201);
  // @ts-expect-error the body is typed: stageType is one of five
  await client.v1.pipelines.$post({ json: { name: "untyped", stages: [{ name: "a", stageType: "zip", algorithm: "a" }] } });
  const pipeline = await created.json();
  expect(pipeline.stages[0]?.algorithm).toBe("gzip");
  const page = await (await client.v1.pipelines.$get({ query: {} })).json();
  expect(page.data.map((p) => p.name)).toEqual(["typed"]);
  const count = await (await client.v1.pipelines.count.$get({ query: {} })).json();
  expect(count.count).toBe(1);
});
