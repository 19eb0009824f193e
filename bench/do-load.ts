import { expectStatus, TOKEN } from "./http.ts";
import { combine, type LoadResult, type LoadScenario, loadScenarios, pair, type Rounds, runLoad } from "./load.ts";
import { pipelineBody } from "./seed.ts";

/**
 * Throughput on Durable Objects beside D1, in the same Miniflare: one workspace under the
 * scenarios of bench/load.ts, and writes spread over many workspaces. Measured as the baseline
 * comparison is (autocannon, rounds of alternating order after a warm-up), with fewer rounds.
 */

/** Fewer rounds than LOAD's, so the part adds little to the bench. */
export const DO_ROUNDS: Rounds = { rounds: 4, seconds: 2, warmUpSeconds: 1 };
/** Writes over many workspaces: clients, spread evenly, and the rounds. */
export const SPREAD = { workspaces: [1, 4, 16], connections: 16, rounds: 2, seconds: 2, warmUpSeconds: 1, calibrationSeconds: 2 } as const;

export interface ObjectLoadRow {
  scenario: string;
  request: string;
  objects: LoadResult;
  d1: LoadResult;
  /** objects / d1 requests per second. */
  ratio: number;
}

export interface WriteTime {
  /** The mean wait of the Worker on a write's database call (D1's, or the object's RPC call), and how many were timed. */
  meanMs: number;
  calls: number;
}

export interface SpreadRow {
  workspaces: number;
  objects: LoadResult & { write: WriteTime };
  d1: LoadResult & { write: WriteTime };
}

export interface SpreadResults {
  rows: SpreadRow[];
  /** One client, one workspace: each write's call with no other write queued before it (the model's write times). */
  calibration: { objects: WriteTime; d1: WriteTime };
}

/** One workspace, the default, under every scenario of bench/load.ts: objects (project-do) beside D1 (project). */
export async function measureObjectThroughput(size: number, urls: { objects: string; d1: string }): Promise<ObjectLoadRow[]> {
  const rows: ObjectLoadRow[] = [];
  const targets = { objects: { url: urls.objects, token: TOKEN }, d1: { url: urls.d1, token: TOKEN } };
  for (const scenario of loadScenarios(size)) {
    const { first: objects, second: d1, ratio } = await pair(scenario, targets, ["objects", "d1"], DO_ROUNDS);
    rows.push({ scenario: scenario.name, request: scenario.request, objects, d1, ratio });
  }
  return rows;
}

const workspaceId = (i: number) => `bench-w-${String(i).padStart(2, "0")}`;

/** Creates of bench-shaped pipelines in one workspace. */
const creates = (workspace: string): LoadScenario => ({
  name: `create in ${workspace}`,
  request: "POST /v1/workspaces/{workspace}/pipelines",
  call: (n, label) => ({ method: "POST", path: `/v1/workspaces/${workspace}/pipelines`, body: pipelineBody(`bench-spread-${label}-${n}`) }),
});

/** Adds up the metered Worker's write timings of every response of the runs it is given to. */
function writeTimer() {
  const total = { calls: 0, ms: 0 };
  return {
    onHeaders: (headers: NodeJS.Dict<string | string[]>) => {
      // autocannon keeps the names as the server spelled them.
      for (const [name, value] of Object.entries(headers)) {
        if (name.toLowerCase() === "x-bench-write-calls") total.calls += Number(value);
        if (name.toLowerCase() === "x-bench-write-ms") total.ms += Number(value);
      }
    },
    read(): WriteTime {
      const time = { meanMs: total.calls === 0 ? Number.NaN : total.ms / total.calls, calls: total.calls };
      total.calls = 0;
      total.ms = 0;
      return time;
    },
  };
}

type Timer = ReturnType<typeof writeTimer>;

/** One run of `connections` clients spread evenly over the first `workspaces`: a run per workspace, all at once, as one result. */
async function spreadRun(url: string, workspaces: number, connections: number, label: string, seconds: number, timer: Timer) {
  const runs = await Promise.all(
    Array.from({ length: workspaces }, (_, i) =>
      runLoad(url, creates(workspaceId(i)), `${label}-${i}`, seconds, TOKEN, {
        connections: connections / workspaces,
        onHeaders: timer.onHeaders,
      }),
    ),
  );
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const mean = (pick: (run: LoadResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    requestsPerSecond: requests / seconds,
    p50Ms: mean((run) => run.p50Ms),
    p99Ms: mean((run) => run.p99Ms),
    requests,
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
  };
}

type SpreadSide = "objects" | "d1";

/**
 * Writes to 1, 4 and 16 workspaces at once, 16 clients spread evenly over them, on objects and
 * on one D1 (both through their metered Workers, which time each write's database call), in
 * rounds of alternating order after a warm-up; then one client on one workspace, whose writes
 * never queue, for the model's write times. The workspaces are made first on both sides and
 * deleted after, with everything written to them.
 */
export async function measureSpread(urls: Record<SpreadSide, string>): Promise<SpreadResults> {
  const ids = Array.from({ length: Math.max(...SPREAD.workspaces) }, (_, i) => workspaceId(i));
  const sides: SpreadSide[] = ["objects", "d1"];
  for (const side of sides) {
    for (const id of ids) await expectStatus(urls[side], { method: "POST", path: "/v1/workspaces", body: { id } }, 201);
  }
  try {
    const timers = { objects: writeTimer(), d1: writeTimer() };
    const rows: SpreadRow[] = [];
    for (const workspaces of SPREAD.workspaces) {
      const run = (side: SpreadSide, label: string, seconds: number) =>
        spreadRun(urls[side], workspaces, SPREAD.connections, `${workspaces}-${side}-${label}`, seconds, timers[side]);
      const runs: Record<SpreadSide, LoadResult[]> = { objects: [], d1: [] };
      for (const side of sides) await run(side, "warm-up", SPREAD.warmUpSeconds);
      for (const side of sides) timers[side].read();
      for (let round = 0; round < SPREAD.rounds; round++) {
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) runs[side].push(await run(side, String(round), SPREAD.seconds));
      }
      const result = (side: SpreadSide) => ({ ...combine(runs[side], SPREAD.seconds), write: timers[side].read() });
      rows.push({ workspaces, objects: result("objects"), d1: result("d1") });
    }
    const calibrate = async (side: SpreadSide) => {
      await spreadRun(urls[side], 1, 1, `calibration-${side}`, SPREAD.calibrationSeconds, timers[side]);
      return timers[side].read();
    };
    return { rows, calibration: { objects: await calibrate("objects"), d1: await calibrate("d1") } };
  } finally {
    for (const side of sides) {
      for (const id of ids) await expectStatus(urls[side], { method: "DELETE", path: `/v1/workspaces/${id}` }, 204);
    }
  }
}
