import type { MiddlewareHandler } from "hono";
import type * as v from "valibot";
import type { FieldIssue } from "../../domain/errors";
import { parseInput } from "../../domain/validation";
import type { AppEnv } from "../context";
import { malformedJson, unsupportedMediaType } from "../errors";

/** The validated-input type a route gets from `jsonBody(schema)`: what hono/client sends (`in`), what handlers read (`out`). */
export type JsonInput<S extends v.GenericSchema> = { in: { json: v.InferInput<S> }; out: { json: v.InferOutput<S> } };

export interface JsonBodyOptions {
  /** Cross-field checks, after the schema's. */
  rules?: (input: unknown) => FieldIssue[];
  /** The content types accepted; `application/json` when not given. */
  mediaTypes?: readonly string[];
  /** An empty body (any or no content type) stands for `{}`. */
  optional?: boolean;
}

/**
 * Reads a JSON body: 415 for another content type, 400 for malformed JSON, 400 with every
 * failing field for invalid content (schema and cross-field `rules`). The parsed value is
 * `c.req.valid("json")`, typed for handlers and for `hono/client`. Routes declare their body
 * (src/http/route.ts), which documents it from the same schema.
 */
export function jsonBody<S extends v.GenericSchema>(
  schema: S,
  options: JsonBodyOptions = {},
): MiddlewareHandler<AppEnv, string, JsonInput<S>> {
  const mediaTypes = options.mediaTypes ?? ["application/json"];
  return async function jsonBody(c, next) {
    // Decoded by hand: Request.text() on a body declared as something else makes workerd warn.
    const text = new TextDecoder().decode(await c.req.arrayBuffer());
    const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    const empty = options.optional === true && text === "";
    if (!empty && !mediaTypes.includes(mediaType)) throw unsupportedMediaType(mediaTypes);
    let raw: unknown = {};
    try {
      if (!empty) raw = JSON.parse(text);
    } catch {
      throw malformedJson();
    }
    c.req.addValidatedData("json", parseInput(schema, raw, options.rules) as object);
    await next();
  };
}
