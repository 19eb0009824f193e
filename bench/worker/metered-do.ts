import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";
import type { BatchAnswer, SentStatement, WorkspaceObjectCalls } from "../../src/storage/durable-objects/protocol";
import { meterD1 } from "./d1-meter";

/**
 * The bench's Worker on Durable Objects: the production app over a metered WORKSPACES binding
 * and a metered directory (the D1 binding), each request's cost in response headers. Every RPC
 * call from the Worker to an object (`batch`, `destroy`) is counted, with the rows the object's
 * SQLite reports read and written for each statement (`cursor.rowsRead` / `rowsWritten`, carried
 * back in the answer), and the milliseconds the Worker waited on the object's write calls. The
 * objects are the production Worker's (the binding names its class in the script project-do),
 * so this Worker sees the same data. Only `npm run bench` bundles this entry.
 */
interface ObjectUsage {
  calls: number;
  rowsRead: number;
  rowsWritten: number;
  writeCalls: number;
  writeMs: number;
}

type Stub = WorkspaceObjectCalls;

function meterObjects(binding: DurableObjectNamespace, usage: ObjectUsage): DurableObjectNamespace {
  const meter = (stub: Stub): Stub => ({
    async batch(workspace: string, statements: SentStatement[]): Promise<BatchAnswer> {
      usage.calls++;
      const started = performance.now();
      const answer = await stub.batch(workspace, statements);
      if ("results" in answer) {
        const written = answer.results.reduce((sum, r) => sum + r.rowsWritten, 0);
        usage.rowsRead += answer.results.reduce((sum, r) => sum + r.rowsRead, 0);
        usage.rowsWritten += written;
        // Workers' clocks move only across I/O: this is the wait on the object, not CPU time.
        if (written > 0) {
          usage.writeCalls++;
          usage.writeMs += performance.now() - started;
        }
      }
      return answer;
    },
    destroy(workspace: string) {
      usage.calls++;
      return stub.destroy(workspace);
    },
  });
  const namespace = binding as unknown as DurableObjectNamespace<never> & { getByName(name: string): Stub };
  // The Worker reaches its objects by name only (src/storage/durable-objects/objects.ts).
  return { getByName: (name: string) => meter(namespace.getByName(name)) } as unknown as DurableObjectNamespace;
}

const app = createApp();

export default {
  async fetch(request, env, ctx) {
    if (!env.WORKSPACES) throw new Error("the metered Worker on Durable Objects needs a WORKSPACES binding");
    const objects: ObjectUsage = { calls: 0, rowsRead: 0, rowsWritten: 0, writeCalls: 0, writeMs: 0 };
    const directory = meterD1(env.DB);
    const response = await app.fetch(request, { ...env, DB: directory.db, WORKSPACES: meterObjects(env.WORKSPACES, objects) }, ctx);
    const metered = new Response(response.body, response);
    const headers = {
      "X-Bench-Object-Calls": objects.calls,
      "X-Bench-Directory-Calls": directory.usage.calls,
      "X-Bench-Rows-Read": objects.rowsRead + directory.usage.rowsRead,
      "X-Bench-Rows-Written": objects.rowsWritten + directory.usage.rowsWritten,
      "X-Bench-Write-Calls": objects.writeCalls,
      "X-Bench-Write-Ms": objects.writeMs,
    };
    for (const [name, value] of Object.entries(headers)) metered.headers.set(name, String(value));
    return metered;
  },
} satisfies ExportedHandler<Env>;
