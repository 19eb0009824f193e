import type { LOAD, LoadResult, LoadRow } from "./load.ts";
import type { Breakdown, PROFILE } from "./profile.ts";
import type { StartupResult, StartupTimes } from "./startup.ts";

/** The report's performance sections, shared by `npm run bench` and its quick mode: throughput with CPU per request, API keys, profiles, size and start-up. */

export interface PerfResults {
  environment: Record<string, string | number>;
  settings: { load: typeof LOAD; profile: typeof PROFILE & { size: number } };
  sizes: number[];
  /** By size. */
  throughput: Record<string, LoadRow[]>;
  /** By size (the first only): the project and the baseline, both with the same API key. */
  apiKeyThroughput: Record<string, LoadRow[]>;
  /** The project against itself, measured as the comparisons are: the noise of this run (absent from older results). */
  noise?: LoadRow;
  /** Where the baseline did not answer what the project answers (should be none). */
  baselineDifferences: string[];
  profile: Breakdown[];
  startup: StartupResult;
}

const thousands = (n: number) => n.toLocaleString("en-US");
const size = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const fixed = (n: number, digits = 2) => n.toFixed(digits);
export const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");

const load = (r: LoadResult) => [thousands(Math.round(r.requestsPerSecond)), fixed(r.p50Ms, 1), fixed(r.p99Ms, 1)];

/** Every ratio of the run, the API key scenarios included. */
export const allRatios = (results: PerfResults) =>
  [...Object.values(results.throughput), ...Object.values(results.apiKeyThroughput)].flat().map((row) => row.ratio);

function cpu(results: PerfResults, n: number, scenario: string, credential: Breakdown["credential"]) {
  const at = (side: Breakdown["side"]) =>
    n === results.settings.profile.size
      ? results.profile.find((b) => b.scenario === scenario && b.credential === credential && b.side === side)
      : undefined;
  const [project, baseline] = [at("project"), at("baseline")];
  return {
    project: project ? fixed(project.msPerRequest) : "–",
    baseline: baseline ? fixed(baseline.msPerRequest) : "–",
    ratio: project && baseline ? fixed(project.msPerRequest / baseline.msPerRequest) : "–",
  };
}

function loadTable(results: PerfResults, bySize: Record<string, LoadRow[]>, credential: Breakdown["credential"]): string {
  const rows = Object.entries(bySize).flatMap(([n, loadRows]) =>
    loadRows.map((row) => {
      const c = cpu(results, Number(n), row.scenario, credential);
      return [row.scenario, size(Number(n)), ...load(row.project), c.project, ...load(row.baseline), c.baseline, fixed(row.ratio), c.ratio];
    }),
  );
  return table(
    [
      "scenario",
      "pipelines",
      "project req/s",
      "p50 ms",
      "p99 ms",
      "project CPU ms/request",
      "baseline req/s",
      "p50 ms",
      "p99 ms",
      "baseline CPU ms/request",
      "project / baseline req/s",
      "project / baseline CPU",
    ],
    rows,
  );
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

function profileTable(results: PerfResults): string {
  const { shown } = results.settings.profile;
  const parts = (b: Breakdown | undefined, pick: (b: Breakdown) => [string, number][], count: number) =>
    b
      ? pick(b)
          .slice(0, count)
          .map(([part, share]) => `${part.replaceAll("|", "\\|")} ${percent(share)}`)
          .join("<br>")
      : "?";
  const runs = [...new Set(results.profile.map((b) => `${b.scenario}\u0000${b.credential}`))].map((key) => key.split("\u0000"));
  const rows = runs.map(([scenario, credential]) => {
    const find = (side: Breakdown["side"]) =>
      results.profile.find((b) => b.scenario === scenario && b.credential === credential && b.side === side);
    const [project, baseline] = [find("project"), find("baseline")];
    return [
      `${scenario}, ${credential}`,
      project ? fixed(project.msPerRequest) : "?",
      baseline ? fixed(baseline.msPerRequest) : "?",
      parts(project, (b) => b.shares, shown),
      parts(baseline, (b) => b.shares, shown),
      parts(project, (b) => b.functions, results.settings.profile.functions),
    ];
  });
  return table(
    [
      "scenario",
      "project CPU ms/request",
      "baseline CPU ms/request",
      "project: largest parts",
      "baseline: largest parts",
      "project: most self time",
    ],
    rows,
  );
}

const kib = (bytes: number) => `${thousands(bytes)} B (${fixed(bytes / 1024, 1)} KiB)`;

function startupTable(results: PerfResults): string {
  const { startup } = results;
  const row = (name: string, times: StartupTimes, extra: (string | number)[]) => [
    name,
    ...extra,
    fixed(times.firstMs, 1),
    fixed(times.secondMs, 1),
    fixed(times.firstMs - times.secondMs, 1),
    fixed(times.firstMs - startup.trivial.firstMs, 1),
    times.firsts.join(", "),
  ];
  return table(
    [
      "script",
      "size",
      "gzipped",
      "first request ms (median)",
      "second request ms",
      "first − second",
      "first − one-line Worker's first",
      "first request ms, every run",
    ],
    [
      ...Object.entries(startup.scripts).map(([name, s]) => row(name, s.startup, [kib(s.size.bytes), kib(s.size.gzipBytes)])),
      row("one-line Worker", startup.trivial, ["–", "–"]),
    ],
  );
}

export function perfSections(results: PerfResults, sizes: number[] = results.sizes): string {
  const keySizes = Object.keys(results.apiKeyThroughput).map((n) => thousands(Number(n)));
  const adminBySize = Object.fromEntries(sizes.map((n) => [n, results.throughput[n] ?? []]));
  return `## Throughput: the project against a hand-written baseline

The production Worker and \`bench/baseline/\` in one Miniflare process, one after the other, on loopback: ${results.settings.load.connections} connections, ${results.settings.load.rounds} rounds of ${results.settings.load.seconds} s per side in alternating order after ${results.settings.load.warmUpSeconds} s of warm-up, autocannon. The baseline is raw D1 prepared statements, no framework or ORM, doing the project's work per request: the request id (echoed or made, and recorded in history; ids made by the project's own generator, src/domain/ulid.ts), the same security headers and \`Cache-Control: no-store\`, the \`X-Consistency-Token\` verified (its HMAC) and a D1 session from it (or \`first-unconstrained\` for reads, \`first-primary\` for writes) whose bookmark is answered signed, the admin token or an API key (its row checked in the request's own D1 call: a SELECT at the head of a read's batch, a guard at the head of a write's), the \`RATE_LIMITER\` binding per caller (\`AUTH_FAILURE_LIMITER\` on 401s), the body limit and validation, the same rows written (revision and audit event by the same actor) and the same JSON, one D1 call per request. Latencies in milliseconds, the mean of the rounds' percentiles. One-minute load average when the bench started: ${results.environment.loadBefore}, when it ended: ${results.environment.loadAfter} (the bench itself keeps about two cores busy; more than that is other work on the machine, which makes the figures noisier). Miniflare simulates D1 in the same workerd process, so its SQLite work shares the CPU with the Worker here; in production D1 runs elsewhere and a request waits on the network instead.

*CPU ms/request* is the isolate's busy time per request, from the V8 CPU profiles below (at ${thousands(results.settings.profile.size)} pipelines only): what Workers bill, give or take the profiler's overhead, which weighs on both sides alike. D1's own SQLite work is not in it.
${results.baselineDifferences.length === 0 ? "\nThe baseline's answers were checked to equal the project's, with the admin token and with an API key: status, JSON, the headers (security headers, Cache-Control, ETag, Link, an X-Consistency-Token on both), problems' types, writes read back by the other side, and each write's revision and audit event (same change, actor, version, time, under the write's request id)." : `\n**The baseline's answers differ from the project's:**\n${results.baselineDifferences.map((d) => `- ${d}`).join("\n")}`}

${loadTable(results, adminBySize, "admin token")}
${noiseText(results)}

## API keys: the project against the baseline, both with the same key

The same scenarios, with one API key (write scope, made through the project's \`POST /v1/workspaces/default/api-keys\`; the two share the database) sent to both, alternating as above, at ${keySizes.join(", ")} pipelines (the key's check reads one row by primary key whatever the size). Each side checks the key in the request's own D1 call.

${loadTable(results, results.apiKeyThroughput, "API key")}

## Bundle size and isolate start-up

${startupText(results)}

${startupTable(results)}

## Where the time goes

V8 CPU profiles of each side's Worker isolate under the same load (${results.settings.profile.seconds} s per scenario and credential at ${thousands(results.settings.profile.size)} pipelines, in a separate run: profiling slows the isolate down), sampled every ${results.settings.profile.samplingIntervalMicros} µs. Samples are attributed to modules and functions through the script's source map (which survives minification), else esbuild's module markers; *runtime native* is the runtime's own work (fetch, Response, crypto, the D1 binding's transport), *D1 client* its JavaScript side; *most self time* names the function (as V8 names it, minified or not) and its original source line. Idle samples and V8's unattributed "(program)" samples are left out.

${profileTable(results)}
`;
}

function startupText(results: PerfResults): string {
  const { startup } = results;
  return `The production script as \`wrangler deploy --dry-run\` builds it (the baseline's beside it), its size uncompressed and gzipped (level 9; Cloudflare's size limit counts the compressed script). Start-up, from the script's first load to its first response: ${startup.runs} runs per script, each a fresh Miniflare (a new workerd process, the bench's bindings) whose Worker is a two-line harness that imports the script on its first request and hands the request on, so that the script's compilation and evaluation fall inside the first request; that request, \`GET /startup-probe\` (a 404 from the app's middleware, no database call), is timed on the wall clock from the moment it is sent to the end of its answer, and so is a second one. workerd's own start (about ${thousands(Math.round(startup.trivial.readyMs))} ms here, the same for any script) is left out: it is too noisy on this machine to subtract. *first − second* is the script's own load, evaluation and first-run cost; the one-line Worker behind the same harness gives the floor.`;
}

function noiseText({ noise, settings }: PerfResults): string {
  if (!noise) return "";
  return `
**What noise alone gives:** the project against itself, *${noise.scenario}* measured the same way (${settings.load.rounds} alternating rounds, at ${thousands(settings.profile.size)} pipelines), in this run: ${thousands(Math.round(noise.project.requestsPerSecond))} and ${thousands(Math.round(noise.baseline.requestsPerSecond))} req/s, a ratio of ${fixed(noise.ratio)}. A ratio above differs from 1 by chance by about as much.
`;
}
