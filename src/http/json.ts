import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";
import { jsonText } from "../domain/json-text";

/**
 * `c.json`, except that values read as JSON text (pipelines as the database built them) go out
 * as that text rather than parsed and serialized again (src/domain/json-text.ts). Typed as
 * `c.json` is, so hono/client knows the answer.
 */
export function json<T extends object, S extends ContentfulStatusCode>(c: Context, value: T, status: S) {
  return c.body(jsonText(value), status, { "Content-Type": "application/json" }) as unknown as Response &
    TypedResponse<JSONParsed<T>, S, "json">;
}
