import type { MiddlewareHandler } from "hono";
import { newId } from "../../domain/ids";
import type { AppEnv } from "../context";

/** A valid incoming id is 1 to 128 visible ASCII characters. */
const VALID_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** Echoes a valid `X-Request-Id` or makes one, and puts it on every response, errors included. */
export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header("X-Request-Id");
  const id = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : newId();
  c.set("requestId", id);
  await next();
  c.res.headers.set("X-Request-Id", id);
};
