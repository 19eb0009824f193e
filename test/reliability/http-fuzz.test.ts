import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dumpDatabase, rowCounts } from "../support/dump";
import { endpoints } from "../support/fuzz-endpoints";
import { expectRefusedWithoutChange, RUNS_PER_ENDPOINT, toRequest, useFuzzDataSet } from "../support/fuzz-harness";
import { type Endpoint, spoiled } from "../support/fuzz-mutations";
import { propertyParameters, propertyTimeout } from "../support/properties";

/**
 * HTTP fuzzing: every endpoint gets generated bad requests, each built from a request that
 * would succeed (and, for a write, change the database) plus one thing that makes it wrong:
 * a bad or missing token, an invalid body (wrong types, missing and unknown members, huge and
 * unicode strings, control characters, deep nesting, invalid JSON, too large), a wrong content
 * type, a bad id, a bad If-Match or Idempotency-Key, a bad query or cursor. Garbage in
 * X-Request-Id and other headers rides along. Every answer must be the status its spoiling
 * calls for, as a problem+json of at most 64 KiB with the request id (HEAD: no body), and the
 * database must be byte for byte what it was. The last test sends the unspoiled requests to
 * show they were valid.
 */

useFuzzDataSet();

describe("bad requests are refused with a problem and change nothing", () => {
  it("starts each test from a data set with rows in every table", async () => {
    expect(rowCounts(await dumpDatabase())).toMatchObject({
      pipelines: 4,
      idempotency_keys: 1,
      archive_runs: 1,
      processing_metrics: 1,
      api_keys: 2,
      webhook_endpoints: 1,
    });
  });

  for (const name of [
    "POST /v1/workspaces/default/pipelines",
    "POST /v1/workspaces/default/pipelines/import",
    "PUT /v1/workspaces/default/pipelines/{id}",
    "PUT on an archived pipeline",
    "PATCH /v1/workspaces/default/pipelines/{id}",
    "DELETE /v1/workspaces/default/pipelines/{id}",
    "POST /v1/workspaces/default/pipelines/{id}/archive",
    "POST /v1/workspaces/default/pipelines/{id}/restore",
    "PUT /v1/workspaces/default/pipelines/{id}/metrics",
    "POST /v1/workspaces/default/archive-runs",
    "GET /v1/workspaces/default/pipelines",
    "GET /v1/workspaces/default/pipelines/count",
    "GET and HEAD /v1/workspaces/default/pipelines/{id}, GET …/metrics",
    "GET /v1/workspaces/default/archive-runs",
    "POST /v1/workspaces/default/api-keys",
    "GET /v1/workspaces/default/api-keys, DELETE /v1/workspaces/default/api-keys/{id}",
    "POST /v1/workspaces/default/webhooks",
    "PATCH /v1/workspaces/default/webhooks/{id}",
    "GET /v1/workspaces/default/webhooks/…, DELETE /v1/workspaces/default/webhooks/{id}",
    "unknown routes and methods",
  ]) {
    it(
      name,
      async () => {
        const endpoint = endpoints().find((e) => e.name === name);
        if (!endpoint) throw new Error(`no endpoint ${name}`);
        await fc.assert(fc.asyncProperty(spoiled(endpoint), expectRefusedWithoutChange), propertyParameters(RUNS_PER_ENDPOINT));
      },
      propertyTimeout(RUNS_PER_ENDPOINT, 100),
    );
  }

  it("the unspoiled requests were valid: each succeeds (writes last, delete at the very end)", async () => {
    const before = await dumpDatabase();
    const all = new Map(endpoints().map((e) => [e.name, e]));
    const order = [
      "GET /v1/workspaces/default/pipelines",
      "GET /v1/workspaces/default/pipelines/count",
      "GET and HEAD /v1/workspaces/default/pipelines/{id}, GET …/metrics",
      "GET /v1/workspaces/default/archive-runs",
      "unknown routes and methods",
      "POST /v1/workspaces/default/pipelines",
      "POST /v1/workspaces/default/pipelines/import",
      "PUT /v1/workspaces/default/pipelines/{id}",
      "PATCH /v1/workspaces/default/pipelines/{id}",
      "PUT /v1/workspaces/default/pipelines/{id}/metrics",
      "POST /v1/workspaces/default/archive-runs",
      "POST /v1/workspaces/default/api-keys",
      "GET /v1/workspaces/default/api-keys, DELETE /v1/workspaces/default/api-keys/{id}",
      "POST /v1/workspaces/default/webhooks",
      "PATCH /v1/workspaces/default/webhooks/{id}",
      "GET /v1/workspaces/default/webhooks/…, DELETE /v1/workspaces/default/webhooks/{id}",
      "POST /v1/workspaces/default/pipelines/{id}/restore",
      "POST /v1/workspaces/default/pipelines/{id}/archive",
      "DELETE /v1/workspaces/default/pipelines/{id}",
    ];
    expect(new Set([...order, "PUT on an archived pipeline"])).toEqual(new Set(all.keys()));
    for (const name of order) {
      const endpoint = all.get(name) as Endpoint;
      const request = toRequest(endpoint.valid());
      const response = await exports.default.fetch(request as Request);
      expect(response.status, `${endpoint.name}: ${await response.clone().text()}`).toBeLessThan(300);
      await response.arrayBuffer();
    }
    expect(await dumpDatabase()).not.toEqual(before);
  });
});
