import type { Hono } from "hono";
import { generateSpecs, resolver } from "hono-openapi";
import * as v from "valibot";
import type { AppEnv } from "./context";
import { ProblemSchema } from "./problem";

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON, failed validation (every failing field in `errors`; strings must be well-formed Unicode, without unpaired surrogates), or a bad query parameter.",
  401: "No, malformed or unknown bearer token (with `WWW-Authenticate: Bearer`).",
  403: "The token lacks the scope.",
  404: "No such resource.",
  409: "An active pipeline already has the name, or the pipeline is archived.",
  412: "`If-Match` does not match the current ETag.",
  413: "Body over 256 KiB.",
  415: "Not a JSON content type.",
  422: "`Idempotency-Key` reused with a different request.",
  429: "Rate limit hit (with `Retry-After`).",
};

/** Times in responses: RFC 3339 UTC with milliseconds. */
export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp(), v.description("RFC 3339 UTC with milliseconds"));

export const jsonResponse = (description: string, schema: v.GenericSchema) => ({
  description,
  content: { "application/json": { schema: resolver(schema) } },
});

/** The problem+json responses a route can give, by status. */
export function problemResponses(...statuses: (keyof typeof PROBLEM_DESCRIPTIONS)[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? "Error.",
        content: { "application/problem+json": { schema: resolver(ProblemSchema) } },
      },
    ]),
  );
}

export function openApiDocument(app: Hono<AppEnv>) {
  return generateSpecs(app, {
    documentation: {
      openapi: "3.1.0",
      info: {
        title: "Pipeline registry API",
        version: "1.0.0",
        description:
          "Named, ordered processing pipelines with configuration and latest metrics. Every error is RFC 9457 `application/problem+json` with the request id; every response carries `X-Request-Id`.",
      },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN or an API key (plk_…)." } },
      },
      security: [{ bearer: [] }],
    },
    exclude: ["/openapi.json", "/docs"],
  });
}
