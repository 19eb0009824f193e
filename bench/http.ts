/** The bench's requests: the admin token the Miniflare bindings carry, JSON in and out. */

export const TOKEN = "bench-admin-token";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint: response bodies are checked where they are used
  body: any;
}

export interface Call {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function send(base: string, { method, path, body, headers = {} }: Call): Promise<Reply> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get("Content-Type") ?? "";
  return { status: response.status, headers: response.headers, text, body: type.includes("json") && text ? JSON.parse(text) : undefined };
}

/** `send`, insisting on the expected status. */
export async function expectStatus(base: string, call: Call, status: number): Promise<Reply> {
  const reply = await send(base, call);
  if (reply.status !== status)
    throw new Error(`${call.method} ${call.path}: ${reply.status} (expected ${status}): ${reply.text.slice(0, 500)}`);
  return reply;
}
