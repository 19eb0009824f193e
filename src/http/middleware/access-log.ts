import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { accessLogOn } from "../../settings";
import type { AppEnv } from "../context";

/**
 * One JSON line per request, as Workers Logs index them (an object logged with console.log):
 * request id, method, matched route, status, duration and database round trips. `ACCESS_LOG=off`
 * ([vars] or .dev.vars) turns it off; the tests do.
 */
export const accessLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!accessLogOn(c.env)) return next();
  const started = Date.now();
  const stats = { dbCalls: 0 };
  // Counted by the request's own storage (src/storage/open-storage.ts), whichever the backend.
  const observer = c.get("onDatabaseCall");
  c.set("onDatabaseCall", () => {
    stats.dbCalls++;
    observer?.();
  });
  await next();
  console.log({
    message: "request",
    requestId: c.get("requestId"),
    method: c.req.method,
    route: routePath(c),
    path: c.req.path,
    status: c.res.status,
    durationMs: Date.now() - started,
    dbCalls: stats.dbCalls,
  });
};
