import { type Case, withParams } from "./cost-case.ts";
import { cases } from "./cost-cases.ts";
import { expectStatus, type Reply, send } from "./http.ts";

/**
 * The cost table: one request per endpoint and case through the metered Worker, with D1's own
 * count of calls, rows read and rows written, checked against the budgets:
 *
 * - calls: exactly 1 D1 call per request (0 for the two documentation routes, which serve no data);
 * - reads of one pipeline and of list pages: rows read <= rows returned + allowance, where
 *   rows returned = pipelines + stages + parameters + configuration entries of the response, and
 *   allowance = range ends + look-ahead + driving entries + C:
 *     range ends: SQLite steps onto the row after the last one of every index range it scans
 *       and D1 counts that row (2 per pipeline: its stages and its configuration, 1 per stage:
 *       its parameters; none where a range ends at the end of its index);
 *     look-ahead: a page reads one pipeline past its last (with its children and their range
 *       ends) to know whether there is a next page;
 *     driving entries: a page selected by a configuration filter reads that entry's index row
 *       besides the pipeline row, per pipeline (look-ahead included);
 *     C: a constant, SLACK, and the workspace's row, which every call checks (WORKSPACE_CHECK);
 * - the unfiltered count reads at most SLACK rows (the counter rows) and the workspace's, whatever the table's size.
 * Every one of these is the same at both sizes: none depends on how many pipelines there are.
 */

export const SLACK = 2;
/** The workspace's row, read by the check at the head of every call. */
export const WORKSPACE_CHECK = 1;
const ALLOWANCE = SLACK + WORKSPACE_CHECK;

export interface CostRow {
  endpoint: string;
  case: string;
  status: number;
  calls: number;
  rowsRead: number;
  rowsWritten: number;
  /** Rows of the response (pipelines + stages + parameters + configuration entries), where budgeted. */
  returned: number | null;
  /** The most rows the request may read, where budgeted. */
  readBudget: number | null;
  note: string | null;
  failures: string[];
}

interface PipelineJson {
  stages: { parameters: Record<string, string> }[];
  configuration: Record<string, string>;
}

const rowsOf = (p: PipelineJson) =>
  1 + p.stages.length + p.stages.reduce((sum, s) => sum + Object.keys(s.parameters).length, 0) + Object.keys(p.configuration).length;
const rangeEndsOf = (p: PipelineJson) => 2 + p.stages.length;

export const header = (reply: Reply, name: string) => Number(reply.headers.get(name) ?? Number.NaN);

/** The rows a read returned and the most it may read; null where it has no read budget. */
async function readBudget(base: string, c: Case, reply: Reply): Promise<{ returned: number; budget: number } | null> {
  if (typeof c.reads === "object") return null;
  if (c.reads === "counter") return { returned: 1, budget: ALLOWANCE };
  if (c.reads === "exists") return { returned: 1, budget: 1 + ALLOWANCE };
  if (c.reads === "revision") return { returned: 1, budget: 1 + ALLOWANCE };
  if (c.reads === "history page") {
    const returned = (reply.body.data as unknown[]).length;
    const lookAhead = reply.body.nextCursor ? 1 : 0;
    const pipelineRow = /\/(revisions|metrics\/history)/.test(c.call.path) ? 1 : 0;
    return { returned, budget: returned + lookAhead + pipelineRow + ALLOWANCE };
  }
  if (c.reads === "one") {
    const pipeline = reply.body as PipelineJson;
    return { returned: rowsOf(pipeline), budget: rowsOf(pipeline) + rangeEndsOf(pipeline) + ALLOWANCE };
  }
  const items = reply.body.data as PipelineJson[];
  const returned = items.reduce((sum, p) => sum + rowsOf(p), 0);
  let allowance = items.reduce((sum, p) => sum + rangeEndsOf(p), 0) + ALLOWANCE;
  const next: string | null = reply.body.nextCursor;
  if (next) {
    const path = withParams(c.call.path, { cursor: next, limit: "1" });
    const [lookAhead] = (await expectStatus(base, { method: "GET", path }, 200)).body.data as PipelineJson[];
    if (lookAhead) allowance += rowsOf(lookAhead) + rangeEndsOf(lookAhead);
  }
  if (c.reads === "configuration page") allowance += items.length + (next ? 1 : 0);
  return { returned, budget: returned + allowance };
}

/** What one request cost, as the metered Worker reports it. */
export interface Usage {
  calls: number;
  rowsRead: number;
  rowsWritten: number;
}

/**
 * One case's row: its answer and cost checked against the budgets, `calls` being the calls it
 * must make (`what` names them in a failure); `metered` serves the look-ahead reads.
 */
export async function costRow(
  metered: string,
  c: Case,
  reply: Reply,
  usage: Usage,
  { calls: expectedCalls = c.calls ?? 1, what = "D1 calls" }: { calls?: number; what?: string } = {},
): Promise<CostRow> {
  const { calls, rowsRead, rowsWritten } = usage;
  const failures: string[] = [];
  if (reply.status !== c.status) failures.push(`status ${reply.status}, expected ${c.status}: ${reply.text.slice(0, 200)}`);
  if (calls !== expectedCalls) failures.push(`${calls} ${what}, budget ${expectedCalls}`);
  const budget = failures.length === 0 ? await readBudget(metered, c, reply) : null;
  const reads = budget && c.keyRow ? { ...budget, budget: budget.budget + 1 } : budget;
  if (reads && rowsRead > reads.budget) failures.push(`${rowsRead} rows read, budget ${reads.budget}`);
  return {
    endpoint: c.endpoint,
    case: c.case,
    status: reply.status,
    calls,
    rowsRead,
    rowsWritten,
    returned: reads?.returned ?? null,
    readBudget: reads?.budget ?? null,
    note: typeof c.reads === "object" ? c.reads.unbudgeted : null,
    failures,
  };
}

/** Runs every case once against the metered Worker; `project` (same data) serves the set-up reads. */
export async function measureCosts(size: number, metered: string, project: string): Promise<CostRow[]> {
  const rows: CostRow[] = [];
  for (const c of await cases(size, project)) {
    const reply = await send(metered, c.call);
    const usage = {
      calls: header(reply, "X-Bench-D1-Calls"),
      rowsRead: header(reply, "X-Bench-Rows-Read"),
      rowsWritten: header(reply, "X-Bench-Rows-Written"),
    };
    rows.push(await costRow(metered, c, reply, usage));
  }
  return rows;
}
