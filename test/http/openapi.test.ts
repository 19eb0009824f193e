import { describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { declaredScope } from "../../src/http/middleware/auth";
import { call } from "../support/http";

const app = createApp();
const UNDOCUMENTED = new Set(["/openapi.json", "/docs"]);
/** Every route the app serves, as OpenAPI paths (`:id` → `{id}`), with its methods. */
const served = app.routes
  .filter((route) => route.method !== "ALL" && !UNDOCUMENTED.has(route.path))
  .map((route) => ({ path: route.path.replace(/:(\w+)/g, "{$1}"), method: route.method.toLowerCase(), route }));

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and documents every route the app serves", async () => {
    const reply = await call("GET", "/openapi.json", { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe("3.1.0");
    expect(served.length).toBeGreaterThan(10);
    for (const { path, method } of served) {
      expect(reply.body.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });

  it("describes request bodies from the same schemas the API validates with", async () => {
    const { body } = await call("GET", "/openapi.json", { token: null });
    const create = body.paths["/v1/pipelines"].post;
    const schema = create.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(["name", "stages"]);
    expect(schema.properties.stages.maxItems).toBe(32);
    expect(Object.keys(body.paths["/v1/pipelines/{id}"].patch.requestBody.content)).toContain("application/merge-patch+json");
    expect(create.responses["201"]).toBeDefined();
    expect(create.responses["409"].content["application/problem+json"]).toBeDefined();
  });

  it("is served as an interactive reference at /docs", async () => {
    const reply = await call("GET", "/docs", { token: null });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("Content-Type")).toContain("text/html");
    expect(reply.text).toContain("/openapi.json");
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
