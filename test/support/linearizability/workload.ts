import { exports } from "cloudflare:workers";
import { callWith, type Reply, stage } from "../http";
import { pipelinePath, pipelinesBase } from "../pipeline-paths";
import { type Outcome, Recorder } from "./history";
import type { RegistryHistory } from "./partition";
import type { RegistryInput, RegistryOutput, View } from "./registry-model";

/**
 * Concurrent clients of the pipeline API, recording a history for the linearizability
 * checker. Each client is an async loop of requests through the Worker's fetch handler; all
 * run at once (Promise.all), so their requests interleave in the Worker and the database.
 *
 * Contention is the point: a few names per cluster, shared by every client; creates only while
 * a cluster has few active pipelines, so most requests meet the same few; If-Match from the
 * newest version any client has seen, or a stale or future one; renames among the cluster's
 * names, so names are taken and freed while others want them.
 *
 * Each client draws its choices from its own generator, seeded from the run's seed: a seed
 * gives the same stream of choices, while which pipeline and version a choice lands on depends
 * on what the interleaving showed so far.
 */

export type OperationKind = RegistryInput["kind"];

export interface WorkloadOptions {
  seed: number;
  clients: number;
  operations: number;
  /** Disjoint groups of names (c0-a, c0-b, …): the checker's independent objects. */
  clusters: number;
  namesPerCluster: number;
  /** Relative weights of the operations; the defaults below for those left out. */
  mix?: Partial<Record<OperationKind, number>>;
  /** Where the requests go: the Worker's own fetch handler unless a test gives another app (a planted bug). */
  fetch?: (request: Request) => Response | Promise<Response>;
}

const DEFAULT_MIX: Record<OperationKind, number> = {
  create: 8,
  get: 22,
  put: 14,
  patch: 16,
  archive: 9,
  restore: 10,
  rollback: 9,
  delete: 3,
};

/** Enough active pipelines per cluster: beyond it, creates give way to deletes. */
const CROWDED = 3;

export const clusterOfName = (name: string) => name.slice(0, name.indexOf("-"));

export interface WorkloadResult {
  history: RegistryHistory;
  /** Answers outside the contract (a status no model state gives, an ETag that is not the version). */
  anomalies: string[];
}

/** mulberry32: small, fast, and good enough to choose requests. */
export function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    below: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

type Generator = ReturnType<typeof generator>;

/** What the clients know together: the pipelines each cluster has had, and the newest version seen of each. */
interface Knowledge {
  ids: string[][];
  gone: Set<string>;
  version: Map<string, number>;
}

const statusesOf: Record<OperationKind, readonly number[]> = {
  create: [201, 409],
  get: [200, 404],
  put: [200, 404, 409, 412],
  patch: [200, 404, 409, 412],
  archive: [200, 404, 412],
  restore: [200, 404, 409, 412],
  rollback: [200, 404, 409, 412],
  delete: [204, 404, 412],
};

function viewOf(reply: Reply): View {
  const { id, version, name, archived, configuration, stages } = reply.body;
  const content = `${configuration.w}|${stages.map((s: { name: string }) => s.name).join(",")}`;
  return { id, version, name, archived, content };
}

export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const names = Array.from({ length: options.clusters }, (_, c) =>
    Array.from({ length: options.namesPerCluster }, (_, n) => `c${c}-${String.fromCharCode(97 + n)}`),
  );
  const known: Knowledge = { ids: names.map(() => []), gone: new Set(), version: new Map() };
  const recorder = new Recorder<RegistryInput, RegistryOutput>();
  const anomalies: string[] = [];
  let started = 0;

  function learn(input: RegistryInput, cluster: number, output: RegistryOutput) {
    const view = output.view;
    if (view) {
      if (input.kind === "create") known.ids[cluster]?.push(view.id);
      known.version.set(view.id, Math.max(view.version, known.version.get(view.id) ?? 0));
    }
    if (input.kind !== "create" && (output.status === 404 || output.status === 204)) known.gone.add(input.id);
  }

  /** A version for If-Match: mostly the newest seen, sometimes one behind or ahead; or none. */
  function guard(random: Generator, id: string): number | undefined {
    if (random.chance(0.5)) return undefined;
    const version = known.version.get(id) ?? 1;
    const roll = random.next();
    return roll < 0.7 ? version : roll < 0.9 ? Math.max(1, version - 1) : version + 1;
  }

  function choose(random: Generator, client: number, serial: number): { input: RegistryInput; cluster: number } {
    const cluster = random.below(options.clusters);
    const clusterNames = names[cluster] as string[];
    const ids = known.ids[cluster] as string[];
    const live = ids.filter((id) => !known.gone.has(id));
    const token = `${client}.${serial}`;
    const weights = {
      ...mix,
      create: live.length < CROWDED ? mix.create * 3 : 0,
      delete: live.length > CROWDED ? mix.delete * 3 : mix.delete,
    };
    if (live.length === 0) return { input: { kind: "create", name: random.pick(clusterNames), token }, cluster };
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    let roll = random.next() * total;
    let kind: OperationKind = "get";
    for (const [k, weight] of Object.entries(weights) as [OperationKind, number][]) {
      roll -= weight;
      if (roll < 0) {
        kind = k;
        break;
      }
    }
    // Now and then a pipeline already deleted: a 404, which must stay one.
    const id = random.chance(0.04) && ids.length > live.length ? random.pick(ids.filter((i) => known.gone.has(i))) : random.pick(live);
    const ifMatch = guard(random, id);
    const name = random.pick(clusterNames);
    switch (kind) {
      case "create":
        return { input: { kind, name, token }, cluster };
      case "get":
        return { input: { kind, id }, cluster };
      case "put":
        return { input: { kind, id, name, token, ifMatch }, cluster };
      case "patch": {
        const renames = random.chance(0.35);
        const writes = !renames || random.chance(0.6);
        return { input: { kind, id, name: renames ? name : undefined, token: writes ? token : undefined, ifMatch }, cluster };
      }
      case "rollback": {
        const version = known.version.get(id) ?? 1;
        const to = random.chance(0.1) ? version + 1 : Math.max(1, version - random.below(5));
        return { input: { kind, id, to, ifMatch }, cluster };
      }
      default:
        return { input: { kind, id, ifMatch }, cluster };
    }
  }

  const fetcher = options.fetch ?? ((request: Request) => exports.default.fetch(request));
  const body = (token: string) => ({ configuration: { w: token }, stages: [stage(`s-${token}`)] });

  async function send(input: RegistryInput): Promise<Reply> {
    if (input.kind === "create") return callWith(fetcher, "POST", pipelinesBase, { body: { name: input.name, ...body(input.token) } });
    const path = pipelinePath(input.id);
    const ifMatch = input.kind === "get" ? undefined : input.ifMatch;
    const headers: Record<string, string> = ifMatch === undefined ? {} : { "If-Match": `"${ifMatch}"` };
    switch (input.kind) {
      case "get":
        return callWith(fetcher, "GET", path);
      case "put":
        return callWith(fetcher, "PUT", path, { body: { name: input.name, ...body(input.token) }, headers });
      case "patch": {
        const patch = { name: input.name, configuration: input.token === undefined ? undefined : { w: input.token } };
        return callWith(fetcher, "PATCH", path, { body: patch, headers });
      }
      case "rollback":
        return callWith(fetcher, "POST", pipelinePath(input.id, "/rollback"), { body: { version: input.to }, headers });
      case "delete":
        return callWith(fetcher, "DELETE", path, { headers });
      default:
        return callWith(fetcher, "POST", pipelinePath(input.id, `/${input.kind}`), { headers });
    }
  }

  function outcomeOf(input: RegistryInput, reply: Reply): Outcome<RegistryOutput> {
    const context = `${input.kind} ${"id" in input ? input.id : input.name}`;
    // A server error says nothing of whether the change happened: an unknown answer.
    if (reply.status >= 500) {
      anomalies.push(`${context}: ${reply.status} ${reply.text}`);
      return { unknown: `${reply.status}` };
    }
    if (!statusesOf[input.kind].includes(reply.status)) anomalies.push(`${context}: unexpected ${reply.status} ${reply.text}`);
    if (reply.status !== 200 && reply.status !== 201) return { output: { status: reply.status } };
    const view = viewOf(reply);
    if (reply.headers.get("ETag") !== `"${view.version}"`)
      anomalies.push(`${context}: ETag ${reply.headers.get("ETag")} for version ${view.version}`);
    return { output: { status: reply.status, view } };
  }

  async function client(index: number) {
    const random = generator(options.seed ^ Math.imul(index + 1, 0x9e3779b9));
    for (let serial = 0; started < options.operations; serial++) {
      started++;
      const { input, cluster } = choose(random, index, serial);
      const outcome = await recorder.record(index, input, async () => outcomeOf(input, await send(input)));
      if ("output" in outcome) learn(input, cluster, outcome.output);
    }
  }

  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return { history: recorder.history, anomalies };
}

/** Statuses per operation kind ("put 200×41 409×7 412×12"): what a run exercised. */
export function summarize(history: RegistryHistory): string {
  const counts = new Map<string, Map<string, number>>();
  for (const { input, output } of history) {
    const byStatus = counts.get(input.kind) ?? new Map<string, number>();
    const status = output === null ? "unknown" : String(output.status);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    counts.set(input.kind, byStatus);
  }
  return [...counts].map(([kind, byStatus]) => `${kind} ${[...byStatus].map(([status, n]) => `${status}×${n}`).join(" ")}`).join(", ");
}
