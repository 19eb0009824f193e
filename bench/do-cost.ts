import { type CostRow, costRow, header } from "./cost.ts";
import type { Case } from "./cost-case.ts";
import { cases } from "./cost-cases.ts";
import { send } from "./http.ts";

/**
 * The cost table on Durable Objects: every case of bench/cost-cases.ts, and the operator's
 * workspace routes, one request each through the metered Worker on objects
 * (bench/worker/metered-do.ts), with its RPC calls to objects, its calls to the D1 directory,
 * and the rows the objects' SQLite (and the directory) report read and written. The read
 * budgets are D1's (bench/cost.ts): the statements are D1's, run in the object.
 */

export interface ObjectCostRow extends CostRow {
  /** RPC calls to objects (`batch`, `destroy`), and calls to the D1 directory; `calls` is their sum. */
  objectCalls: number;
  directoryCalls: number;
  /** The same case's rows read on D1 at the same size, where measured. */
  d1RowsRead: number | null;
}

/**
 * The documented exceptions to one object call per request (docs/backends.md, "The
 * directory"): the operator's routes keep the D1 directory beside the objects.
 */
export const OPERATOR_CALLS = {
  "POST /v1/workspaces": { objects: 1, directory: 1, why: "the directory's row, then the object's" },
  "DELETE /v1/workspaces/{workspace}": { objects: 1, directory: 2, why: "the row marked, the object's storage deleted, the row removed" },
  "GET /v1/workspaces": { objects: 0, directory: 1, why: "the directory's page" },
} as const;

const WORKSPACE = "bench-do-cost";

function operatorCases(): (Case & { endpoint: keyof typeof OPERATOR_CALLS })[] {
  const unbudgeted = (reason: string) => ({ unbudgeted: reason });
  return [
    {
      endpoint: "POST /v1/workspaces",
      case: "create a workspace",
      call: { method: "POST", path: "/v1/workspaces", body: { id: WORKSPACE, displayName: "bench" } },
      status: 201,
      reads: unbudgeted("a write"),
    },
    {
      endpoint: "GET /v1/workspaces",
      case: "first page",
      call: { method: "GET", path: "/v1/workspaces" },
      status: 200,
      reads: unbudgeted("the directory's rows"),
    },
    {
      endpoint: "DELETE /v1/workspaces/{workspace}",
      case: "delete the workspace",
      call: { method: "DELETE", path: `/v1/workspaces/${WORKSPACE}` },
      status: 204,
      reads: unbudgeted("a write"),
    },
  ];
}

/** Runs every case once against the metered Worker on objects; `project` (same objects) serves the set-up reads. */
export async function measureObjectCosts(size: number, metered: string, project: string, d1: CostRow[] = []): Promise<ObjectCostRow[]> {
  const rows: ObjectCostRow[] = [];
  const all: Case[] = [...(await cases(size, project)), ...operatorCases()];
  for (const [i, c] of all.entries()) {
    const reply = await send(metered, c.call);
    const objectCalls = header(reply, "X-Bench-Object-Calls");
    const directoryCalls = header(reply, "X-Bench-Directory-Calls");
    const usage = {
      calls: objectCalls + directoryCalls,
      rowsRead: header(reply, "X-Bench-Rows-Read"),
      rowsWritten: header(reply, "X-Bench-Rows-Written"),
    };
    const operator = OPERATOR_CALLS[c.endpoint as keyof typeof OPERATOR_CALLS];
    const budget = operator ? operator.objects + operator.directory : (c.calls ?? 1);
    const row = await costRow(metered, c, reply, usage, { calls: budget, what: "calls (objects and directory)" });
    // What touches a workspace's data is one object call, whatever else the request does.
    if (objectCalls > (operator?.objects ?? 1)) row.failures.push(`${objectCalls} object calls, budget ${operator?.objects ?? 1}`);
    const onD1 = d1[i];
    const d1RowsRead = onD1 && onD1.endpoint === c.endpoint && onD1.case === c.case ? onD1.rowsRead : null;
    rows.push({ ...row, objectCalls, directoryCalls, d1RowsRead });
  }
  return rows;
}
