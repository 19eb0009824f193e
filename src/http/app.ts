import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { methodNotAllowed as methodNotAllowedMiddleware } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import type { PipelineRepository } from "../domain/repository";
import type { Env } from "../env";
import { apiKeyRoutes } from "./api-keys/routes";
import { archiveRunRoutes } from "./archive-runs/routes";
import { auditEventRoutes } from "./audit-events/routes";
import type { AppEnv } from "./context";
import { DOCS_OPERATION, docsPage, OPENAPI_OPERATION, openApiJson } from "./docs";
import { methodNotAllowed, payloadTooLarge, routeNotFound } from "./errors";
import { healthRoutes } from "./health/routes";
import { historyRoutes } from "./history/routes";
import { accessLog } from "./middleware/access-log";
import { authenticate, authorize } from "./middleware/auth";
import { CONSISTENCY_HEADER, consistency } from "./middleware/consistency";
import { rateLimit } from "./middleware/rate-limit";
import { requestId } from "./middleware/request-id";
import { describe } from "./openapi/describe";
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
  /**
   * Wraps the request's repository (the backend's, over the request's session, with the API
   * key check for a key caller): tests inject faults there. The bindings pick the backend
   * (src/storage/open-storage.ts); tests may wrap the D1 binding too.
   */
  repository?: (real: PipelineRepository, env: Env) => PipelineRepository;
  /** Observes every database round trip, whichever the backend (tests count them; the access log does too). */
  onDatabaseCall?: () => void;
}

/** The one place that builds the app: middleware order, routes, errors, documentation. */
export function createApp({ repository, onDatabaseCall }: AppDependencies = {}) {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => problemResponse(c, error));
  app.notFound((c) => problemResponse(c, routeNotFound()));
  app.use(requestId);
  // API answers are per caller and change with every write: no cache may keep one, errors and 304s included.
  app.use(async (c, next) => {
    await next();
    if (c.req.path === "/v1" || c.req.path.startsWith("/v1/")) c.res.headers.set("Cache-Control", "no-store");
  });
  if (onDatabaseCall) {
    app.use((c, next) => {
      c.set("onDatabaseCall", onDatabaseCall);
      return next();
    });
  }
  app.use(accessLog);
  app.use(secureHeaders());
  const corsPolicy = cors({
    origin: (origin, c) => (allowedOrigins(c.env.CORS_ORIGINS).includes(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: ["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "X-Request-Id", CONSISTENCY_HEADER],
    exposeHeaders: ["ETag", "Link", "Location", "X-Request-Id", "Retry-After", "Idempotent-Replayed", CONSISTENCY_HEADER],
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
  app.use("/v1/*", consistency);
  app.use("/healthz", consistency);
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
    const real = c.get("store").storage.pipelines;
    c.set("repository", repository ? repository(real, c.env) : real);
    await next();
  });

  const routes = app
    .route("/", healthRoutes)
    .route("/v1/pipelines", pipelineRoutes)
    .route("/v1/pipelines", historyRoutes)
    .route("/v1/audit-events", auditEventRoutes)
    .route("/v1/archive-runs", archiveRunRoutes)
    .route("/v1/api-keys", apiKeyRoutes);

  app.get("/openapi.json", describe(OPENAPI_OPERATION), openApiJson);
  app.get("/docs", describe(DOCS_OPERATION), docsPage);
  return routes;
}

/** The app's type, for `hono/client`: `hc<AppType>("https://…")` gives a typed client. */
export type AppType = ReturnType<typeof createApp>;
