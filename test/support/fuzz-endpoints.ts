import fc from "fast-check";
import { expecting, type Spec, state } from "./fuzz-harness";
import {
  badId,
  badIdempotencyKey,
  badIfMatch,
  badMap,
  badMetrics,
  badName,
  badPipeline,
  ifMatchStatus,
  notAnObject,
  notJsonObjectText,
  unknownMember,
  validStage,
} from "./fuzz-inputs";
import {
  at,
  auth,
  authMutations,
  badAuth,
  badCredential,
  badQuery,
  bodyMutations,
  type Endpoint,
  json,
  type Mutation,
  overLimit,
  pipelinesPath,
  readAuthMutations,
  withBody,
  withBodyText,
  withContentType,
  withHeader,
  withId,
  withoutAuth,
} from "./fuzz-mutations";
import { webhookEndpoints } from "./fuzz-webhooks";
import { metricsBody, pipelineBody, stage } from "./http";

/** Every endpoint's valid request for the fuzz test, with the ways to spoil it and the status each must get. */

export function endpoints(): Endpoint[] {
  const { active, archived } = state.seeded;
  const createBody = pipelineBody("fuzz-new");
  const replaceBody = {
    ...pipelineBody("fuzz-active-renamed"),
    stages: [{ ...validStage, id: active.stageId }, stage("seal", "encryption", "aes-256-gcm")],
  };
  const metrics = metricsBody();
  const write = (method: string, path: string, body?: unknown, contentType = "application/json"): Spec => ({
    method,
    path,
    headers: body === undefined ? { ...auth } : { ...auth, "Content-Type": contentType },
    ...(body === undefined ? {} : { body: json(body) }),
  });
  const ifMatchMutation =
    (version: number): Mutation =>
    (spec) =>
      withHeader(
        "If-Match",
        badIfMatch(version),
      )(spec).map((bad) => ({ ...bad, expected: [ifMatchStatus(bad.headers["If-Match"] ?? "")] }));
  const listQuery = (path: string): Mutation =>
    expecting([400], (spec) => badQuery(path).map((query) => ({ ...spec, path: `${path}?${query}` })));
  const badKeyHeader = expecting([400], withHeader("Idempotency-Key", badIdempotencyKey));

  return [
    {
      name: "POST /v1/workspaces/default/pipelines",
      valid: () => write("POST", pipelinesPath, createBody),
      spoil: [...authMutations, ...bodyMutations(["application/json"], badPipeline(createBody)), badKeyHeader],
    },
    {
      name: "POST /v1/workspaces/default/pipelines/import",
      valid: () => write("POST", `${pipelinesPath}/import`, { pipelines: [pipelineBody("fuzz-import-1"), pipelineBody("fuzz-import-2")] }),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/json"],
          fc.oneof(
            badPipeline(createBody).map((bad) => ({ pipelines: [pipelineBody("fuzz-import-1"), bad] })),
            fc.constantFrom(
              { pipelines: [] },
              { pipelines: Array.from({ length: 101 }, (_, i) => pipelineBody(`many-${i}`)) },
              { pipelines: Array.from({ length: 400 }, () => ({ name: "", stages: [{}] })) },
              { pipelines: Array.from({ length: 100 }, (_, i) => ({ name: `p${i}`, stages: Array.from({ length: 32 }, () => ({})) })) },
              { pipelines: [createBody, createBody] },
              { pipelines: createBody },
              { pipelines: [createBody], extra: 1 },
              {},
            ),
          ),
        ),
        badKeyHeader,
      ],
    },
    {
      name: "PUT /v1/workspaces/default/pipelines/{id}",
      valid: () => write("PUT", at(active.id), replaceBody),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/json"],
          fc.oneof(
            badPipeline(replaceBody),
            fc
              .constantFrom("not-a-ulid", 42, "01JD3ZK5Q8W7V6T5S4R3P2N1M0", archived.id)
              .map((id) => ({ ...replaceBody, stages: [{ ...validStage, id }] })),
            fc.constant({
              ...replaceBody,
              stages: [
                { ...validStage, id: active.stageId },
                { ...validStage, name: "b", stageType: "transform", algorithm: "t", id: active.stageId },
              ],
            }),
          ),
        ),
        withId(at),
        ifMatchMutation(active.version),
      ],
    },
    {
      name: "PUT on an archived pipeline",
      valid: () => write("PUT", at(archived.id), pipelineBody("fuzz-archived")),
      spoil: [expecting([409], (spec) => fc.constant(spec))], // 409 as it stands
    },
    {
      name: "PATCH /v1/workspaces/default/pipelines/{id}",
      valid: () => write("PATCH", at(active.id), { configuration: { owner: "fuzz" } }, "application/merge-patch+json"),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/merge-patch+json", "application/json"],
          fc.oneof(
            badName.map((name) => ({ name })),
            fc.constant({ name: null }),
            fc.constant({ name: "fuzz-other" }),
            badMap({ owner: "fuzz" }, true).map((configuration) => ({ configuration })),
            notAnObject.map((configuration) => ({ configuration })),
            unknownMember(["name", "configuration"]).map(([k, v]) => ({ [k]: v })),
          ),
        ),
        withId(at),
        ifMatchMutation(active.version),
      ],
    },
    {
      name: "DELETE /v1/workspaces/default/pipelines/{id}",
      valid: () => write("DELETE", at(active.id)),
      spoil: [...authMutations, withId(at), ifMatchMutation(active.version)],
    },
    {
      name: "POST /v1/workspaces/default/pipelines/{id}/archive",
      valid: () => write("POST", `${at(active.id)}/archive`),
      spoil: [...authMutations, withId((id) => `${at(id)}/archive`), ifMatchMutation(active.version)],
    },
    {
      name: "POST /v1/workspaces/default/pipelines/{id}/restore",
      valid: () => write("POST", `${at(archived.id)}/restore`),
      spoil: [...authMutations, withId((id) => `${at(id)}/restore`), ifMatchMutation(archived.version)],
    },
    {
      name: "PUT /v1/workspaces/default/pipelines/{id}/metrics",
      valid: () => write("PUT", `${at(active.id)}/metrics`, metrics),
      spoil: [
        ...authMutations,
        ...bodyMutations(["application/json"], badMetrics(metrics)),
        withId((id) => `${at(id)}/metrics`),
        expecting([409], (spec) => fc.constant({ ...spec, path: `${at(archived.id)}/metrics` })), // archived
      ],
    },
    {
      name: "POST /v1/workspaces/default/archive-runs",
      valid: () => write("POST", "/v1/workspaces/default/archive-runs", { olderThanDays: 30 }),
      spoil: [
        ...authMutations,
        withBody(
          fc.oneof(
            fc.constantFrom(-1, 1.5, "30", 36_501, null, true, [30], Number.POSITIVE_INFINITY).map((olderThanDays) => ({ olderThanDays })),
            unknownMember(["olderThanDays"]).map(([k, v]) => ({ olderThanDays: 30, [k]: v })),
            notAnObject,
          ),
        ),
        withBodyText(notJsonObjectText),
        overLimit,
        withContentType(["application/json"]),
      ],
    },
    {
      name: "GET /v1/workspaces/default/pipelines",
      valid: () => ({ method: "GET", path: `${pipelinesPath}?limit=2`, headers: { ...auth } }),
      spoil: [...readAuthMutations, listQuery(pipelinesPath)],
    },
    {
      name: "GET /v1/workspaces/default/pipelines/count",
      valid: () => ({ method: "GET", path: `${pipelinesPath}/count`, headers: { ...auth } }),
      spoil: [...readAuthMutations, listQuery(`${pipelinesPath}/count`)],
    },
    {
      name: "GET and HEAD /v1/workspaces/default/pipelines/{id}, GET …/metrics",
      valid: () => ({ method: "GET", path: at(active.id), headers: { ...auth } }),
      spoil: [
        ...readAuthMutations,
        withId(at),
        expecting([404], (spec) => badId.map((id) => ({ ...spec, method: "HEAD", path: at(id) }))),
        expecting([404], (spec) => badId.map((id) => ({ ...spec, path: `${at(id)}/metrics` }))),
        expecting([404], (spec) => badId.map((id) => ({ ...spec, path: `${at(id)}/metrics/history` }))),
        expecting([404], (spec) => fc.constant({ ...spec, path: `${at(archived.id)}/metrics` })), // no metrics
        expecting([400], withHeader("If-None-Match", fc.constantFrom("garbage", '"1', "W/", '"1",,x'))),
      ],
    },
    {
      name: "GET /v1/workspaces/default/archive-runs",
      valid: () => ({ method: "GET", path: "/v1/workspaces/default/archive-runs", headers: { ...auth } }),
      spoil: [
        ...authMutations,
        expecting([400], (spec) =>
          fc
            .constantFrom("0", "101", "-1", "1.5", "abc", "", "1e1", "0010", " 5")
            .map((limit) => ({ ...spec, path: `/v1/workspaces/default/archive-runs?limit=${encodeURIComponent(limit)}` })),
        ),
      ],
    },
    {
      name: "POST /v1/workspaces/default/api-keys",
      valid: () => write("POST", "/v1/workspaces/default/api-keys", { name: "fuzz key", scopes: ["write"] }),
      spoil: [
        ...authMutations,
        ...bodyMutations(
          ["application/json"],
          fc.oneof(
            badName.map((name) => ({ name, scopes: ["read"] })),
            fc
              .oneof(fc.constantFrom([], ["root"], ["read", "read"], ["READ"], "read", null, [1], { 0: "read" }), notAnObject)
              .map((scopes) => ({ name: "k", scopes })),
            fc
              .constantFrom("name", "scopes")
              .map((missing) => Object.fromEntries(Object.entries({ name: "k", scopes: ["read"] }).filter(([k]) => k !== missing))),
            unknownMember(["name", "scopes"]).map(([k, v]) => ({ name: "k", scopes: ["read"], [k]: v })),
          ),
        ),
      ],
    },
    {
      name: "GET /v1/workspaces/default/api-keys, DELETE /v1/workspaces/default/api-keys/{id}",
      valid: () => write("DELETE", `/v1/workspaces/default/api-keys/${state.seeded.apiKeyId}`),
      spoil: [
        ...authMutations,
        withId((id) => `/v1/workspaces/default/api-keys/${id}`),
        (spec) =>
          fc
            .constantFrom(...[withoutAuth, badAuth, badCredential(true)])
            .chain((m) => m({ ...spec, method: "GET", path: "/v1/workspaces/default/api-keys" })),
      ],
    },
    ...webhookEndpoints(write),
    {
      name: "unknown routes and methods",
      valid: () => ({ method: "GET", path: "/healthz", headers: {} }),
      spoil: [
        expecting([404, 405], (spec) =>
          fc
            .tuple(
              fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
              fc.oneof(
                fc.constantFrom(
                  "/v2/pipelines",
                  "/v1",
                  "/v1/",
                  "/v1/workspaces/default/pipelines/import/x",
                  "/v1/workspaces/default/api-keys/x/y",
                  "/healthz/x",
                  "/%00",
                  "/v1/workspaces/default/pipelines/count/x",
                ),
                badId.map((id) => `/v1/${id}`),
              ),
            )
            .map(([method, path]) => ({ ...spec, method, path, headers: { ...auth } })),
        ),
        expecting([405], (spec) =>
          fc.constantFrom("POST", "PUT", "DELETE", "PATCH").map((method) => ({ ...spec, method, path: "/healthz" })),
        ),
        expecting([405], (spec) =>
          fc.constantFrom("PATCH", "DELETE", "PUT").map((method) => ({ ...spec, method, path: pipelinesPath, headers: { ...auth } })),
        ),
        expecting([405], (spec) =>
          fc
            .constantFrom("PUT", "PATCH", "DELETE")
            .map((method) => ({ ...spec, method, path: "/v1/workspaces/default/archive-runs", headers: { ...auth } })),
        ),
      ],
    },
  ];
}
