import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { methodNotAllowed as methodNotAllowedMiddleware } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import type { PipelineRepository } from "../domain/repository";
import type { Env } from "../env";
import { createD1PipelineRepository } from "../infrastructure/d1-pipeline-repository";
import { readRevisionsKeep } from "../jobs/archive-config";
import { apiKeyRoutes } from "./api-keys/routes";
import { archiveRunRoutes } from "./archive-runs/routes";
import { auditEventRoutes } from "./audit-events/routes";
import type { AppEnv } from "./context";
import { DOCS_OPERATION, docsPage, OPENAPI_OPERATION } from "./docs";
import { methodNotAllowed, payloadTooLarge, routeNotFound } from "./errors";
import { healthRoutes } from "./health/routes";
import { historyRoutes } from "./history/routes";
import { accessLog } from "./middleware/access-log";
import { authenticate, authorize } from "./middleware/auth";
import { rateLimit } from "./middleware/rate-limit";
import { requestId } from "./middleware/request-id";
import { describe } from "./openapi/describe";
import { openApiDocument } from "./openapi/document";
import { pipelineRoutes } from "./pipelines/routes";
import { problemResponse } from "./problem";

export const MAX_BODY_BYTES = 256 * 1024;

/** `CORS_ORIGINS`: comma-separated origins; none by default, so browsers on other origins get no access. */
const allowedOrigins = (setting: string | undefined) =>
  (setting ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);

export interface AppDependencies {
  /** How a request gets its repository; tests may wrap the D1 binding (fault injection, call counting). */
  repository?: (env: Env) => PipelineRepository;
}

/** The one place that builds the app: middleware order, routes, errors, documentation. */
/** One repository per D1 binding, for the isolate's life: it holds no request state, only the Drizzle instance. */
const repositories = new WeakMap<D1Database, PipelineRepository>();
function d1Repository(env: Env): PipelineRepository {
  let repository = repositories.get(env.DB);
  if (!repository) {
    repository = createD1PipelineRepository(env.DB, undefined, { revisionsKeep: readRevisionsKeep(env) });
    repositories.set(env.DB, repository);
  }
  return repository;
}

export function createApp({ repository = d1Repository }: AppDependencies = {}) {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => problemResponse(c, error));
  app.notFound((c) => problemResponse(c, routeNotFound()));
  app.use(requestId);
  // API answers are per caller and change with every write: no cache may keep one, errors and 304s included.
  app.use(async (c, next) => {
    await next();
    if (c.req.path === "/v1" || c.req.path.startsWith("/v1/")) c.res.headers.set("Cache-Control", "no-store");
  });
  app.use(accessLog);
  app.use(secureHeaders());
  const corsPolicy = cors({
    origin: (origin, c) => (allowedOrigins(c.env.CORS_ORIGINS).includes(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: ["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "X-Request-Id"],
    exposeHeaders: ["ETag", "Link", "Location", "X-Request-Id", "Retry-After", "Idempotent-Replayed"],
    maxAge: 600,
  });
  // Without configured origins there is no CORS at all (and OPTIONS is a 405 like any unknown method).
  app.use((c, next) => (allowedOrigins(c.env.CORS_ORIGINS).length > 0 ? corsPolicy(c, next) : next()));
  app.use(
    methodNotAllowedMiddleware({
      app,
      onMethodNotAllowed: (c, methods) => problemResponse(c, methodNotAllowed(methods)),
    }),
  );
  app.use("/v1/*", authenticate);
  app.use("/v1/*", rateLimit);
  app.use("/v1/*", authorize);
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw payloadTooLarge(MAX_BODY_BYTES);
      },
    }),
  );
  app.use("/v1/*", async (c, next) => {
    c.set("repository", repository(c.env));
    await next();
  });

  const routes = app
    .route("/", healthRoutes)
    .route("/v1/pipelines", pipelineRoutes)
    .route("/v1/pipelines", historyRoutes)
    .route("/v1/audit-events", auditEventRoutes)
    .route("/v1/archive-runs", archiveRunRoutes)
    .route("/v1/api-keys", apiKeyRoutes);

  app.get("/openapi.json", describe(OPENAPI_OPERATION), (c) => c.json(openApiDocument(app)));
  app.get("/docs", describe(DOCS_OPERATION), docsPage);
  return routes;
}

/** The app's type, for `hono/client`: `hc<AppType>("https://…")` gives a typed client. */
export type AppType = ReturnType<typeof createApp>;
