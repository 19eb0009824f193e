import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { countD1Calls } from "../../infrastructure/d1-call-counter";
import type { AppEnv } from "../context";

/**
 * One JSON line per request, as Workers Logs index them (an object logged with console.log):
 * request id, method, matched route, status, duration and D1 round trips. `ACCESS_LOG=off`
 * ([vars] or .dev.vars) turns it off; the tests do.
 */
export const accessLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.env.ACCESS_LOG === "off") return next();
  const started = Date.now();
  const stats = { d1Calls: 0 };
  // This request's own counting binding: the session it opens goes through it too, and the
  // repository is built per request over that session, so nothing is shared between requests.
  c.env = {
    ...c.env,
    DB: countD1Calls(c.env.DB, () => {
      stats.d1Calls++;
    }),
  };
  await next();
  console.log({
    message: "request",
    requestId: c.get("requestId"),
    method: c.req.method,
    route: routePath(c),
    path: c.req.path,
    status: c.res.status,
    durationMs: Date.now() - started,
    d1Calls: stats.d1Calls,
  });
};
