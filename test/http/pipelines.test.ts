import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { call, createPipeline, metricsBody, pipelineBody, stage } from "../support/http";

beforeEach(() => resetDatabase());

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function expectProblem(reply: { status: number; headers: Headers; body: Record<string, unknown> }, status: number) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get("Content-Type")).toBe("application/problem+json");
  expect(reply.body).toMatchObject({ status, requestId: reply.headers.get("X-Request-Id") });
  expect(typeof reply.body.type).toBe("string");
  expect(typeof reply.body.title).toBe("string");
  expect(typeof reply.body.detail).toBe("string");
}

describe("create and read", () => {
  it("creates a pipeline: 201 with Location, ETag and the stored pipeline", async () => {
    const created = await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("nightly-backup") });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(ULID);
    expect(created.headers.get("Location")).toBe(`/v1/workspaces/default/pipelines/${created.body.id}`);
    expect(created.headers.get("ETag")).toBe('"1"');
    expect(created.body).toMatchObject({ name: "nightly-backup", archived: false, version: 1, configuration: { env: "prod" } });
    expect(created.body.stages[0]).toMatchObject({
      name: "compress",
      stageType: "compression",
      algorithm: "zstd",
      enabled: true,
      parallelProcessing: false,
      chunkSize: null,
      order: 0,
      parameters: { level: "3" },
    });
    expect(created.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const fetched = await call("GET", `/v1/workspaces/default/pipelines/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("ETag")).toBe('"1"');
    expect(fetched.body).toEqual(created.body);
  });

  it("answers HEAD with 200 or 404 and no body", async () => {
    const { id } = await createPipeline("head");
    const found = await call("HEAD", `/v1/workspaces/default/pipelines/${id}`);
    expect(found.status).toBe(200);
    expect(found.text).toBe("");
    const missing = await call("HEAD", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0");
    expect(missing.status).toBe(404);
    expect(missing.text).toBe("");
  });

  it("gives 304 for a matching If-None-Match and 200 otherwise", async () => {
    const { id } = await createPipeline("cached");
    const same = await call("GET", `/v1/workspaces/default/pipelines/${id}`, { headers: { "If-None-Match": '"1"' } });
    expect(same.status).toBe(304);
    expect(same.text).toBe("");
    expect(same.headers.get("ETag")).toBe('"1"');
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}`, { headers: { "If-None-Match": 'W/"1"' } })).status).toBe(304);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}`, { headers: { "If-None-Match": "*" } })).status).toBe(304);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}`, { headers: { "If-None-Match": '"2", "3"' } })).status).toBe(200);
  });

  it("gives 404 problem+json for an unknown or malformed id", async () => {
    expectProblem(await call("GET", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0"), 404);
    expectProblem(await call("GET", "/v1/workspaces/default/pipelines/not-an-id"), 404);
    expectProblem(await call("GET", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0/metrics"), 404);
  });

  it("gives 409 for a name an active pipeline has", async () => {
    await createPipeline("taken");
    expectProblem(await call("POST", "/v1/workspaces/default/pipelines", { body: pipelineBody("taken") }), 409);
  });

  it("imports pipelines all or nothing", async () => {
    const imported = await call("POST", "/v1/workspaces/default/pipelines/import", {
      body: { pipelines: [pipelineBody("one"), pipelineBody("two")] },
    });
    expect(imported.status).toBe(201);
    expect(imported.body.data.map((p: { name: string }) => p.name)).toEqual(["one", "two"]);

    const clash = await call("POST", "/v1/workspaces/default/pipelines/import", {
      body: { pipelines: [pipelineBody("three"), pipelineBody("one")] },
    });
    expectProblem(clash, 409);
    expect((await call("GET", "/v1/workspaces/default/pipelines/count")).body).toEqual({ count: 2 });

    const twice = await call("POST", "/v1/workspaces/default/pipelines/import", {
      body: { pipelines: [pipelineBody("x"), pipelineBody("x")] },
    });
    expectProblem(twice, 400);
    expect(twice.body.errors).toContainEqual({ path: "/pipelines/1/name", message: expect.stringContaining("twice") });
    expectProblem(await call("POST", "/v1/workspaces/default/pipelines/import", { body: { pipelines: [] } }), 400);
    const tooMany = Array.from({ length: 101 }, (_, i) => pipelineBody(`p${i}`, { stages: [stage("s")] }));
    expectProblem(await call("POST", "/v1/workspaces/default/pipelines/import", { body: { pipelines: tooMany } }), 400);
  });
});

describe("replace, patch and delete", () => {
  it("replaces a pipeline, keeping stages that carry their id", async () => {
    const created = await createPipeline("replace");
    const [compress] = created.stages;
    const replaced = await call("PUT", `/v1/workspaces/default/pipelines/${created.id}`, {
      headers: { "If-Match": '"1"' },
      body: {
        name: "replaced",
        configuration: { tier: "gold" },
        stages: [stage("hash", "checksum", "sha256"), { id: compress.id, name: "compress", stageType: "compression", algorithm: "gzip" }],
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get("ETag")).toBe('"2"');
    expect(replaced.body).toMatchObject({ name: "replaced", version: 2, configuration: { tier: "gold" } });
    expect(replaced.body.stages.map((s: { name: string }) => s.name)).toEqual(["hash", "compress"]);
    expect(replaced.body.stages[1]).toMatchObject({ id: compress.id, createdAt: compress.createdAt, algorithm: "gzip", order: 1 });
  });

  it("gives 412 for a stale If-Match and changes nothing", async () => {
    const created = await createPipeline("stale");
    const stale = await call("PUT", `/v1/workspaces/default/pipelines/${created.id}`, {
      headers: { "If-Match": '"7"' },
      body: pipelineBody("other"),
    });
    expectProblem(stale, 412);
    expectProblem(
      await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, { headers: { "If-Match": 'W/"1"' }, body: { name: "x" } }),
      412,
    );
    expectProblem(await call("DELETE", `/v1/workspaces/default/pipelines/${created.id}`, { headers: { "If-Match": '"2"' } }), 412);
    expectProblem(await call("POST", `/v1/workspaces/default/pipelines/${created.id}/archive`, { headers: { "If-Match": '"0"' } }), 412);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${created.id}`)).body).toEqual(created);
  });

  it("merge-patches name and configuration, with either JSON content type", async () => {
    const created = await createPipeline("patch", { configuration: { env: "prod", owner: "a" } });
    const patched = await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, {
      contentType: "application/merge-patch+json",
      body: { configuration: { owner: null, region: "eu" } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      ...created,
      version: 2,
      updatedAt: patched.body.updatedAt,
      configuration: { env: "prod", region: "eu" },
    });
    expect(patched.headers.get("ETag")).toBe('"2"');
    const renamed = await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, { body: { name: "patched" } });
    expect(renamed.body).toEqual({ ...patched.body, name: "patched", version: 3, updatedAt: renamed.body.updatedAt });
    expectProblem(await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, { body: { name: null } }), 400);
    expectProblem(await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, { body: { stages: [] } }), 400);
  });

  it("gives 409 for PUT and PATCH on an archived pipeline", async () => {
    const created = await createPipeline("archived");
    await call("POST", `/v1/workspaces/default/pipelines/${created.id}/archive`);
    expectProblem(await call("PUT", `/v1/workspaces/default/pipelines/${created.id}`, { body: pipelineBody("archived") }), 409);
    expectProblem(await call("PATCH", `/v1/workspaces/default/pipelines/${created.id}`, { body: { name: "y" } }), 409);
  });

  it("deletes a pipeline with everything it owns: 204, then 404", async () => {
    const created = await createPipeline("delete");
    await call("PUT", `/v1/workspaces/default/pipelines/${created.id}/metrics`, { body: metricsBody() });
    const deleted = await call("DELETE", `/v1/workspaces/default/pipelines/${created.id}`, { headers: { "If-Match": '"1"' } });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expectProblem(await call("GET", `/v1/workspaces/default/pipelines/${created.id}`), 404);
    expectProblem(await call("GET", `/v1/workspaces/default/pipelines/${created.id}/metrics`), 404);
    expectProblem(await call("DELETE", `/v1/workspaces/default/pipelines/${created.id}`), 404);
  });
});

describe("archive and restore", () => {
  it("archives and restores idempotently, with 409 when the name was taken meanwhile", async () => {
    const created = await createPipeline("cycle");
    const archived = await call("POST", `/v1/workspaces/default/pipelines/${created.id}/archive`, { headers: { "If-Match": '"1"' } });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ archived: true, version: 2 });
    expect((await call("POST", `/v1/workspaces/default/pipelines/${created.id}/archive`)).body).toEqual(archived.body);
    const rival = await createPipeline("cycle");
    expectProblem(await call("POST", `/v1/workspaces/default/pipelines/${created.id}/restore`), 409);
    await call("DELETE", `/v1/workspaces/default/pipelines/${rival.id}`);
    const restored = await call("POST", `/v1/workspaces/default/pipelines/${created.id}/restore`);
    expect(restored.body).toMatchObject({ archived: false, version: 3, stages: created.stages });
    expect((await call("POST", `/v1/workspaces/default/pipelines/${created.id}/restore`)).body.version).toBe(3);
    expectProblem(await call("POST", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0/archive"), 404);
  });
});

describe("metrics", () => {
  it("records and returns the latest metrics, normalising times", async () => {
    const { id } = await createPipeline("measured");
    expectProblem(await call("GET", `/v1/workspaces/default/pipelines/${id}/metrics`), 404);
    const put = await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: metricsBody() });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      pipelineId: id,
      startTime: "2026-11-26T12:00:00.000Z",
      endTime: "2026-11-26T12:00:01.500Z",
      bytesProcessed: 10,
    });
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}/metrics`)).body).toEqual(put.body);
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}`)).body.version).toBe(1);
  });

  it("checks the metrics' rules", async () => {
    const { id } = await createPipeline("bad-metrics");
    const bad = await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, {
      body: metricsBody({
        bytesProcessed: 30,
        chunksProcessed: 3,
        endTime: "2026-11-26T11:00:00Z",
        errorCount: -1,
        compressionRatio: -2,
        inputFileChecksum: "x".repeat(129),
        extra: 1,
      }),
    });
    expectProblem(bad, 400);
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    for (const path of ["/errorCount", "/compressionRatio", "/inputFileChecksum", "/extra"]) expect(paths).toContain(path);
    const order = await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, {
      body: metricsBody({ bytesProcessed: 30, chunksProcessed: 3, endTime: "2026-11-26T11:00:00Z" }),
    });
    expect(order.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["/bytesProcessed", "/chunksProcessed", "/endTime"]);
    expectProblem(
      await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: metricsBody({ startTime: "yesterday" }) }),
      400,
    );
  });

  it("gives 409 for metrics on an archived pipeline and 404 for an unknown one", async () => {
    const { id } = await createPipeline("archived-metrics");
    await call("POST", `/v1/workspaces/default/pipelines/${id}/archive`);
    expectProblem(await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body: metricsBody() }), 409);
    expectProblem(await call("PUT", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0/metrics", { body: metricsBody() }), 404);
  });
});

describe("routing and errors", () => {
  it("gives 404 problem+json for an unknown route and 405 with Allow for a wrong method", async () => {
    expectProblem(await call("GET", "/v1/nothing-here"), 404);
    expectProblem(await call("GET", "/nothing", { token: null }), 404);
    const wrong = await call("PATCH", "/v1/workspaces/default/pipelines");
    expectProblem(wrong, 405);
    expect(wrong.headers.get("Allow")).toBe("POST, GET, HEAD");
    const wrongItem = await call("POST", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0");
    expectProblem(wrongItem, 405);
    expect(wrongItem.headers.get("Allow")?.split(", ").sort()).toEqual(["DELETE", "GET", "HEAD", "PATCH", "PUT"]);
  });

  it("echoes a valid X-Request-Id and replaces an invalid one", async () => {
    const echoed = await call("GET", "/healthz", { headers: { "X-Request-Id": "trace-42/abc" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("trace-42/abc");
    const replaced = await call("GET", "/healthz", { headers: { "X-Request-Id": "x".repeat(129) } });
    expect(replaced.headers.get("X-Request-Id")).toMatch(ULID);
    const spaced = await call("GET", "/v1/nothing", { headers: { "X-Request-Id": "has space" } });
    expect(spaced.headers.get("X-Request-Id")).toMatch(ULID);
    expect(spaced.body.requestId).toBe(spaced.headers.get("X-Request-Id"));
  });

  it("answers /healthz through the database", async () => {
    const health = await call("GET", "/healthz", { token: null });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: "ok" });
  });
});
