import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { rateLimited } from "../errors";

/** The window of the `[[ratelimits]]` binding in wrangler.toml, in seconds. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * Per-token rate limiting with the Workers rate-limit binding (`RATE_LIMITER`), after
 * authentication so each credential has its own budget. Without the binding (a deployment
 * that removed it) requests are not limited.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const caller = c.get("caller");
  if (caller && c.env.RATE_LIMITER) {
    const { success } = await c.env.RATE_LIMITER.limit({ key: caller.id });
    if (!success) throw rateLimited(RATE_LIMIT_PERIOD_SECONDS);
  }
  await next();
};
