import type { MiddlewareHandler } from "hono";
import type { Operation, RequestBody } from "./types";

const DOC = Symbol("OpenAPI");

/** What a route contributes to the document: its operation (and HEAD's, for a GET), or its request body. */
export interface RouteDoc {
  operation?: Operation;
  head?: Operation;
  requestBody?: RequestBody;
}

/** Marks a handler with its part of the document; the document reads it back from `app.routes`. */
export const withDoc = <H extends object>(handler: H, doc: RouteDoc): H => Object.assign(handler, { [DOC]: doc });

export const routeDoc = (handler: unknown): RouteDoc | undefined => (handler as { [DOC]?: RouteDoc } | undefined)?.[DOC];

/**
 * The route's contract, first in its handler list. It does nothing at run time. A GET may
 * document its HEAD, which Hono answers with the same handlers.
 */
export function describe<E extends object>(operation: Operation, head?: Operation): MiddlewareHandler<{ Bindings: E }> {
  return withDoc((_c, next) => next(), { operation, head });
}
