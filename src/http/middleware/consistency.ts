import type { MiddlewareHandler } from "hono";
import { type AppEnv, readsOnly } from "../context";
import { badRequest } from "../errors";

/** API.md "Consistency at the edge": the header a client sends back, and the one every answer carries. */
export const CONSISTENCY_HEADER = "X-Consistency-Token";

/**
 * A D1 bookmark as D1 writes them (`00000000-00000006-00000000-<32 hex>`). D1 accepts any
 * text as a bookmark and echoes it back, so the shape is checked here: anything else is a 400
 * rather than a session that promises nothing.
 */
export const CONSISTENCY_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/**
 * Every request runs its D1 work in one session (D1 read replication): from the client's
 * token when it sends one (served by a copy at least that fresh), else anywhere for reads and
 * from the primary for writes. The answer carries the session's bookmark after the request's
 * work, errors included; a request that read nothing carries back the token it sent, if any.
 */
export const consistency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.req.header(CONSISTENCY_HEADER);
  if (token !== undefined && !CONSISTENCY_TOKEN.test(token)) {
    throw badRequest(`${CONSISTENCY_HEADER} must be a token from an earlier response of this API, sent back unchanged.`);
  }
  const session = c.env.DB.withSession(token ?? (readsOnly(c) ? "first-unconstrained" : "first-primary"));
  // The one place a session becomes the binding drizzle-orm takes: it has prepare and batch, which is all drizzle uses.
  c.set("db", session as unknown as D1Database);
  await next();
  const bookmark = session.getBookmark() ?? token;
  if (bookmark) c.res.headers.set(CONSISTENCY_HEADER, bookmark);
};
