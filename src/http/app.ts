import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed as methodNotAllowedMiddleware } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import type { PipelineRepository } from "../domain/repository";
import type { Env } from "../env";
import { apiKeyRoutes } from "./api-keys/routes";
import { archiveRunRoutes } from "./archive-runs/routes";
import { auditEventRoutes } from "./audit-events/routes";
import type { AppEnv } from "./context";
import { docsRoutes } from "./docs";
import { methodNotAllowed, payloadTooLarge, routeNotFound } from "./errors";
import { changeEventRoutes } from "./events/routes";
import { healthRoutes } from "./health/routes";
import { historyRoutes } from "./history/routes";
import { accessLog } from "./middleware/access-log";
import { authenticate, authorize } from "./middleware/auth";
import { corsForConfiguredOrigins } from "./middleware/cors";
import { noStore } from "./middleware/no-store";
import { rateLimit } from "./middleware/rate-limit";
import { requestId } from "./middleware/request-id";
import { observeDatabaseCalls, pipelineRepository, refuseForeignToken, requestStorage } from "./middleware/request-storage";
import { sendWebhooks } from "./middleware/webhook-send";
import { pipelineRoutes } from "./pipelines/routes";
import { problemResponse } from "./problem";
import { webhookRoutes } from "./webhooks/routes";
import { workspaceRoutes } from "./workspaces/routes";

const MAX_BODY_BYTES = 256 * 1024;

/** Where everything a workspace stores is reached. */
const IN_WORKSPACE = "/v1/workspaces/:workspace";

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
  app.use(noStore);
  if (onDatabaseCall) app.use(observeDatabaseCalls(onDatabaseCall));
  app.use(accessLog);
  app.use(secureHeaders());
  app.use(corsForConfiguredOrigins());
  app.use(
    methodNotAllowedMiddleware({
      app,
      onMethodNotAllowed: (c, methods) => problemResponse(c, methodNotAllowed(methods)),
    }),
  );
  app.use("/v1/*", requestStorage);
  app.use("/healthz", requestStorage);
  app.use("/v1/*", authenticate);
  app.use("/v1/*", rateLimit);
  app.use("/v1/*", authorize);
  app.use("/v1/*", refuseForeignToken);
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw payloadTooLarge(MAX_BODY_BYTES);
      },
    }),
  );
  app.use("/v1/*", pipelineRepository(repository));
  app.use(`${IN_WORKSPACE}/pipelines/*`, sendWebhooks);
  app.use(`${IN_WORKSPACE}/archive-runs`, sendWebhooks);

  const routes = app
    .route("/", healthRoutes)
    .route("/v1/workspaces", workspaceRoutes)
    .route(`${IN_WORKSPACE}/pipelines`, pipelineRoutes)
    .route(`${IN_WORKSPACE}/pipelines`, historyRoutes)
    .route(`${IN_WORKSPACE}/audit-events`, auditEventRoutes)
    .route(`${IN_WORKSPACE}/events`, changeEventRoutes)
    .route(`${IN_WORKSPACE}/archive-runs`, archiveRunRoutes)
    .route(`${IN_WORKSPACE}/api-keys`, apiKeyRoutes)
    .route(`${IN_WORKSPACE}/webhooks`, webhookRoutes);
  // Outside the typed routes: hono/client has no use for the document or its page.
  app.route("/", docsRoutes);
  return routes;
}

/** The app's type, for `hono/client`: `hc<AppType>("https://…")` gives a typed client. */
export type AppType = ReturnType<typeof createApp>;
