import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, pipelineBody } from "../support/http";
import { propertyParameters, propertyTimeout } from "../support/properties";
import { type Schema, SchemaArbitraries } from "../support/schema-arbitraries";
import { createKey, createWorkspace, path } from "../support/workspaces";

/**
 * A generator that sends only what /openapi.json allows is never refused for the shape of its
 * request: for every operation, parameters, headers and bodies are drawn from the document's
 * schemas and sent, and no answer may be a 400 other than for a rule across members, which the
 * document states in prose. Values only the server issues (cursors, consistency tokens) are
 * left out, and `wait` is 0, so no request sleeps.
 */

// biome-ignore lint: a parsed JSON document
const fetchDocument = async (): Promise<any> => (await call("GET", "/openapi.json", { token: null })).body;

/**
 * The rules across members, or against what is stored, and a webhook URL's rules, which depend on
 * a setting (docs/api.md states each in prose): their 400s are about the values, not the shape.
 */
const CROSS_MEMBER_RULES = [
  /^a stage id must be the id of one of this pipeline's stages$/,
  /is used twice$/,
  /^order must equal the stage's position/,
  /stage may not directly follow another$/,
  /appears twice in the import$/,
  /may not exceed (bytes|chunks)Total$/,
  /^endTime may not be before startTime$/,
  /^url must (be an absolute URL|be https:\/\/|not carry user info|not name )/,
];

const SERVER_ISSUED = new Set(["cursor", "after", "X-Consistency-Token"]);
const WORKSPACE = "generated";
const RUNS = 15;

interface Operation {
  method: string;
  path: string;
  parameters: Schema[];
  requestBody?: Schema;
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

// biome-ignore lint: a parsed JSON document
function operationsOf(document: any): Operation[] {
  const resolve = (parameter: Schema): Schema =>
    parameter.$ref ? document.components.parameters[parameter.$ref.split("/").pop() as string] : parameter;
  return Object.entries(document.paths).flatMap(([route, item]) =>
    Object.entries(item as Record<string, Schema>).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: route,
      parameters: (operation.parameters ?? []).map(resolve),
      requestBody: operation.requestBody,
    })),
  );
}

const queryString = (query: [string, unknown][]) => {
  const params = new URLSearchParams();
  for (const [name, value] of query) {
    if (typeof value === "object" && value !== null)
      for (const [key, entry] of Object.entries(value)) params.append(`${name}[${key}]`, String(entry));
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
};

/** An arbitrary of requests to `operation`, its path ids taken from `known` (or drawn) where they name pipelines. */
function requestsTo(operation: Operation, schemas: SchemaArbitraries, pipelineIds: string[]): fc.Arbitrary<Sent> {
  const isWorkspaceItself = operation.path === "/v1/workspaces/{workspace}";
  const parameters = operation.parameters.filter((parameter) => !SERVER_ISSUED.has(parameter.name));
  const drawValue = (parameter: Schema): fc.Arbitrary<unknown> => {
    if (parameter.name === "wait") return fc.constant(0);
    if (parameter.in === "path" && parameter.name === "workspace" && !(isWorkspaceItself && operation.method === "DELETE")) {
      return fc.constant(WORKSPACE);
    }
    const drawn = schemas.of(parameter.schema);
    if (parameter.in === "path" && parameter.name === "id" && operation.path.includes("/pipelines/")) {
      return fc.oneof(fc.constantFrom(...pipelineIds), drawn);
    }
    return drawn;
  };
  const values = parameters.map((parameter) => {
    const value = drawValue(parameter);
    return parameter.required
      ? value.map((v) => [v])
      : fc.option(
          value.map((v) => [v]),
          { nil: undefined },
        );
  });
  const [contentType, media] = (Object.entries(operation.requestBody?.content ?? {})[0] ?? []) as [string?, Schema?];
  const body = media ? schemas.of(media.schema).map((v) => [v]) : fc.constant(undefined);
  const maybeBody = operation.requestBody?.required === false ? fc.option(body, { nil: undefined }) : body;
  return fc.tuple(fc.tuple(...values), maybeBody).map(([drawn, boxedBody]) => {
    let url = operation.path;
    const query: [string, unknown][] = [];
    const headers: Record<string, string> = {};
    parameters.forEach((parameter, i) => {
      const boxed = drawn[i];
      if (boxed === undefined) return;
      const [value] = boxed;
      if (parameter.in === "path") url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
      else if (parameter.in === "query") query.push([parameter.name, value]);
      else if (parameter.in === "header") headers[parameter.name] = String(value);
    });
    return {
      method: operation.method,
      url: `${url}${queryString(query)}`,
      headers,
      ...(boxedBody ? { body: boxedBody[0], contentType } : {}),
    };
  });
}

/** Whether a 400 is about values across members, not about the shape the document gives. */
const acrossMembers = (problem: { errors?: { message: string }[] } | undefined) =>
  (problem?.errors?.length ?? 0) > 0 &&
  (problem?.errors ?? []).every(({ message }) => CROSS_MEMBER_RULES.some((rule) => rule.test(message)));

describe("requests generated from the OpenAPI document", async () => {
  const document = await fetchDocument();
  const schemas = new SchemaArbitraries(document.components.schemas);
  const pipelineIds: string[] = [];
  let key = "";

  beforeAll(async () => {
    await createWorkspace(WORKSPACE);
    key = (await createKey(WORKSPACE, ["admin"])).key;
    for (const name of ["generated-one", "generated-two", "generated-three"]) {
      const created = await call("POST", path(WORKSPACE, "/pipelines"), { body: pipelineBody(name) });
      expect(created.status, created.text).toBe(201);
      pipelineIds.push(created.body.id);
    }
  });

  const cases = operationsOf(document).map((operation): [string, Operation] => [`${operation.method} ${operation.path}`, operation]);
  it.for(cases)(
    "%s: no request the document allows is refused for its shape",
    { timeout: propertyTimeout(RUNS, 200) },
    async ([, operation]) => {
      await fc.assert(
        fc.asyncProperty(requestsTo(operation, schemas, pipelineIds), async (sent) => {
          // Under a workspace, its admin key; the workspaces themselves take the operator's token.
          const token = /^\/v1\/workspaces\/[^/]+\//.test(sent.url) ? key : undefined;
          const reply = await call(sent.method, sent.url, {
            headers: sent.headers,
            body: sent.body,
            contentType: sent.contentType,
            ...(token ? { token } : {}),
          });
          const refused = reply.status === 400 && !acrossMembers(reply.body);
          expect(refused, `${sent.method} ${sent.url} ${JSON.stringify(sent.headers)} ${JSON.stringify(sent.body)}\n→ ${reply.text}`).toBe(
            false,
          );
          expect(reply.status, reply.text).toBeLessThan(500);
        }),
        propertyParameters(RUNS),
      );
    },
  );
});

describe("the document's patterns", async () => {
  const document = await fetchDocument();
  const patterns: string[] = [];
  const collect = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === "object" && value !== null) {
      for (const [name, member] of Object.entries(value)) {
        if (name === "pattern" && typeof member === "string") patterns.push(member);
        else collect(member);
      }
    }
  };
  collect(document);

  /** What ECMA-262 and Python's `re` read alike: no property classes, lookbehind, named groups, or flags and escapes one of them lacks. */
  const UNPORTABLE = [/\\[pP]\{/, /\(\?<[=!]/, /\(\?<[A-Za-z]/, /\(\?P/, /\(\?[a-z]+[:)]/, /\\[dDwWsSbB]/, /\\[kcu]\{/, /\\c[A-Za-z]/];

  it("has patterns, each compiling as ECMA-262 with and without the u flag", () => {
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of patterns) {
      expect(() => new RegExp(pattern), pattern).not.toThrow();
      expect(() => new RegExp(pattern, "u"), pattern).not.toThrow();
    }
  });

  it("writes each pattern in the subset other languages' engines read too (no \\p{…}, lookbehind, named groups, or \\d-style classes)", () => {
    for (const pattern of patterns) {
      for (const construct of UNPORTABLE) expect(construct.test(pattern), `${pattern} has ${construct}`).toBe(false);
    }
  });
});
