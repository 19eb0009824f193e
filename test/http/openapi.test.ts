import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { declaredScope } from "../../src/http/middleware/auth";
import { openApiDocument } from "../../src/http/openapi/document";
import { EXAMPLES } from "../../src/http/openapi/named";
import { contractIssues } from "../support/contract";
import { call } from "../support/http";

const app = createApp();
/** Every route the app serves, as OpenAPI paths (`:id` → `{id}`), with its methods. */
const served = app.routes
  .filter((route) => route.method !== "ALL")
  .map((route) => ({ path: route.path.replace(/:(\w+)/g, "{$1}"), method: route.method.toLowerCase() }));

// biome-ignore lint: a parsed JSON document
const fetchDocument = async (): Promise<any> => (await call("GET", "/openapi.json", { token: null })).body;
// biome-ignore lint: a parsed JSON document
const operations = (document: any) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    // biome-ignore lint: a parsed JSON document
    Object.entries(item as Record<string, any>).map(([method, operation]) => ({ path, method, operation })),
  );

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with servers, tags, a license and every route the app serves, and no route it does not", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers.length).toBeGreaterThan(0);
    expect(document.info.license.name).toBeTruthy();
    const tagNames = document.tags.map((tag: { name: string }) => tag.name);
    expect(served.length).toBeGreaterThan(10);
    for (const { path, method } of served) expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    for (const { path, method, operation } of operations(document)) {
      const servedAs = method === "head" ? "get" : method;
      expect(
        served.some((route) => route.path === path && route.method === servedAs),
        `${method} ${path}`,
      ).toBe(true);
      for (const tag of operation.tags) expect(tagNames).toContain(tag);
    }
    expect(document.paths["/v1/workspaces/{workspace}/pipelines/{id}"].head.responses["200"].content).toBeUndefined();
  });

  it("is served as built from the routes' contracts, so a stale public/openapi.json fails here (`npm run docs:assets` rebuilds it)", async () => {
    expect(await fetchDocument()).toEqual(openApiDocument(app));
  });

  it("names its schemas in components and refers to them", async () => {
    const document = await fetchDocument();
    for (const name of ["Pipeline", "Stage", "Metrics", "Problem", "NewPipeline", "ApiKey", "CreatedApiKey", "ArchiveRun"]) {
      expect(document.components.schemas[name], name).toBeDefined();
    }
    const create = document.paths["/v1/workspaces/{workspace}/pipelines"].post;
    expect(create.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Pipeline" });
    expect(create.responses["409"].content["application/problem+json"].schema).toEqual({ $ref: "#/components/schemas/Problem" });
    expect(document.components.schemas.Problem.properties.errorsTruncated).toBeDefined();
  });

  it("describes request bodies from the schemas the API validates with, closed to unknown members", async () => {
    const document = await fetchDocument();
    const { schemas } = document.components;
    expect(schemas.NewPipeline.required).toEqual(["name", "stages"]);
    expect(schemas.NewPipeline.properties.stages.maxItems).toBe(32);
    for (const name of [
      "NewPipeline",
      "NewStage",
      "PipelineReplacement",
      "ReplacementStage",
      "PipelinePatch",
      "PipelineImport",
      "MetricsInput",
      "NewApiKey",
      "ArchiveRunRequest",
    ]) {
      expect(schemas[name].additionalProperties, name).toBe(false);
    }
    expect(Object.keys(document.paths["/v1/workspaces/{workspace}/pipelines/{id}"].patch.requestBody.content)).toContain(
      "application/merge-patch+json",
    );
  });

  it("says a new API key comes without revokedAt, as the server answers", async () => {
    const { components } = await fetchDocument();
    expect(components.schemas.CreatedApiKey.properties.revokedAt).toBeUndefined();
    expect(components.schemas.CreatedApiKey.required).toContain("key");
    expect(components.schemas.ApiKey.required).toContain("revokedAt");
  });

  it("documents HEAD, the precondition, idempotency and consistency headers, and the config filter as one deepObject", async () => {
    const document = await fetchDocument();
    const names = (operation: { parameters: { $ref?: string; name?: string }[] }) =>
      operation.parameters.map((p) => p.$ref?.split("/").pop() ?? p.name);
    const item = document.paths["/v1/workspaces/{workspace}/pipelines/{id}"];
    expect(item.head).toBeDefined();
    expect(names(item.get)).toContain("If-None-Match");
    expect(item.get.responses["304"].headers.ETag).toBeDefined();
    for (const method of ["put", "patch", "delete"]) expect(names(item[method])).toContain("If-Match");
    expect(names(document.paths["/v1/workspaces/{workspace}/pipelines"].post)).toContain("Idempotency-Key");
    for (const { path, operation } of operations(document)) {
      if (path.startsWith("/v1/")) expect(names(operation), path).toContain("X-Consistency-Token");
    }
    expect(document.components.parameters.config).toMatchObject({ name: "config", in: "query", style: "deepObject", explode: true });
    expect(JSON.stringify(document)).not.toContain("config.<key>");
  });

  it("documents the response headers: ETag, Location, Link, X-Request-Id, Retry-After, WWW-Authenticate, Idempotent-Replayed", async () => {
    const document = await fetchDocument();
    const create = document.paths["/v1/workspaces/{workspace}/pipelines"].post.responses;
    expect(Object.keys(create["201"].headers)).toEqual(expect.arrayContaining(["Location", "ETag", "Idempotent-Replayed", "X-Request-Id"]));
    expect(create["401"].headers["WWW-Authenticate"]).toBeDefined();
    expect(create["429"].headers["Retry-After"]).toBeDefined();
    expect(document.paths["/v1/workspaces/{workspace}/pipelines"].get.responses["200"].headers.Link).toBeDefined();
    for (const { operation } of operations(document)) {
      for (const response of Object.values(operation.responses) as { headers: object }[]) {
        expect(response.headers).toHaveProperty("X-Request-Id");
      }
    }
  });

  it("has an example on every body, and each named schema's example is valid", async () => {
    const document = await fetchDocument();
    for (const { path, method, operation } of operations(document)) {
      const bodies = [operation.requestBody, ...Object.values(operation.responses)].filter(Boolean);
      for (const body of bodies as { content?: Record<string, { example?: unknown }> }[]) {
        for (const [type, media] of Object.entries(body.content ?? {})) expect(media.example, `${method} ${path} ${type}`).toBeDefined();
      }
    }
    const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"));
    for (const [name, example] of Object.entries(EXAMPLES)) {
      const result = new Validator({ $defs: defs, $ref: `#/$defs/${name}` }, "2020-12").validate(example);
      expect(result.errors, name).toEqual([]);
    }
  });

  it("is served with an interactive reference at /docs that loads nothing from another origin", async () => {
    const reply = await call("GET", "/docs", { token: null });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("Content-Type")).toContain("text/html");
    expect(reply.text).toContain("/openapi.json");
    expect(reply.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
    expect(reply.headers.get("Content-Security-Policy")).toContain("script-src 'self';");
    expect(reply.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe("scopes", () => {
  it("every /v1 route declares the scope it needs (deny by default)", () => {
    const v1 = app.routes.filter((route) => route.method !== "ALL" && route.path.startsWith("/v1/"));
    const byRoute = new Map<string, string | undefined>();
    for (const route of v1) {
      const key = `${route.method} ${route.path}`;
      byRoute.set(key, byRoute.get(key) ?? declaredScope(route.handler));
    }
    const undeclared = [...byRoute].filter(([, scope]) => scope === undefined).map(([key]) => key);
    expect(undeclared).toEqual([]);
  });
});

describe("the contract check of the HTTP tests", () => {
  const get = new Request("https://registry.test/v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0");
  const headers = new Headers({ "Content-Type": "application/json", "X-Request-Id": "r1", ETag: '"1"', "Cache-Control": "no-store" });

  it("accepts a response that keeps to the document", () => {
    expect(contractIssues(get, 200, headers, JSON.stringify(EXAMPLES.Pipeline))).toEqual([]);
  });

  it("refuses a body that breaks its schema, a missing required header, and an undocumented status", () => {
    const { version: _, ...withoutVersion } = EXAMPLES.Pipeline as Record<string, unknown>;
    expect(contractIssues(get, 200, headers, JSON.stringify(withoutVersion)).join()).toContain("version");
    const noEtag = new Headers({ "Content-Type": "application/json", "X-Request-Id": "r1", "Cache-Control": "no-store" });
    expect(contractIssues(get, 200, noEtag, JSON.stringify(EXAMPLES.Pipeline))).toEqual(["header ETag is missing"]);
    expect(contractIssues(get, 409, headers, "{}")).toEqual([
      "409 is not documented for GET /v1/workspaces/default/pipelines/01JD3ZK5Q8W7V6T5S4R3P2N1M0",
    ]);
  });
});
