import { Validator } from "@cfworker/json-schema";
import { createApp } from "../../src/http/app";
import { openApiDocument } from "../../src/http/openapi/document";
import type { Header, Operation, Ref, Response } from "../../src/http/openapi/types";

/**
 * Holds every response of the HTTP tests to the OpenAPI document: its status must be documented
 * for the operation (a 5xx is a problem anywhere), its required headers present and well formed,
 * its body of a documented media type and valid against the documented schema, or absent when
 * none is documented. `call` and `callWith` (support/http.ts) run it, so a test fails on any
 * response that breaks the document.
 */

type Document = ReturnType<typeof openApiDocument> & {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; headers: Record<string, Header> };
};

const document = openApiDocument(createApp()) as Document;
const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"));

const validators = new Map<string, Validator>();
function validatorFor(schema: object): Validator {
  const key = JSON.stringify(schema).replaceAll("#/components/schemas/", "#/$defs/");
  let validator = validators.get(key);
  if (!validator) {
    validator = new Validator({ $defs: defs, ...JSON.parse(key) }, "2020-12", false);
    validators.set(key, validator);
  }
  return validator;
}

const templates = Object.keys(document.paths).map((path) => ({
  path,
  pattern: new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`),
}));

const PROBLEM: Response = {
  description: "Any problem",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};

function responseDoc(method: string, pathname: string, status: number): Response | string {
  // A literal path (/v1/workspaces/default/pipelines/count) wins over a template that also matches it.
  const matching = templates.filter((t) => t.pattern.test(pathname)).sort((a, b) => a.path.split("{").length - b.path.split("{").length);
  const operation = matching.map((t) => document.paths[t.path]?.[method.toLowerCase()]).find(Boolean);
  if (status >= 500) return PROBLEM;
  if (!operation) return status === 404 || status === 405 ? PROBLEM : `${method} ${pathname} is not documented`;
  return operation.responses[String(status)] ?? `${status} is not documented for ${method} ${pathname}`;
}

const headerDoc = (header: Header | Ref): Header =>
  "$ref" in header ? (document.components.headers[header.$ref.split("/").pop() ?? ""] as Header) : header;

function headerIssues(response: Response, headers: Headers): string[] {
  const issues: string[] = [];
  for (const [name, ref] of Object.entries(response.headers ?? {})) {
    const { required, schema } = headerDoc(ref);
    const value = headers.get(name);
    if (value === null) {
      if (required) issues.push(`header ${name} is missing`);
      continue;
    }
    const parsed = schema.type === "integer" ? Number(value) : value;
    const result = new Validator(schema as object, "2020-12").validate(parsed);
    if (!result.valid) issues.push(`header ${name}: ${JSON.stringify(value)} breaks ${JSON.stringify(schema)}`);
  }
  return issues;
}

export function contractIssues(request: Request, status: number, headers: Headers, text: string): string[] {
  // A CORS preflight is the browser's protocol, answered by the CORS middleware, not an operation.
  if (request.method === "OPTIONS" && request.headers.has("Access-Control-Request-Method")) return [];
  const { pathname } = new URL(request.url);
  const doc = responseDoc(request.method, pathname, status);
  if (typeof doc === "string") return [doc];
  const issues = headerIssues(doc, headers);
  const mediaType = (headers.get("Content-Type") ?? "").split(";")[0]?.trim() ?? "";
  if (!doc.content || request.method === "HEAD") {
    if (text !== "") issues.push(`a ${status} has no documented body, yet one came`);
    return issues;
  }
  const media = doc.content[mediaType];
  if (!media) return [...issues, `${mediaType || "no content type"} is not a documented body of ${status}`];
  if (!mediaType.endsWith("json")) return issues;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [...issues, `the ${status} body is not JSON`];
  }
  const result = validatorFor(media.schema).validate(body);
  for (const error of result.errors.slice(0, 5)) issues.push(`${error.instanceLocation}: ${error.error}`);
  return issues;
}

/** Throws when a response breaks the document, naming the request and what is wrong. */
export function assertContract(request: Request, status: number, headers: Headers, text: string): void {
  const issues = contractIssues(request, status, headers, text);
  if (issues.length > 0) {
    throw new Error(
      `${request.method} ${request.url} → ${status} breaks the OpenAPI document:\n  ${issues.join("\n  ")}\n  body: ${text.slice(0, 500)}`,
    );
  }
}
