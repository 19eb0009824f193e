import { expectStatus } from "./http.ts";
import { pipelineBody } from "./seed.ts";

/** Importing pipelines through the API, 100 per request (the contract's maximum), one request after another. */

export const BULK = { pipelines: 10_000, perRequest: 100 } as const;

export interface BulkResult {
  pipelines: number;
  requests: number;
  seconds: number;
  pipelinesPerSecond: number;
  d1Calls: number;
  rowsWritten: number;
  /** Slowest request, in milliseconds. */
  maxRequestMs: number;
}

export async function importInBulk(metered: string): Promise<BulkResult> {
  let d1Calls = 0;
  let rowsWritten = 0;
  let maxRequestMs = 0;
  const requests = BULK.pipelines / BULK.perRequest;
  const started = performance.now();
  for (let r = 0; r < requests; r++) {
    const pipelines = Array.from({ length: BULK.perRequest }, (_, i) =>
      pipelineBody(`bench-bulk-${String(r * BULK.perRequest + i).padStart(5, "0")}`),
    );
    const sent = performance.now();
    const reply = await expectStatus(
      metered,
      { method: "POST", path: "/v1/workspaces/default/pipelines/import", body: { pipelines } },
      201,
    );
    maxRequestMs = Math.max(maxRequestMs, performance.now() - sent);
    d1Calls += Number(reply.headers.get("X-Bench-D1-Calls"));
    rowsWritten += Number(reply.headers.get("X-Bench-Rows-Written"));
  }
  const seconds = (performance.now() - started) / 1000;
  return { pipelines: BULK.pipelines, requests, seconds, pipelinesPerSecond: BULK.pipelines / seconds, d1Calls, rowsWritten, maxRequestMs };
}
