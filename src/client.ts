import { hc } from "hono/client";
import type { AppType } from "./http/app";
import { CONSISTENCY_HEADER } from "./http/middleware/consistency";

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * A fetch that reads its own writes (API.md "Consistency at the edge"): it sends the
 * `X-Consistency-Token` of the newest response it has seen with every request (unless the
 * request carries one), so each request is served by a database copy at least that fresh.
 * Tokens are D1 bookmarks, fixed-width hex led by the commit position, so the newest is the
 * greatest in string order: a slow older response never takes the place of a newer one.
 */
export function withConsistency(fetcher: Fetch = fetch): Fetch {
  let newest: string | null = null;
  return async (input, init) => {
    const request = new Request(input, init);
    if (newest && !request.headers.has(CONSISTENCY_HEADER)) request.headers.set(CONSISTENCY_HEADER, newest);
    const response = await fetcher(request);
    const token = response.headers.get(CONSISTENCY_HEADER);
    if (token && (newest === null || token > newest)) newest = token;
    return response;
  };
}

/** The typed client of the API (hono/client), passing the consistency token along. */
export const createClient = (baseUrl: string, token: string, fetcher: Fetch = fetch) =>
  hc<AppType>(baseUrl, { headers: { Authorization: `Bearer ${token}` }, fetch: withConsistency(fetcher) });
