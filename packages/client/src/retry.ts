/** How often, and how long at most, the client waits out a 429 or a 503 before giving up. */
export interface RetryOptions {
  /** Attempts after the first; 0 turns retrying off. Default 3. */
  retries?: number;
  /** The longest single wait, in milliseconds: a `Retry-After` beyond it is not waited for. Default 30000. */
  maxDelayMs?: number;
}

const DEFAULT_RETRIES = 3;
const DEFAULT_MAX_DELAY_MS = 30_000;
/** Without `Retry-After`, waits grow from half a second. */
const BASE_DELAY_MS = 500;

export interface RetryPolicy {
  retries: number;
  maxDelayMs: number;
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return { retries: options.retries ?? DEFAULT_RETRIES, maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS };
}

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * A 429 is refused before anything runs, so it is always safe to send again. A 503 may come
 * after the work was done: it is retried unless the request is a POST that neither an
 * `Idempotency-Key` nor an `If-Match` makes safe to repeat.
 */
export function isRetryable(status: number, request: Request): boolean {
  if (status === 429) return true;
  if (status !== 503) return false;
  return request.method !== "POST" || request.headers.has("Idempotency-Key") || request.headers.has("If-Match");
}

/** The wait before attempt `attempt` (1 for the first retry), or null when the policy says stop. */
export function delayBefore(attempt: number, response: Response, policy: RetryPolicy): number | null {
  if (attempt > policy.retries) return null;
  const asked = retryAfterMs(response.headers.get("Retry-After"));
  const delay = asked ?? BASE_DELAY_MS * 2 ** (attempt - 1);
  return delay > policy.maxDelayMs ? null : delay;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
