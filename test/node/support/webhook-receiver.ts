import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/**
 * Global set-up of the workerd projects: a real HTTP server on 127.0.0.1 that webhook tests
 * register as endpoints (the Worker reaches it with WEBHOOK_ALLOW_LOOPBACK=true). Each test
 * names its own receiver in the path, `/r/<name>`, and says there how it answers: `fail=<n>`
 * answers the first n deliveries with `status` (default 500), then 204; `fail=always` answers
 * every one so. `GET /log/<name>` gives what `<name>` received, headers and raw body, for the
 * test to verify with the standardwebhooks package. Hostile answers, for the consumer's limits:
 * `redirect=1` answers 302 to `/r/<name>-moved` (which logs what reaches it), `endless=1` a 500
 * whose body never ends, `slow=<ms>` nothing for that long, then 204, `trickle=1` a 200 whose body
 * comes a byte every half second. Each stops when the connection closes, and within a minute.
 */

interface Received {
  headers: Record<string, string>;
  body: string;
}

const read = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

export default async function startReceiver(project: TestProject): Promise<() => Promise<void>> {
  const log = new Map<string, Received[]>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const [, kind, name = ""] = url.pathname.split("/");
    if (request.method === "GET" && kind === "log") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(log.get(name) ?? []));
      return;
    }
    if (request.method !== "POST" || kind !== "r") {
      response.writeHead(404).end();
      return;
    }
    const body = await read(request);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, String(value)]));
    const received = [...(log.get(name) ?? []), { headers, body }];
    log.set(name, received);
    const hostile = url.searchParams;
    if (hostile.has("redirect")) {
      response.writeHead(302, { location: `/r/${name}-moved` }).end();
      return;
    }
    if (hostile.has("endless") || hostile.has("trickle")) {
      response.writeHead(hostile.has("endless") ? 500 : 200, { "content-type": "text/plain" });
      const chunk = hostile.has("endless") ? "x".repeat(64 * 1024) : "x";
      const until = Date.now() + 60_000;
      const more = () => {
        if (response.destroyed || Date.now() > until) return response.end();
        response.write(chunk, () => setTimeout(more, hostile.has("endless") ? 0 : 500));
      };
      more();
      return;
    }
    if (hostile.has("slow")) await new Promise((resolve) => setTimeout(resolve, Number(hostile.get("slow"))));
    const fail = url.searchParams.get("fail");
    const failing = fail === "always" || received.length <= Number(fail ?? 0);
    if (failing) response.writeHead(Number(url.searchParams.get("status") ?? 500)).end("receiver says no");
    else response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("webhookReceiver", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
