import type { Hono } from "hono";
import { routeDoc } from "../route";
import { componentSchemas } from "./components";
import { PARAMETERS, param } from "./parameters";
import { HEADERS, notFoundError } from "./responses";
import type { Operation } from "./types";

type Method = "get" | "head" | "post" | "put" | "patch" | "delete";
const METHODS = new Set<string>(["get", "head", "post", "put", "patch", "delete"]);

const TAGS = [
  { name: "Workspaces", description: "Tenants that share nothing; created, listed and deleted with the operator's token." },
  { name: "Pipelines", description: "Named, ordered processing pipelines with their configuration." },
  { name: "Metrics", description: "The latest processing metrics of a pipeline, and its metrics history." },
  { name: "History", description: "A pipeline's revisions, what changed between two, and rollback." },
  { name: "Audit log", description: "Every change made through the API or the archive job (admin only)." },
  {
    name: "Change events",
    description: "The workspace's change feed: every change of its pipelines, with the pipeline after it, in commit order.",
  },
  {
    name: "Webhooks",
    description:
      "Change events pushed to your endpoints, signed as Standard Webhooks v1 asks, retried, with every attempt kept (admin only).",
  },
  { name: "API keys", description: "Revocable bearer tokens with scopes (admin only)." },
  { name: "Archive runs", description: "The job that archives stale pipelines (admin only)." },
  { name: "Operations", description: "Liveness and documentation; no token needed." },
];

/** Headers on every response of an operation: the request id everywhere, the /v1 ones on /v1. */
const commonHeaders = (path: string) => ({
  "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" },
  ...(path.startsWith("/v1/")
    ? {
        "X-Consistency-Token": { $ref: "#/components/headers/X-Consistency-Token" },
        "Cache-Control": { $ref: "#/components/headers/Cache-Control" },
      }
    : {}),
});

/** Adds what every operation has: the common headers, and X-Consistency-Token on /v1. HEAD answers carry no body. */
function complete(path: string, operation: Operation, head = false): Operation {
  const inWorkspace = path.startsWith("/v1/workspaces/{workspace}");
  // Under a workspace, every operation can meet one that does not exist (or that the token may not see).
  const declared = inWorkspace ? { ...notFoundError, ...operation.responses } : operation.responses;
  const sorted = Object.fromEntries(Object.entries(declared).sort(([a], [b]) => a.localeCompare(b)));
  const responses = Object.fromEntries(
    Object.entries(sorted).map(([status, { content, ...response }]) => [
      status,
      { ...response, headers: { ...commonHeaders(path), ...response.headers }, ...(content && !head ? { content } : {}) },
    ]),
  );
  const parameters = path.startsWith("/v1/")
    ? [...(inWorkspace ? [param("workspace")] : []), ...(operation.parameters ?? []), param("X-Consistency-Token")]
    : operation.parameters;
  return { ...operation, ...(parameters ? { parameters } : {}), responses };
}

/**
 * The OpenAPI 3.1 document, from the routes' declarations (src/http/route.ts), with the named
 * schemas they refer to. `:id` in a Hono path is `{id}` here. Built at build time
 * (scripts/openapi.ts), and once per isolate where a test asks: it depends only on the code.
 */
const built = new WeakMap<object, object>();
export function openApiDocument(app: Pick<Hono, "routes">) {
  const cached = built.get(app);
  if (cached) return cached;
  const paths: Record<string, Partial<Record<Method, Operation>>> = {};
  for (const route of app.routes) {
    const method = route.method.toLowerCase();
    const doc = routeDoc(route.handler);
    if (!doc || !METHODS.has(method)) continue;
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    const item = paths[path] ?? {};
    paths[path] = item;
    const operation = complete(path, doc.operation);
    item[method as Method] = doc.requestBody ? { ...operation, requestBody: doc.requestBody } : operation;
    if (doc.head) item.head = complete(path, doc.head, true);
  }
  const document = {
    openapi: "3.1.0",
    info: {
      title: "Pipeline registry API",
      version: "1.0.0",
      summary: "Named, ordered processing pipelines, served at the edge.",
      description:
        "Named, ordered processing pipelines with configuration and latest metrics. Every error is RFC 9457 `application/problem+json` with the request id; every response carries `X-Request-Id`, every /v1 response `X-Consistency-Token` and `Cache-Control: no-store`. No string of a request (body, query, header) may contain U+0000 or be ill-formed Unicode (a lone surrogate): a 400, which no schema here repeats. Rules across members (unique stage names, `order` equal to the position, an algorithm allowed for the stage type, no repeated compression or encryption stage, processed counts within totals, `endTime` not before `startTime`) are in the descriptions of the bodies.",
      license: { name: "UNLICENSED", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: "/", description: "The origin serving this document (`npm run dev`: http://localhost:8787)" }],
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description:
            "The operator's token (the ADMIN_TOKEN secret: every workspace), or an API key (`plk_…`) from POST /v1/workspaces/{workspace}/api-keys (that workspace alone).",
        },
      },
      schemas: componentSchemas(Object.values(paths).flatMap((item) => Object.values(item))),
      parameters: PARAMETERS,
      headers: HEADERS,
    },
  };
  built.set(app, document);
  return document;
}
