import { type Call, expectStatus } from "./http.ts";
import { pipelineBody, replacementBody } from "./seed.ts";

/**
 * API keys in the bench: the key the API-key scenarios use, and their cases in the cost table.
 * A key names its id, so the request checks it in its own D1 call: still exactly one call, and
 * one more row read (the key's, by primary key), which the read budgets allow for.
 */

/** A key with the write scope (reads and pipeline writes), made with the admin token. */
export async function benchKey(project: string, name: string): Promise<{ id: string; key: string }> {
  return (await expectStatus(project, { method: "POST", path: "/v1/workspaces/default/api-keys", body: { name, scopes: ["write"] } }, 201))
    .body;
}

const withKey = (call: Call, key: string): Call => ({ ...call, headers: { ...call.headers, Authorization: `Bearer ${key}` } });

interface Targets {
  size: number;
  /** A pipeline to read, and one to replace (by its seeded index). */
  readTarget: string | undefined;
  putTarget: string | undefined;
  putIndex: number;
}

/** Cases of the cost table with an API key, and of the API key routes themselves (admin token). */
export async function apiKeyCases(project: string, { size, readTarget, putTarget, putIndex }: Targets) {
  const { key } = await benchKey(project, `bench-cost-${size}`);
  const revoked = await benchKey(project, `bench-cost-${size}-revoked`);
  const write = { reads: { unbudgeted: "a write" } } as const;
  return [
    {
      endpoint: "GET /v1/workspaces/default/pipelines/{id}",
      case: "one pipeline, API key",
      call: withKey({ method: "GET", path: `/v1/workspaces/default/pipelines/${readTarget}` }, key),
      status: 200,
      reads: "one",
      keyRow: true,
    },
    {
      endpoint: "GET /v1/workspaces/default/pipelines",
      case: "first page, API key",
      call: withKey({ method: "GET", path: "/v1/workspaces/default/pipelines" }, key),
      status: 200,
      reads: "page",
      keyRow: true,
    },
    {
      endpoint: "POST /v1/workspaces/default/pipelines",
      case: "create, API key",
      call: withKey({ method: "POST", path: "/v1/workspaces/default/pipelines", body: pipelineBody(`bench-cost-${size}-key`) }, key),
      status: 201,
      ...write,
    },
    {
      endpoint: "PUT /v1/workspaces/default/pipelines/{id}",
      case: "replace, API key",
      call: withKey({ method: "PUT", path: `/v1/workspaces/default/pipelines/${putTarget}`, body: replacementBody(putIndex, 2) }, key),
      status: 200,
      ...write,
    },
    {
      endpoint: "POST /v1/workspaces/default/api-keys",
      case: "create a key",
      call: { method: "POST", path: "/v1/workspaces/default/api-keys", body: { name: `bench-cost-${size}-new`, scopes: ["read"] } },
      status: 201,
      ...write,
    },
    {
      endpoint: "GET /v1/workspaces/default/api-keys",
      case: "every key",
      call: { method: "GET", path: "/v1/workspaces/default/api-keys" },
      status: 200,
      reads: { unbudgeted: "every key row" },
    },
    {
      endpoint: "DELETE /v1/workspaces/default/api-keys/{id}",
      case: "revoke",
      call: { method: "DELETE", path: `/v1/workspaces/default/api-keys/${revoked.id}` },
      status: 204,
      ...write,
    },
  ] as const;
}
