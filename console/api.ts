import type { Problem } from "./types";

/**
 * The console's one way to the API: the same /v1 routes any client calls, on this origin, with
 * the token as a bearer header (never in a URL). The session lives in sessionStorage, so it is
 * this tab's alone and ends with it; signing out removes it.
 */
export interface Session {
  token: string;
  workspace: string;
  /** The operator token: may list and choose workspaces. */
  operator: boolean;
}

const STORAGE_KEY = "pipeline-registry-console";

export function loadSession(): Session | null {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (!text) return null;
  try {
    const session = JSON.parse(text) as Session;
    return typeof session.token === "string" ? session : null;
  } catch {
    return null;
  }
}

export const saveSession = (session: Session) => sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));

export const forgetSession = () => sessionStorage.removeItem(STORAGE_KEY);

/** The workspace an API key names (`plk_<workspace>_<id>…`); keys of the oldest formats belong to `default`. */
export function workspaceOfKey(token: string): string | null {
  if (!token.startsWith("plk_")) return null;
  const named = /^plk_([a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)_/.exec(token);
  return named?.[1] ?? "default";
}

/** A refusal or failure, as the API's problem (title, detail, request id) or one made alike for a network failure. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export interface Answer<T> {
  data: T;
  etag: string | null;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  ifMatch?: string | null;
  query?: Record<string, string | undefined>;
}

export function queryString(query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A path under the session's workspace: `/v1/workspaces/{workspace}{path}`. */
export const inWorkspace = (session: Session, path: string) => `/v1/workspaces/${encodeURIComponent(session.workspace)}${path}`;

export async function call<T>(token: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.ifMatch) headers["If-Match"] = options.ifMatch;
  let response: Response;
  try {
    response = await fetch(`${path}${queryString(options.query)}`, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new ProblemError({ title: "The API could not be reached", status: 0, detail: String(error) });
  }
  const requestId = response.headers.get("X-Request-Id") ?? undefined;
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const problem = (body ?? {}) as Partial<Problem>;
    throw new ProblemError({
      ...problem,
      title: problem.title ?? response.statusText ?? "The request failed",
      status: response.status,
      requestId: problem.requestId ?? requestId,
    } as Problem);
  }
  return { data: body as T, etag: response.headers.get("ETag") };
}
