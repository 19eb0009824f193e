import type { MiddlewareHandler } from "hono";
import { resolver, uniqueSymbol } from "hono-openapi";
import type * as v from "valibot";
import type { FieldIssue } from "../../domain/errors";
import { parseInput } from "../../domain/validation";
import type { AppEnv } from "../context";
import { malformedJson, unsupportedMediaType } from "../errors";

type JsonInput<S extends v.GenericSchema> = { in: { json: v.InferInput<S> }; out: { json: v.InferOutput<S> } };

/**
 * Reads a JSON body: 415 for another content type, 400 for malformed JSON, 400 with every
 * failing field for invalid content (schema and cross-field `rules`). The parsed value is
 * `c.req.valid("json")`, typed for handlers and for `hono/client`; the OpenAPI document
 * gets the request body from the same schema.
 */
export function jsonBody<S extends v.GenericSchema>(
  schema: S,
  options: {
    rules?: (input: unknown) => FieldIssue[];
    mediaTypes?: readonly string[];
    /** An empty body (any or no content type) stands for `{}`. */
    optional?: boolean;
  } = {},
): MiddlewareHandler<AppEnv, string, JsonInput<S>> {
  const mediaTypes = options.mediaTypes ?? ["application/json"];
  const middleware: MiddlewareHandler<AppEnv, string, JsonInput<S>> = async (c, next) => {
    const text = await c.req.text();
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
  const content = Object.fromEntries(mediaTypes.map((type) => [type, { schema: resolver(schema) }]));
  return Object.assign(middleware, {
    [uniqueSymbol]: { spec: { requestBody: { required: options.optional !== true, content } } },
  });
}
