import { RegistryError } from "./errors.js";
import { delayBefore, isRetryable, type RetryOptions, type RetryPolicy, retryPolicy, sleep } from "./retry.js";

export interface ClientOptions {
  /** The registry's origin, such as `https://registry.example.com`. */
  url: string;
  /** An API key (`plk_...`) or the operator token. */
  token: string;
  /** The workspace that pipeline calls act in; `default` unless given. */
  workspace?: string;
  /** The fetch to send with (a test double, a Worker's service binding); the global one unless given. */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries of 429 and 503 responses, bounded. */
  retry?: RetryOptions;
  /** A consistency token to start from, such as one an earlier process saved. */
  consistencyToken?: string | null;
  /** Headers sent with every request, beside the ones the client sets. */
  headers?: Record<string, string>;
}

/** A query value: lists repeat the key, objects become `key[member]=value` (the API's deepObject form). */
export type QueryValue = string | number | boolean | null | undefined | Record<string, string>;

export interface Call {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
}

function queryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "object") {
      for (const [member, item] of Object.entries(value)) params.append(`${key}[${member}]`, item);
    } else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * Sends the calls of one client: its token on each, the consistency token of the last response
 * on the next request (so the client reads its own writes on a replicated database), bounded
 * retries of 429 and 503, and every refusal turned into a RegistryError.
 */
export class Transport {
  readonly workspace: string;
  /** The `X-Consistency-Token` of the last response, sent back with the next request. */
  consistencyToken: string | null;
  private readonly base: string;
  private readonly send: (request: Request) => Promise<Response>;
  private readonly policy: RetryPolicy;
  private readonly headers: Record<string, string>;

  constructor(options: ClientOptions) {
    this.base = options.url.replace(/\/+$/, "");
    this.workspace = options.workspace ?? "default";
    this.consistencyToken = options.consistencyToken ?? null;
    this.policy = retryPolicy(options.retry);
    this.headers = { ...options.headers, Authorization: `Bearer ${options.token}` };
    this.send = options.fetch ?? ((request) => fetch(request));
  }

  /** A path under the client's workspace. */
  inWorkspace(path: string): string {
    return `/v1/workspaces/${encodeURIComponent(this.workspace)}${path}`;
  }

  private request(call: Call): Request {
    const headers = new Headers({ ...this.headers, ...call.headers });
    if (this.consistencyToken !== null) headers.set("X-Consistency-Token", this.consistencyToken);
    const init: RequestInit = { method: call.method, headers };
    if (call.body !== undefined) {
      headers.set("Content-Type", "application/json");
      init.body = JSON.stringify(call.body);
    }
    return new Request(`${this.base}${call.path}${queryString(call.query)}`, init);
  }

  /** The response of a call that succeeded (2xx or 304), after any retries; a RegistryError otherwise. */
  async call(call: Call): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const request = this.request(call);
      const response = await this.send(request);
      const token = response.headers.get("X-Consistency-Token");
      if (token !== null) this.consistencyToken = token;
      if (response.ok || response.status === 304) return response;
      const delay = isRetryable(response.status, request) ? delayBefore(attempt, response, this.policy) : null;
      if (delay === null) throw await RegistryError.fromResponse(response);
      await response.body?.cancel();
      await sleep(delay);
    }
  }

  /** A call's JSON answer. */
  async json<T>(call: Call): Promise<T> {
    return (await (await this.call(call)).json()) as T;
  }
}
