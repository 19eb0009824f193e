import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";

/** API answers are per caller and change with every write: no cache may keep one, errors and 304s included. */
export const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.req.path === "/v1" || c.req.path.startsWith("/v1/")) c.res.headers.set("Cache-Control", "no-store");
};
