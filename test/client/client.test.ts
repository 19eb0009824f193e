import { exports } from "cloudflare:workers";
import { beforeEach, expect, it } from "vitest";
import { createClient, type NewPipeline, RegistryError } from "../../packages/client/src/index";
import { resetDatabase } from "../support/backend";
import { ADMIN_TOKEN, BASE } from "../support/http";

/** The client package over the Worker itself: every call below is answered by the real app. */

beforeEach(() => resetDatabase());

const worker = (request: Request) => exports.default.fetch(request);

const pipeline = (name: string): NewPipeline => ({ name, stages: [{ name: "gzip", stageType: "compression", algorithm: "gzip" }] });

/** A fetch that notes every request before the Worker answers it. */
function recording(answer: (request: Request, index: number) => Promise<Response> = worker) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request.clone());
    return answer(request, requests.length - 1);
  };
  return { requests, fetch };
}

it("the page iterator reads every pipeline once across pages", async () => {
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch: worker });
  const names = ["a", "b", "c", "d", "e", "f", "g"];
  for (const name of names) await client.pipelines.create(pipeline(name));
  const sizes: number[] = [];
  const seen: string[] = [];
  for await (const page of client.pipelines.list({ limit: 3 })) {
    sizes.push(page.data.length);
    seen.push(...page.data.map((p) => p.name));
  }
  expect(sizes).toEqual([3, 3, 1]);
  expect(seen).toEqual(names);
  expect((await client.pipelines.list({ limit: 2, sort: "-name" }).all()).map((p) => p.name)).toEqual([...names].reverse());
});

it("a 429 with Retry-After: 1 is retried after a second, with the same Idempotency-Key, and the create succeeds", async () => {
  const { requests, fetch } = recording(async (request, index) =>
    index === 0
      ? Response.json(
          { type: "about:blank", title: "Too Many Requests", status: 429, detail: "slow down", requestId: "r" },
          { status: 429, headers: { "Retry-After": "1" } },
        )
      : worker(request),
  );
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch });
  const started = Date.now();
  const created = await client.pipelines.create(pipeline("retried"));
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(created.name).toBe("retried");
  expect(requests).toHaveLength(2);
  const keys = requests.map((request) => request.headers.get("Idempotency-Key"));
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(keys[1]).toBe(keys[0]);
});

it("a Retry-After beyond the longest wait is not waited for: the 429 is thrown at once", async () => {
  const tooLong = async () => new Response(null, { status: 429, headers: { "Retry-After": "60", "X-Request-Id": "req-429" } });
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch: tooLong, retry: { maxDelayMs: 5000 } });
  const started = Date.now();
  const error = await client.pipelines.get("01JD3ZK5Q8W7V6T5S4R3P2N1M0").catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(1000);
  expect(error).toBeInstanceOf(RegistryError);
  expect(error).toMatchObject({ status: 429, requestId: "req-429" });
});

it("each create gets an Idempotency-Key of its own", async () => {
  const { requests, fetch } = recording();
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch });
  await client.pipelines.create(pipeline("one"));
  await client.pipelines.create(pipeline("two"));
  const [first, second] = requests.map((request) => request.headers.get("Idempotency-Key"));
  expect(first).toBeTruthy();
  expect(second).toBeTruthy();
  expect(second).not.toBe(first);
});

it("the consistency token of each response is sent back with the next request", async () => {
  const received: (string | null)[] = [];
  const { requests, fetch } = recording(async (request) => {
    const response = await worker(request);
    received.push(response.headers.get("X-Consistency-Token"));
    return response;
  });
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch });
  const created = await client.pipelines.create(pipeline("mine"));
  await client.pipelines.get(created.id);
  await client.pipelines.count();
  const sent = requests.map((request) => request.headers.get("X-Consistency-Token"));
  expect(sent[0]).toBeNull();
  expect(received[0]).toBeTruthy();
  expect(sent[1]).toBe(received[0]);
  expect(sent[2]).toBe(received[1]);
  expect(client.consistencyToken).toBe(received[2]);
});

it("a refusal is a RegistryError with the problem's status, type, title, detail, errors and request id", async () => {
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch: worker });
  const error = await client.pipelines
    .create({ name: "bad", stages: [{ name: "zip", stageType: "compression", algorithm: "zip" }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryError);
  const problem = error as RegistryError;
  expect(problem.status).toBe(400);
  expect(problem.type).toMatch(/validation/);
  expect(problem.title).toBeTruthy();
  expect(problem.detail).toBeTruthy();
  expect(problem.errors.map((issue) => issue.path)).toContain("/stages/0/algorithm");
  expect(problem.requestId).toMatch(/\S/);
});

it("a conditional write with a stale version is refused with a 412 and changes nothing", async () => {
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch: worker });
  const created = await client.pipelines.create(pipeline("guarded"));
  await client.pipelines.patch(created.id, { configuration: { owner: "a" } }, { ifMatch: created.version });
  const stale = await client.pipelines
    .patch(created.id, { configuration: { owner: "b" } }, { ifMatch: created.version })
    .catch((e: unknown) => e);
  expect(stale).toMatchObject({ status: 412 });
  expect((await client.pipelines.get(created.id)).configuration).toEqual({ owner: "a" });
});

it("history, one revision, a diff and a rollback go through the client", async () => {
  const client = createClient({ url: BASE, token: ADMIN_TOKEN, fetch: worker });
  const created = await client.pipelines.create(pipeline("versions"));
  await client.pipelines.patch(created.id, { configuration: { env: "prod" } });
  const versions = (await client.pipelines.revisions(created.id, { limit: 1 }).all()).map((revision) => revision.version);
  expect(versions).toEqual([2, 1]);
  expect((await client.pipelines.revision(created.id, 1)).pipeline.configuration).toEqual({});
  expect((await client.pipelines.diff(created.id, 1, 2)).operations).toEqual([{ op: "add", path: "/configuration/env", value: "prod" }]);
  const rolledBack = await client.pipelines.rollback(created.id, 1, { ifMatch: 2 });
  expect(rolledBack).toMatchObject({ version: 3, configuration: {} });
});
