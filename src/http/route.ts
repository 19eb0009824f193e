import { type Context, Hono, type Next, type TypedResponse } from "hono";
import type { BlankInput, HandlerResponse, Schema, ToSchema } from "hono/types";
import type * as v from "valibot";
import type { AppEnv } from "./context";
import { declareScope, type RouteScope } from "./middleware/auth";
import { type JsonBodyOptions, type JsonInput, jsonBody } from "./middleware/json-body";
import { jsonContent } from "./openapi/responses";
import type { Operation, Parameter, Ref, RequestBody, Response } from "./openapi/types";

/**
 * A route is one declaration: its OpenAPI operation, the scope it needs, its JSON body, its
 * responses and its handler. `route` registers it with Hono (typed for hono/client) and keeps
 * its part of the document on the handler, where the document reads it back from `app.routes`
 * at build time (src/http/openapi/document.ts).
 */

type Method = "get" | "post" | "put" | "patch" | "delete";

/** What the document says of an operation, beside its responses. */
export interface OperationDoc {
  tags: string[];
  operationId: string;
  summary: string;
  description?: string;
  parameters?: (Parameter | Ref)[];
}

/** A JSON body: the schema that validates it (a named one) and how it is read. */
export interface Body<S extends v.GenericSchema = v.GenericSchema> extends JsonBodyOptions {
  schema: S;
}

type BodyInput<B> = B extends Body<infer S> ? JsonInput<S> : BlankInput;

export interface RouteDeclaration<M extends Method, P extends string, B extends Body | undefined, R> {
  method: M;
  path: P;
  operation: OperationDoc;
  /**
   * The scope the caller needs: a key's scope in the path's workspace, or `operator` (the
   * operator's token only). A route without one is public, and outside /v1: every /v1
   * request is authenticated, and a /v1 route that declares no scope is refused to everyone.
   */
  scope?: RouteScope;
  body?: B;
  responses: Record<string, Response>;
  /** A GET's HEAD, which Hono answers with the same handler. */
  head?: { operation: OperationDoc; responses: Record<string, Response> };
  handler: (c: Context<AppEnv, NoInfer<P>, BodyInput<B>>, next: Next) => R;
}

/** A route's part of the document: its operation (with HEAD's, for a GET) and its request body. */
export interface RouteDoc {
  operation: Operation;
  head?: Operation;
  requestBody?: RequestBody;
}

const DOC = Symbol("OpenAPI");

export const routeDoc = (handler: unknown): RouteDoc | undefined => (handler as { [DOC]?: RouteDoc } | undefined)?.[DOC];

/** The operation in the document's order of members; a route that needs no scope needs no token either. */
const operationOf = (
  { tags, operationId, summary, description, parameters }: OperationDoc,
  responses: Record<string, Response>,
  scope?: RouteScope,
) => ({
  tags,
  operationId,
  summary,
  ...(description === undefined ? {} : { description }),
  ...(parameters === undefined ? {} : { parameters }),
  ...(scope === undefined ? { security: [] } : {}),
  responses,
});

/** The body's documented media types, each with the schema and its example. */
const requestBodyOf = ({ schema, mediaTypes = ["application/json"], optional }: Body): RequestBody => ({
  required: optional !== true,
  content: Object.assign({}, ...mediaTypes.map((type) => jsonContent(schema, type))),
});

/** As Hono types a handler's answer for hono/client. */
type MergeTypedResponse<T> =
  T extends Promise<infer U> ? (U extends TypedResponse ? U : TypedResponse) : T extends TypedResponse ? T : TypedResponse;

/** One route, as a Hono app of its own: `resource` puts a resource's routes together. */
export function route<M extends Method, P extends string, R extends HandlerResponse<unknown>, B extends Body | undefined = undefined>(
  declaration: RouteDeclaration<M, P, B, R>,
): Hono<AppEnv, ToSchema<M, P, BodyInput<B>, MergeTypedResponse<R>>, "/"> {
  const { method, path, operation, scope, body, responses, head, handler } = declaration;
  if (routeDoc(handler)) throw new Error(`${operation.operationId}: a handler serves one route.`);
  const doc: RouteDoc = {
    operation: operationOf(operation, responses, scope),
    ...(head ? { head: operationOf(head.operation, head.responses, scope) } : {}),
    ...(body ? { requestBody: requestBodyOf(body) } : {}),
  };
  Object.assign(handler, { [DOC]: doc });
  if (scope) declareScope(handler, scope);
  const app = new Hono<AppEnv>();
  if (body) app.on(method, path, jsonBody(body.schema, body), handler as never);
  else app.on(method, path, handler as never);
  return app as never;
}

type SchemaOf<H> = H extends Hono<AppEnv, infer S, "/"> ? S : never;
/** The routes' schemas merged, as Hono's own chain (`.get(…).post(…)`) merges them. */
type Merged<U> = (U extends unknown ? (merged: U) => void : never) extends (merged: infer I extends Schema) => void ? I : never;

/**
 * A resource's routes, in the order the document lists them. The parameter is typed loosely on
 * purpose: typed as Hono apps, it would make TypeScript infer each route's path as `string`.
 */
export function resource<R extends object[]>(...routes: R): Hono<AppEnv, Merged<SchemaOf<R[number]>>, "/"> {
  const app = new Hono<AppEnv>();
  for (const one of routes) app.route("/", one as Hono<AppEnv>);
  return app as never;
}
