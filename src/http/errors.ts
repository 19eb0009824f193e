/**
 * Errors that only HTTP knows (the domain's own are in src/domain/errors.ts). Both are
 * turned into problem+json in one place: src/http/problem.ts.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 422 | 429,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string) => new HttpError(400, "bad-request", "Bad request", detail);
export const malformedJson = () => new HttpError(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.");
export const unauthorized = (detail: string) =>
  new HttpError(401, "unauthorized", "Unauthorized", detail, { "WWW-Authenticate": 'Bearer realm="pipeline-registry"' });
export const forbidden = (detail: string) => new HttpError(403, "forbidden", "Forbidden", detail);
export const routeNotFound = () => new HttpError(404, "not-found", "Not found", "No route matches this path.");
export const methodNotAllowed = (allowed: string[]) =>
  new HttpError(405, "method-not-allowed", "Method not allowed", `This path allows ${allowed.join(", ")}.`, {
    Allow: allowed.join(", "),
  });
export const payloadTooLarge = (limit: number) =>
  new HttpError(413, "payload-too-large", "Payload too large", `The request body is over ${limit} bytes.`);
export const unsupportedMediaType = (accepted: readonly string[]) =>
  new HttpError(415, "unsupported-media-type", "Unsupported media type", `Send the body as ${accepted.join(" or ")}.`);
export const idempotencyKeyReused = () =>
  new HttpError(
    422,
    "idempotency-key-reused",
    "Idempotency key reused",
    "This Idempotency-Key was used with a different request in the last 24 hours.",
  );
export const rateLimited = (retryAfterSeconds: number, detail: string) =>
  new HttpError(429, "rate-limited", "Too many requests", detail, {
    "Retry-After": String(retryAfterSeconds),
  });
