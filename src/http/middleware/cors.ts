import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { readCorsOrigins } from "../../settings";
import type { AppEnv } from "../context";
import { CONSISTENCY_HEADER } from "./request-storage";

/**
 * CORS for the origins of `CORS_ORIGINS`, with the headers this API reads and writes. Without
 * configured origins there is no CORS at all (and OPTIONS is a 405 like any unknown method).
 */
export function corsForConfiguredOrigins(): MiddlewareHandler<AppEnv> {
  const policy = cors({
    origin: (origin, c) => (readCorsOrigins(c.env).includes(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: ["Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "X-Request-Id", CONSISTENCY_HEADER],
    exposeHeaders: ["ETag", "Link", "Location", "X-Request-Id", "Retry-After", "Idempotent-Replayed", CONSISTENCY_HEADER],
    maxAge: 600,
  });
  return function corsForConfiguredOrigins(c, next) {
    return readCorsOrigins(c.env).length > 0 ? policy(c, next) : next();
  };
}
