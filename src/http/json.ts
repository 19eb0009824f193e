import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";

/**
 * An answer whose JSON is already text (a page of pipelines as D1 wrote them), typed as
 * `c.json` would type a `T`, so hono/client knows the answer.
 */
export function json<T, S extends ContentfulStatusCode = ContentfulStatusCode>(c: Context, text: string, status: S) {
  return c.body(text, status, { "Content-Type": "application/json" }) as unknown as Response & TypedResponse<JSONParsed<T>, S, "json">;
}
