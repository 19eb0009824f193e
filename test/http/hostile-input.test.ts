import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "../support/backend";
import { call, pipelineBody, stage } from "../support/http";

/**
 * Refusing a request costs no more than reading it (docs/api.md): bounds are
 * checked before the items they bound, a problem lists at most 100 issues, and no error
 * response is larger than 64 KiB.
 */

beforeEach(() => resetDatabase());

const MAX_PROBLEM_BYTES = 64 * 1024;

async function refused(method: string, path: string, body: unknown) {
  const reply = await call(method, path, { body });
  expect(reply.status).toBe(400);
  expect(new TextEncoder().encode(reply.text).length).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
  return reply.body as { errors: { path: string; message: string }[]; errorsTruncated?: boolean };
}

describe("bounds come before the items they bound", () => {
  it("answers 87,000 empty stages with the one issue on /stages", async () => {
    const text = `{"name":"n","stages":[${Array.from({ length: 87_000 }, () => "{}").join(",")}]}`;
    expect(text.length).toBeLessThan(256 * 1024);
    const problem = await refused("POST", "/v1/workspaces/default/pipelines", text);
    expect(problem.errors).toEqual([{ path: "/stages", message: "a pipeline has at most 32 stages" }]);
    expect(problem.errorsTruncated).toBeUndefined();
  });

  it("checks neither the stages nor the rules between them when there are 33", async () => {
    const stages = Array.from({ length: 33 }, () => stage("same", "compression", "md5", { chunkSize: 1 }));
    const problem = await refused("POST", "/v1/workspaces/default/pipelines", pipelineBody("n", { stages }));
    expect(problem.errors).toEqual([{ path: "/stages", message: "a pipeline has at most 32 stages" }]);
    const put = await call("PUT", "/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0", { body: pipelineBody("n", { stages }) });
    expect(put.body.errors).toEqual([{ path: "/stages", message: "a pipeline has at most 32 stages" }]);
  });

  it("answers an import of 400 broken pipelines with the one issue on /pipelines", async () => {
    const broken = Array.from({ length: 400 }, () => ({ name: "", stages: [{}], extra: 1 }));
    const problem = await refused("POST", "/v1/workspaces/default/pipelines/import", { pipelines: broken });
    expect(problem.errors).toEqual([{ path: "/pipelines", message: "import at most 100 pipelines at once" }]);
  });

  it("answers 20,000 bad configuration keys with the one issue on /configuration", async () => {
    const configuration = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`!${i}`, 1]));
    const problem = await refused("POST", "/v1/workspaces/default/pipelines", pipelineBody("n", { configuration }));
    expect(problem.errors).toEqual([{ path: "/configuration", message: "at most 64 entries" }]);
    const parameters = await refused(
      "POST",
      "/v1/workspaces/default/pipelines",
      pipelineBody("n", { stages: [stage("s", "transform", "t", { parameters: configuration })] }),
    );
    expect(parameters.errors).toEqual([{ path: "/stages/0/parameters", message: "at most 64 entries" }]);
  });
});

describe("a problem is small whatever was sent", () => {
  it("lists the first 100 of many issues and says it left the rest off", async () => {
    const pipelines = Array.from({ length: 100 }, (_, i) => ({ name: `p${i}`, stages: Array.from({ length: 32 }, () => ({})) }));
    const problem = await refused("POST", "/v1/workspaces/default/pipelines/import", { pipelines });
    expect(problem.errors).toHaveLength(100);
    expect(problem.errorsTruncated).toBe(true);
    expect(problem.errors[0]?.path).toBe("/pipelines/0/stages/0/name");
  });

  it("leaves errorsTruncated out when every issue is listed", async () => {
    const problem = await refused("POST", "/v1/workspaces/default/pipelines", { name: "", stages: [] });
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["/name", "/stages"]);
    expect(problem).not.toHaveProperty("errorsTruncated");
  });

  it("stays under 64 KiB when the paths echo huge member names", async () => {
    const body = { ...pipelineBody("n"), [`${"k".repeat(100_000)}a`]: 1, [`${"k".repeat(100_000)}b`]: 2 };
    const problem = await refused("POST", "/v1/workspaces/default/pipelines", body);
    expect(problem.errors.length).toBeGreaterThan(0);
    for (const issue of problem.errors) expect(issue.path.length).toBeLessThanOrEqual(501);
  });

  it("stays under 64 KiB when a path parameter is huge", async () => {
    const reply = await call("GET", `/v1/workspaces/default/api-keys/${"x".repeat(100_000)}`, { body: undefined });
    expect(reply.status).toBe(405);
    const deleted = await call("DELETE", `/v1/workspaces/default/api-keys/${"x".repeat(100_000)}`);
    expect(deleted.status).toBe(404);
    expect(new TextEncoder().encode(deleted.text).length).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
  });
});
