import type { Context } from "hono";
import type { AppEnv } from "../context";

/** `Link: <…>; rel="next"`: this request's URL with the next page's cursor (and no offset), when there is a next page. */
export function setNextLink(c: Context<AppEnv>, nextCursor: string | null): void {
  if (!nextCursor) return;
  const next = new URL(c.req.url);
  next.searchParams.delete("offset");
  next.searchParams.set("cursor", nextCursor);
  c.header("Link", `<${next.href}>; rel="next"`);
}
