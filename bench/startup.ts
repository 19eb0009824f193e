import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { benchSettings } from "./workers.ts";

/**
 * What a Worker's script costs before it serves: its size as built (uncompressed, and gzipped
 * as Cloudflare counts it against the size limit), and the isolate's start-up time, from the
 * script's first load to its first response. Each run is a fresh Miniflare (a new workerd
 * process, the bench's bindings, an empty D1 database: the request needs none) whose Worker is
 * a two-line harness that imports the script on its first request (`await import(...)`) and
 * hands the request on; so the script is fetched from the module registry, compiled and
 * evaluated inside the first request, which is timed on the wall clock from the moment it is
 * sent to the end of its answer, apart from workerd's own start (about a second here, and too
 * noisy to subtract). The request is `GET /startup-probe`, a path no side serves: a 404 that runs
 * the app's middleware and builds a problem, with no database call. The second request is
 * timed too; the first minus the second is the script's load, evaluation and first-run cost.
 * A one-line Worker behind the same harness gives the floor.
 */

export const STARTUP = { runs: 10, path: "/startup-probe" } as const;

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
}

export interface StartupTimes {
  /** Medians over the runs, in milliseconds: workerd ready, the first request (the import included), the second. */
  readyMs: number;
  firstMs: number;
  secondMs: number;
  /** Every run's first request, in order. */
  firsts: number[];
}

export interface StartupResult {
  runs: number;
  trivial: StartupTimes;
  scripts: Record<string, { size: BundleSize; startup: StartupTimes; status: number }>;
}

export function bundleSize(script: string): BundleSize {
  const bytes = readFileSync(script);
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

const TRIVIAL = 'export default { fetch() { return new Response("ok"); } };';
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** The Worker: imports the script on the first request, then hands every request to it. */
const HARNESS =
  'export default { async fetch(request, env, ctx) { return (await import("./script.js")).default.fetch(request, env, ctx); } };';

async function timed(url: URL) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

async function startOnce(contents: string) {
  const started = performance.now();
  const modules = [
    { type: "ESModule" as const, path: "harness.js", contents: HARNESS },
    { type: "ESModule" as const, path: "script.js", contents },
  ];
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      logRequests: false,
      workers: [{ name: "startup", modules, ...benchSettings(), unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] }],
    }),
  );
  try {
    await mf.ready;
    const ready = performance.now() - started;
    const url = new URL(STARTUP.path, await mf.unsafeGetDirectURL("startup"));
    const first = await timed(url);
    const second = await timed(url);
    return { ready, first: first.ms, second: second.ms, status: first.status };
  } finally {
    await mf.dispose();
  }
}

async function timeStarts(contents: string, runs: number) {
  const samples: Awaited<ReturnType<typeof startOnce>>[] = [];
  // One start first, not counted: the first workerd process of all pays for the disk cache.
  await startOnce(contents);
  for (let i = 0; i < runs; i++) samples.push(await startOnce(contents));
  const times: StartupTimes = {
    readyMs: median(samples.map((s) => s.ready)),
    firstMs: median(samples.map((s) => s.first)),
    secondMs: median(samples.map((s) => s.second)),
    firsts: samples.map((s) => Math.round(s.first * 10) / 10),
  };
  return { times, status: samples.at(-1)?.status ?? 0 };
}

/** Sizes and start-up times of `scripts` (by name), and of the one-line Worker; the runs of each in turn. */
export async function measureStartup(scripts: Record<string, string>, runs: number = STARTUP.runs): Promise<StartupResult> {
  const trivial = (await timeStarts(TRIVIAL, runs)).times;
  const measured: StartupResult["scripts"] = {};
  for (const [name, script] of Object.entries(scripts)) {
    const { times, status } = await timeStarts(readFileSync(script, "utf8"), runs);
    measured[name] = { size: bundleSize(script), startup: times, status };
  }
  return { runs, trivial, scripts: measured };
}
