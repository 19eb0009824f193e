import { TOKEN } from "./http.ts";
import { API_KEY_SCENARIOS, type LoadScenario, loadScenarios, runLoad } from "./load.ts";
import { origins } from "./source-map.ts";
import type { WorkerName, Workers } from "./workers.ts";

/**
 * Where the time goes: V8 CPU profiles of the project's and the baseline's Worker isolates
 * while each serves a load scenario (with the admin token, and with an API key), each sample
 * attributed to the bundle's modules and functions through the script's source map (which
 * survives minification), or else esbuild's module markers. The profiler samples what the
 * isolate's thread is doing; the samples that are not idle add up to the isolate's busy time
 * (its CPU time, what Workers bill, give or take the profiler's own overhead, which weighs on
 * both sides alike). The throughput runs never profile.
 */

export const PROFILE = { seconds: 3, samplingIntervalMicros: 200, shown: 5, functions: 8 } as const;

export interface Breakdown {
  scenario: string;
  /** The credential the load sent. */
  credential: "admin token" | "API key";
  side: "project" | "baseline";
  /** Sampled milliseconds per request of the isolate's thread at work (idle and unattributed native time excluded). */
  msPerRequest: number;
  /** V8's "(program)" samples per request: native work it attributes to no JavaScript function. */
  programMsPerRequest: number;
  requests: number;
  /** Share of those samples per module group, largest first. */
  shares: [group: string, share: number][];
  /** Self time per function (name and original source line), largest first, the first `PROFILE.functions`. */
  functions: [fn: string, share: number][];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const SKIPPED = new Set(["(idle)", "(program)", "(root)"]);

/** A Chrome DevTools Protocol session on one Worker's isolate. */
async function inspect(url: string) {
  const socket = new WebSocket(url);
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let id = 0;
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      waiting.set(++id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

type Lookup = ReturnType<typeof origins>["lookup"];

function classify(frame: ProfileNode["callFrame"], lookup: Lookup, bundle: string): { group: string; fn: string } {
  const name = frame.functionName || "(anonymous)";
  if (frame.url.endsWith(bundle)) {
    const origin = lookup(frame.lineNumber, frame.columnNumber);
    const where = origin.source ? ` ${origin.source}:${origin.line}` : "";
    return { group: origin.group, fn: `${name}${where}` };
  }
  if (frame.url.startsWith("cloudflare-internal:d1")) return { group: "D1 client (runtime JS)", fn: `${name} (D1 client)` };
  if (frame.url !== "") return { group: "runtime JS", fn: `${name} (${frame.url})` };
  const group = frame.functionName === "(garbage collector)" ? "GC" : "runtime native";
  return { group, fn: name };
}

interface Run {
  scenario: LoadScenario;
  credential: Breakdown["credential"];
  token: string;
}

async function profileOne(workers: Workers, inspector: string, side: "project" | "baseline", run: Run): Promise<Breakdown> {
  const name: WorkerName = side;
  const { scenario, token } = run;
  await runLoad(workers.urls[name], scenario, `${side}-profile-warm-up-${run.credential}`, 1, token);
  const session = await inspect(`${inspector}/core:user:${name}`);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: PROFILE.samplingIntervalMicros });
  await session.send("Profiler.start");
  const load = await runLoad(workers.urls[name], scenario, `${side}-profile-${run.credential}`, PROFILE.seconds, token);
  const { profile } = await session.send<{ profile: Profile }>("Profiler.stop");
  session.close();

  const script = workers.scripts[name];
  const { lookup } = origins(script);
  const bundle = script.split("/").at(-1) ?? script;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let program = 0;
  profile.samples.forEach((nodeId, i) => {
    const frame = nodes.get(nodeId)?.callFrame;
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (frame?.functionName === "(program)") program += micros;
    if (!frame || SKIPPED.has(frame.functionName)) return;
    const { group, fn } = classify(frame, lookup, bundle);
    byGroup.set(group, (byGroup.get(group) ?? 0) + micros);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    total += micros;
  });
  const shares = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).map(([key, micros]): [string, number] => [key, micros / total]);
  return {
    scenario: scenario.name,
    credential: run.credential,
    side,
    msPerRequest: total / 1000 / load.requests,
    programMsPerRequest: program / 1000 / load.requests,
    requests: load.requests,
    shares: shares(byGroup),
    functions: shares(byFunction).slice(0, PROFILE.functions),
  };
}

/**
 * Profiles every load scenario on both sides with the admin token, and the API key scenarios
 * with `key`; `workers` must have been started with the inspector.
 */
export async function profileScenarios(size: number, workers: Workers, key?: string): Promise<Breakdown[]> {
  const { inspector } = workers;
  if (!inspector) throw new Error("the Workers run without the inspector");
  const runs: Run[] = loadScenarios(size).map((scenario) => ({ scenario, credential: "admin token", token: TOKEN }));
  if (key) {
    for (const scenario of loadScenarios(size).filter((s) => API_KEY_SCENARIOS.includes(s.name)))
      runs.push({ scenario, credential: "API key", token: key });
  }
  const breakdowns: Breakdown[] = [];
  for (const run of runs) {
    for (const side of ["project", "baseline"] as const) breakdowns.push(await profileOne(workers, inspector, side, run));
  }
  return breakdowns;
}
