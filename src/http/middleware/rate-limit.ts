import type { Context, MiddlewareHandler } from "hono";
import { rateLimitWindowsKnown } from "../../settings";
import type { AppEnv } from "../context";
import { rateLimited } from "../errors";

/** The window of the `[[ratelimits]]` bindings in wrangler.toml, in seconds. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * The Retry-After of a refusal by a rate-limit binding, in whole seconds: never fewer than the
 * caller really has to wait, since a client that retries sooner is refused again and spends
 * its budget for nothing. The binding answers only `{ success }`, so the wait comes from what
 * is known of how it counts:
 * - windows aligned to the epoch (Miniflare counts in the window `floor(now / period)`): the
 *   budget comes back when the window ends, so the wait is the time left in it, rounded up;
 * - otherwise (production, whose windows are neither documented nor told to the Worker, and
 *   are counted per location): the full period, the longest a fixed window can last.
 * `now` is read after the binding answered, so it is no earlier than the moment the binding
 * counted, and the window it names is no earlier than the one that refused.
 */
export function retryAfterSeconds(periodSeconds: number, windowsKnown: boolean, now: number): number {
  if (!windowsKnown) return periodSeconds;
  const periodMs = periodSeconds * 1000;
  const windowEnd = (Math.floor(now / periodMs) + 1) * periodMs;
  return Math.max(1, Math.ceil((windowEnd - now) / 1000));
}

/**
 * Per-token rate limiting with the Workers rate-limit binding (`RATE_LIMITER`), after
 * authentication so each credential has its own budget, and before the scope check so a
 * refused (403) request spends it too. Without the binding (a deployment that removed it)
 * requests are not limited.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const caller = c.get("caller");
  if (caller && c.env.RATE_LIMITER) {
    const { success } = await c.env.RATE_LIMITER.limit({ key: caller.id });
    if (!success) {
      const wait = retryAfterSeconds(RATE_LIMIT_PERIOD_SECONDS, rateLimitWindowsKnown(c.env), Date.now());
      throw rateLimited(wait, "This token has used its request budget; retry later.");
    }
  }
  await next();
};

/**
 * The workspace's own budget (`WORKSPACE_RATE_LIMITER`), spent by every request in it whoever
 * sends it, so one team's script cannot starve the other workspaces of the deployment. Spent
 * only once the caller may act in the workspace as far as can be told without the database (a
 * key of another workspace is refused first), so nobody spends another workspace's budget.
 */
export async function limitWorkspace(c: Context<AppEnv>, workspace: string): Promise<void> {
  if (!c.env.WORKSPACE_RATE_LIMITER) return;
  const { success } = await c.env.WORKSPACE_RATE_LIMITER.limit({ key: workspace });
  if (!success) throw rateLimited(RATE_LIMIT_PERIOD_SECONDS, "This workspace has used its request budget; retry later.");
}

/** Cloudflare sets CF-Connecting-IP on every request; without it (a test, a bare runtime) all share one budget. */
const clientAddress = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "unknown";
const OVER_BUDGET = "This address has sent too many requests without valid credentials; retry later.";

/**
 * Addresses known to be over their 401 budget, until when (epoch ms), per binding. The
 * binding has no way to ask without counting, so this isolate remembers its own answer and
 * refuses such an address before hashing its token or looking a guessed key up. Bounded, so
 * a flood of addresses cannot grow it without limit (the oldest entry goes first).
 */
const overBudget = new WeakMap<RateLimit, Map<string, number>>();
const MAX_REMEMBERED = 10_000;

/** 429 for an address already over its 401 budget, whatever credentials it sends now (so it cannot learn which are right). */
export function refuseOverBudgetAddress(c: Context<AppEnv>): void {
  const limiter = c.env.AUTH_FAILURE_LIMITER;
  const addresses = limiter && overBudget.get(limiter);
  const until = addresses?.get(clientAddress(c));
  if (!addresses || until === undefined) return;
  const left = until - Date.now();
  if (left <= 0) addresses.delete(clientAddress(c));
  else throw rateLimited(Math.ceil(left / 1000), OVER_BUDGET);
}

/** Counts a 401 against the client's address (`AUTH_FAILURE_LIMITER`); past the budget, the answer is a 429. */
export async function countAuthFailure(c: Context<AppEnv>): Promise<void> {
  const limiter = c.env.AUTH_FAILURE_LIMITER;
  if (!limiter) return;
  const address = clientAddress(c);
  const { success } = await limiter.limit({ key: address });
  if (success) return;
  const addresses = overBudget.get(limiter) ?? new Map<string, number>();
  overBudget.set(limiter, addresses);
  if (addresses.size >= MAX_REMEMBERED) addresses.delete(addresses.keys().next().value as string);
  addresses.delete(address);
  addresses.set(address, Date.now() + RATE_LIMIT_PERIOD_SECONDS * 1000);
  throw rateLimited(RATE_LIMIT_PERIOD_SECONDS, OVER_BUDGET);
}
