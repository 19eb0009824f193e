import { readFileSync } from "node:fs";
import { type LoadScenario, loadScenarios, runLoad } from "./load.ts";
import type { WorkerName, Workers } from "./workers.ts";

/**
 * Where the time goes: V8 CPU profiles of the project's and the baseline's Worker isolates
 * while each serves a load scenario, with the samples attributed to the bundle's modules (the
 * `// node_modules/…` and `// src/…` markers esbuild writes before each module). The profiler
 * samples wall time on the isolate's thread and slows it down, so the figures compare the two
 * sides and the parts of one side; they are not CPU time, and the throughput runs never profile.
 */

export const PROFILE = { seconds: 3, samplingIntervalMicros: 200, shown: 5 } as const;

export interface Breakdown {
  scenario: string;
  side: "project" | "baseline";
  /** Sampled milliseconds per request in the Worker's isolate, idle excluded. */
  msPerRequest: number;
  /** Share of those samples per module group, largest first. */
  shares: [group: string, share: number][];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** esbuild's marker before each module: `// node_modules/<package>/…` (maybe behind `../`), or `// src/…`. */
const PACKAGE = /^\/\/ (?:\S*\/)?node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//;
const OWN = /^\/\/ (src|bench)\//;
const SKIPPED = new Set(["(idle)", "(program)", "(root)"]);

/** For each line of a bundle, the module group it belongs to. */
function moduleGroups(script: string): string[] {
  let current = "bundler helpers";
  return readFileSync(script, "utf8")
    .split("\n")
    .map((line) => {
      const own = OWN.exec(line)?.[1];
      const dependency = PACKAGE.exec(line)?.[1];
      if (own) current = own === "src" ? "app (src/)" : "baseline (bench/)";
      else if (dependency) current = dependency;
      return current;
    });
}

function group(frame: ProfileNode["callFrame"], lines: string[], bundle: string): string {
  if (frame.url.endsWith(bundle)) return lines[frame.lineNumber] ?? "bundle";
  if (frame.url.startsWith("cloudflare-internal:d1")) return "D1 client (runtime JS)";
  if (frame.url !== "") return "runtime JS";
  return frame.functionName === "(garbage collector)" ? "GC" : "runtime native";
}

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

async function profileOne(workers: Workers, inspector: string, side: "project" | "baseline", scenario: LoadScenario): Promise<Breakdown> {
  const name: WorkerName = side;
  await runLoad(workers.urls[name], scenario, `${side}-profile-warm-up`, 1);
  const session = await inspect(`${inspector}/core:user:${name}`);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: PROFILE.samplingIntervalMicros });
  await session.send("Profiler.start");
  const load = await runLoad(workers.urls[name], scenario, `${side}-profile`, PROFILE.seconds);
  const { profile } = await session.send<{ profile: Profile }>("Profiler.stop");
  session.close();

  const script = workers.scripts[name];
  const lines = moduleGroups(script);
  const bundle = script.split("/").at(-1) ?? script;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byGroup = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((nodeId, i) => {
    const frame = nodes.get(nodeId)?.callFrame;
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (!frame || SKIPPED.has(frame.functionName)) return;
    const key = group(frame, lines, bundle);
    byGroup.set(key, (byGroup.get(key) ?? 0) + micros);
    total += micros;
  });
  return {
    scenario: scenario.name,
    side,
    msPerRequest: total / 1000 / load.requests,
    shares: [...byGroup].sort((a, b) => b[1] - a[1]).map(([key, micros]) => [key, micros / total]),
  };
}

/** Profiles every load scenario on both sides; `workers` must have been started with the inspector. */
export async function profileScenarios(size: number, workers: Workers): Promise<Breakdown[]> {
  const { inspector } = workers;
  if (!inspector) throw new Error("the Workers run without the inspector");
  const breakdowns: Breakdown[] = [];
  for (const scenario of loadScenarios(size)) {
    for (const side of ["project", "baseline"] as const) breakdowns.push(await profileOne(workers, inspector, side, scenario));
  }
  return breakdowns;
}
