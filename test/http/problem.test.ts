import { env } from "cloudflare:workers";
import { HTTPException } from "hono/http-exception";
import { expect, it } from "vitest";
import { createApp } from "../../src/http/app";

it("turns an HTTPException from Hono's middleware into problem+json with its status and headers", async () => {
  const app = createApp();
  app.get("/teapot", () => {
    const res = new Response(null, { headers: { "WWW-Authenticate": 'Bearer realm="elsewhere"' } });
    throw new HTTPException(401, { message: "Hono's bearer auth said no.", res });
  });
  app.get("/timeout", () => {
    throw new HTTPException(408);
  });
  const refused = await app.request("/teapot", {}, env);
  expect(refused.status).toBe(401);
  expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
  expect(refused.headers.get("WWW-Authenticate")).toBe('Bearer realm="elsewhere"');
  expect(await refused.json()).toMatchObject({ status: 401, title: "Unauthorized", detail: "Hono's bearer auth said no." });
  const late = await app.request("/timeout", {}, env);
  expect(late.status).toBe(408);
  expect(await late.json()).toMatchObject({ status: 408, title: "Request timeout", type: "urn:pipeline-registry:problem:http-408" });
});
