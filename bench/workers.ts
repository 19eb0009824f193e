import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { TOKEN } from "./http.ts";
import type { D1 } from "./seed.ts";

/**
 * The three Workers the bench runs, built the way `wrangler deploy` builds them and run side
 * by side in one Miniflare (one workerd process) over one D1 database:
 * - project: the production entry, src/index.ts, for throughput;
 * - metered: the same app over a D1 binding that reports each request's calls and rows
 *   (bench/worker/metered.ts), for the cost table;
 * - baseline: the hand-written yardstick (bench/baseline/worker.ts).
 * Each listens on its own loopback port; request logging is off.
 */

export const ROOT = join(import.meta.dirname, "..");
const BUILD = join(ROOT, "bench/.build");
const ENTRIES = { project: undefined, metered: "bench/worker/metered.ts", baseline: "bench/baseline/worker.ts" } as const;
export type WorkerName = keyof typeof ENTRIES;

function build(name: WorkerName): string {
  const outdir = join(BUILD, name);
  rmSync(outdir, { recursive: true, force: true });
  const entry = ENTRIES[name];
  const args = ["deploy", "--dry-run", "--outdir", outdir, ...(entry ? [entry] : [])];
  // With this Node (22, which wrangler needs), whatever `node` comes first on PATH.
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  const script = readdirSync(outdir).find((file) => file.endsWith(".js"));
  if (!script) throw new Error(`wrangler wrote no script to ${outdir}`);
  return join(outdir, script);
}

export interface Workers {
  urls: Record<WorkerName, string>;
  db: D1;
  /** Each Worker's script, as built. */
  scripts: Record<WorkerName, string>;
  /** The V8 inspector's base URL (`ws://host:port`), when started with it. */
  inspector: string | null;
  dispose(): Promise<void>;
}

/**
 * Starts the Workers over a freshly migrated database: built now, or from `scripts` already
 * built; `inspector` opens the V8 inspector on a free port (for CPU profiles, never while timing).
 */
export async function startWorkers(options: { scripts?: Record<WorkerName, string>; inspector?: boolean } = {}): Promise<Workers> {
  // Compatibility settings and [vars] come from wrangler.toml, as in production.
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
  const names = Object.keys(ENTRIES) as WorkerName[];
  const scripts = options.scripts ?? (Object.fromEntries(names.map((name) => [name, build(name)])) as Record<WorkerName, string>);
  // wrangler declares these loosely; the shapes are wrangler.toml's.
  const databases = config.d1_databases as { binding: string }[];
  const limiters = config.ratelimits as { name: string; namespace_id: string; simple: { period: 10 | 60 } }[];
  const workers = names.map((name) => ({
    name,
    modules: true,
    scriptPath: scripts[name],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    // No access log: a line per request would be measured too.
    bindings: { ...config.vars, ADMIN_TOKEN: TOKEN, ACCESS_LOG: "off" },
    // One database for the three: they see the same data.
    d1Databases: Object.fromEntries(databases.map((d1) => [d1.binding, "bench"])),
    // Rate limiters as configured, but out of reach: the bench sends far more from one token
    // than a client may; what the limiter costs per request stays in the measurements.
    ratelimits: Object.fromEntries(
      limiters.map((l) => [l.name, { namespace_id: l.namespace_id, simple: { limit: 1_000_000_000, period: l.simple.period } }]),
    ),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  }));
  const mf = new Miniflare(convertV4MiniflareOptions({ logRequests: false, ...(options.inspector ? { inspectorPort: 0 } : {}), workers }));
  await mf.ready;
  const urls = Object.fromEntries(await Promise.all(names.map(async (name) => [name, String(await mf.unsafeGetDirectURL(name))])));
  const db = await mf.getD1Database("DB", "project");
  await migrate(db);
  const inspector = options.inspector ? `ws://${(await mf.getInspectorURL()).host}` : null;
  return { urls: urls as Record<WorkerName, string>, db, scripts, inspector, dispose: () => mf.dispose() };
}

/** The real migrations, in order, each file one batch (as `wrangler d1 migrations apply` does). */
async function migrate(db: D1) {
  const dir = join(ROOT, "migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(join(dir, file), "utf8")
      .split("--> statement-breakpoint")
      .map((statement) => statement.trim())
      .filter((statement) => statement !== "");
    await db.batch(statements.map((statement) => db.prepare(statement)));
  }
}
