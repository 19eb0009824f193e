import { type Call, expectStatus } from "./http.ts";

/** The requests the cost table measures (bench/cost.ts): one per endpoint and case, each with its read budget. */
export type ReadBudget =
  | "one"
  | "exists"
  | "page"
  | "configuration page"
  | "counter"
  /** One revision: its row, the pipeline's revision read by primary key. */
  | "revision"
  /** A page of revisions, metrics history, audit events or change events: one row per item, plus the pipeline's row (revisions, metrics history) and the look-ahead (the feed's watermark row instead). */
  | "history page"
  /** No read budget, and why. */
  | { unbudgeted: string };

export interface Case {
  endpoint: string;
  case: string;
  call: Call;
  status: number;
  reads: ReadBudget;
  /** D1 calls the request must make; 1 unless said. */
  calls?: number;
  /** Made with an API key: its row is read too (./api-keys.ts). */
  keyRow?: boolean;
}

export const withParams = (path: string, params: Record<string, string>) => {
  const url = new URL(path, "http://x");
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
};

/** The cursor of a page 90% into a listing, taken with `offset` (whose own cost is not measured here). */
export async function deepCursor(base: string, path: string): Promise<string> {
  const url = new URL(path, "http://x");
  const filters = [...url.searchParams].filter(([name]) => name !== "sort");
  const { count } = (
    await expectStatus(base, { method: "GET", path: `/v1/workspaces/default/pipelines/count?${new URLSearchParams(filters)}` }, 200)
  ).body;
  const offset = Math.max(0, Math.floor(count * 0.9) - 40);
  const reply = await expectStatus(base, { method: "GET", path: withParams(path, { offset: String(offset) }) }, 200);
  if (!reply.body.nextCursor) throw new Error(`no page after offset ${offset} of ${path}`);
  return reply.body.nextCursor;
}
