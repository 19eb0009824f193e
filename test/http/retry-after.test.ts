import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { RATE_LIMIT_PERIOD_SECONDS, retryAfterSeconds } from "../../src/http/middleware/rate-limit";
import { resetDatabase } from "../support/backend";
import { call, callWith } from "../support/http";
import { pipelinesBase } from "../support/pipeline-paths";
import { propertyParameters } from "../support/properties";

/**
 * A 429's Retry-After is never less than the real wait: a client that retries after it is let
 * in. Where the binding's windows are known (Miniflare's, aligned to the epoch) the header is
 * the time left in the window, so it is also at most a second more than the real wait.
 */

/** Miniflare's rate limiter (ratelimit-object.worker.js) on an injected clock: a count per window `floor(now / period)`. */
function fixedWindowLimiter(limit: number, periodSeconds: number) {
  let window = Number.NaN;
  let count = 0;
  return (now: number): boolean => {
    const current = Math.floor(now / (periodSeconds * 1000));
    if (current !== window) [window, count] = [current, 0];
    if (count >= limit) return false;
    count++;
    return true;
  };
}

const windowEnd = (now: number, periodSeconds = RATE_LIMIT_PERIOD_SECONDS) =>
  (Math.floor(now / (periodSeconds * 1000)) + 1) * periodSeconds * 1000;

describe("the Retry-After of a per-token 429", () => {
  it("lets a retry after Retry-After seconds in, and one a second sooner is still refused, for every moment of a window", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(10, 60),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: 0, max: 50 }),
        (period, limit, start, clockLag) => {
          const saturated = () => {
            const allow = fixedWindowLimiter(limit, period);
            for (let i = 0; i < limit; i++) allow(start);
            return allow;
          };
          expect(saturated()(start)).toBe(false);
          // The Worker reads its clock after the binding answered: at or after the refusal.
          const now = start + clockLag;
          const wait = retryAfterSeconds(period, true, now);
          expect(Number.isInteger(wait) && wait >= 1 && wait <= period).toBe(true);
          expect(saturated()(now + wait * 1000)).toBe(true);
          // A second sooner is too soon, unless the clock read crossed into the next window.
          if (wait > 1 && windowEnd(start, period) === windowEnd(now, period)) expect(saturated()(now + (wait - 1) * 1000)).toBe(false);
        },
      ),
      propertyParameters(500),
    );
  });

  it("is the full period when the binding's windows are not known, the longest a window lasts", () => {
    for (const now of [0, 1, 59_999, 60_000, Date.UTC(2026, 10, 26, 12, 0, 30)]) {
      expect(retryAfterSeconds(60, false, now)).toBe(60);
      expect(retryAfterSeconds(10, false, now)).toBe(10);
    }
    expect(retryAfterSeconds(60, true, 60_000)).toBe(60);
    expect(retryAfterSeconds(60, true, 119_999)).toBe(1);
    expect(retryAfterSeconds(60, true, 90_000)).toBe(30);
    expect(retryAfterSeconds(60, true, 90_001)).toBe(30);
  });

  describe("through the Worker, over Miniflare's limiter", () => {
    const app = createApp();
    const small = (request: Request) => app.fetch(request, { ...env, RATE_LIMITER: env.SMALL_RATE_LIMITER });
    let key: string;
    beforeAll(async () => {
      await resetDatabase();
      key = (await call("POST", "/v1/workspaces/default/api-keys", { body: { name: "retry-after", scopes: ["read"] } })).body.key;
    });

    it("says the seconds left in the limiter's window: not fewer, and at most one more", async () => {
      let reply = await callWith(small, "GET", `${pipelinesBase}/count`, { token: key });
      let before = Date.now();
      while (reply.status !== 429) {
        before = Date.now();
        reply = await callWith(small, "GET", `${pipelinesBase}/count`, { token: key });
      }
      const after = Date.now();
      const wait = Number(reply.headers.get("Retry-After"));
      expect(Number.isInteger(wait) && wait >= 1 && wait <= RATE_LIMIT_PERIOD_SECONDS).toBe(true);
      // The refusal was counted between `before` and `after`: in a window that ends by windowEnd(after).
      expect(after + wait * 1000).toBeGreaterThanOrEqual(windowEnd(after));
      expect(before + (wait - 1) * 1000).toBeLessThan(windowEnd(after));
    });

    it("keeps the full period when the deployment does not say how the binding counts", async () => {
      const unknown = (request: Request) =>
        app.fetch(request, { ...env, RATE_LIMITER: env.SMALL_RATE_LIMITER, RATE_LIMIT_WINDOWS: undefined });
      const reply = await callWith(unknown, "GET", `${pipelinesBase}/count`, { token: key });
      expect(reply.status).toBe(429);
      expect(reply.headers.get("Retry-After")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
    });
  });
});
