import type { Context } from "hono";
import type { AppEnv } from "./context";
import { resource, route } from "./route";

/**
 * /openapi.json: the document is built at build time (scripts/openapi.ts) and kept among the
 * static assets, so its generator stays out of the Worker's bundle. The Worker still answers
 * (wrangler.toml routes the path to it first), so the document keeps the headers of every
 * answer (X-Request-Id, the security headers, the 405 for other methods).
 */
export const openApiJson = async (c: Context<AppEnv>) => {
  const asset = await c.env.ASSETS.fetch(new URL("/openapi.json", c.req.url));
  if (!asset.ok) throw new Error(`public/openapi.json is not among the static assets (${asset.status}): run \`npm run docs:assets\``);
  return c.body(await asset.arrayBuffer(), 200, { "Content-Type": "application/json" });
};

/**
 * /docs: the interactive reference. The renderer (Scalar's standalone build, pinned by the
 * lockfile) and the script that starts it are Workers static assets under /docs/ (copied into
 * public/ by scripts/docs-assets.ts), so the Worker bundle stays small and the page needs no
 * other origin: the Content-Security-Policy allows this origin only. Scalar injects its styles
 * at run time, hence 'unsafe-inline' for styles (and nothing else).
 */
export const SCALAR_SCRIPT = "/docs/vendor/scalar-api-reference.js";
export const START_SCRIPT = "/docs/reference.js";

export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Pipeline registry API</title>
  </head>
  <body>
    <div id="app" data-openapi-url="/openapi.json"></div>
    <noscript>The reference needs JavaScript; the document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
    <script src="${SCALAR_SCRIPT}"></script>
    <script src="${START_SCRIPT}"></script>
  </body>
</html>
`;

export const docsPage = (c: Context<AppEnv>) => c.html(PAGE, 200, { "Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-cache" });

const tags = ["Operations"];

/** The document and its reference: public (no scope, no token). */
export const docsRoutes = resource(
  route({
    method: "get",
    path: "/openapi.json",
    operation: { tags, operationId: "openApiDocument", summary: "This OpenAPI 3.1 document" },
    responses: {
      200: {
        description: "The document.",
        content: {
          "application/json": { schema: { type: "object", required: ["openapi", "info", "paths"] }, example: { openapi: "3.1.0" } },
        },
      },
    },
    handler: openApiJson,
  }),
  route({
    method: "get",
    path: "/docs",
    operation: {
      tags,
      operationId: "docs",
      summary: "The interactive API reference",
      description: "An HTML page that loads only this origin's scripts (Content-Security-Policy) and renders /openapi.json.",
    },
    responses: {
      200: {
        description: "The page.",
        headers: { "Content-Security-Policy": { description: "This origin only.", required: true, schema: { type: "string" } } },
        content: { "text/html": { schema: { type: "string" }, example: "<!doctype html>…" } },
      },
    },
    handler: docsPage,
  }),
);
