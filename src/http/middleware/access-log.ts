import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { countD1Calls } from "../../infrastructure/d1-call-counter";
import type { AppEnv } from "../context";

/** The request being served, for the D1 binding's counter (requests interleave in one isolate). */
const current = new AsyncLocalStorage<{ d1Calls: number }>();

/** One counting wrapper per D1 binding for the isolate's life, so the repository cached per binding is kept. */
const counted = new WeakMap<D1Database, D1Database>();
function countedDb(db: D1Database): D1Database {
  let wrapped = counted.get(db);
  if (!wrapped) {
    wrapped = countD1Calls(db, () => {
      const stats = current.getStore();
      if (stats) stats.d1Calls++;
    });
    counted.set(db, wrapped);
  }
  return wrapped;
}

/**
 * One JSON line per request, as Workers Logs index them (an object logged with console.log):
 * request id, method, matched route, status, duration and D1 round trips. `ACCESS_LOG=off`
 * ([vars] or .dev.vars) turns it off; the tests do.
 */
export const accessLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.env.ACCESS_LOG === "off") return next();
  const started = Date.now();
  const stats = { d1Calls: 0 };
  c.env = { ...c.env, DB: countedDb(c.env.DB) };
  await current.run(stats, () => next());
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
