import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type Request, Response } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { buildDocsAssets } from "../scripts/docs-assets.ts";
import { TOKEN } from "./http.ts";
import type { D1 } from "./seed.ts";

/**
 * The Workers the bench runs, built the way `wrangler deploy` builds them and run side by side
 * in one Miniflare (one workerd process) over one D1 database:
 * - project: the production entry, src/index.ts, for throughput;
 * - metered: the same app over a D1 binding that reports each request's calls and rows
 *   (bench/worker/metered.ts), for the cost table;
 * - baseline: the hand-written yardstick (bench/baseline/worker.ts).
 * Given a PostgreSQL connection string, two more, whose `HYPERDRIVE` binding makes the app
 * store everything in PostgreSQL (src/storage/open-storage.ts):
 * - project-pg: the production entry again, the same script as project;
 * - metered-pg: the app reporting each request's database round trips (bench/worker/metered-pg.ts).
 * With `objects`, two more with a `WORKSPACES` Durable Object binding (each workspace in its own
 * object, class WorkspaceObject of project-do's script) over a D1 directory of their own:
 * - project-do: the production entry again;
 * - metered-do: the app over metered objects and directory (bench/worker/metered-do.ts).
 * Each listens on its own loopback port; request logging is off.
 */

export const ROOT = join(import.meta.dirname, "..");
const BUILD = join(ROOT, "bench/.build");
const ENTRIES = {
  project: undefined,
  metered: "bench/worker/metered.ts",
  baseline: "bench/baseline/worker.ts",
  "metered-pg": "bench/worker/metered-pg.ts",
  "metered-do": "bench/worker/metered-do.ts",
} as const;
/** The scripts built. */
export type ScriptName = keyof typeof ENTRIES;
const D1_WORKERS = ["project", "metered", "baseline"] as const;
const PG_WORKERS = ["project-pg", "metered-pg"] as const;
const DO_WORKERS = ["project-do", "metered-do"] as const;
/** The Workers over D1. */
export type WorkerName = (typeof D1_WORKERS)[number];
/** Each Worker's script. */
const SCRIPT_OF = {
  project: "project",
  metered: "metered",
  baseline: "baseline",
  "project-pg": "project",
  "metered-pg": "metered-pg",
  "project-do": "project",
  "metered-do": "metered-do",
} as const satisfies Record<WorkerName | (typeof PG_WORKERS)[number] | (typeof DO_WORKERS)[number], ScriptName>;
/** Both Workers on Durable Objects reach the objects of project-do's class, so they see the same data. */
const OBJECTS = { WORKSPACES: { className: "WorkspaceObject", useSQLite: true, scriptName: "project-do" } };

function build(name: ScriptName): string {
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

/** A Durable Object namespace as Node reaches it through Miniflare. */
export type Namespace = Awaited<ReturnType<Miniflare["getDurableObjectNamespace"]>>;

export interface Workers {
  urls: Record<WorkerName, string>;
  /** The Workers over PostgreSQL, when started with a connection string. */
  pg: { project: string; metered: string } | null;
  /** The Workers on Durable Objects, when started with `objects`: their directory and the objects' namespace (from Node). */
  objects: { project: string; metered: string; directory: D1; namespace: Namespace } | null;
  db: D1;
  /** Each script, as built. */
  scripts: Record<ScriptName, string>;
  /** The V8 inspector's base URL (`ws://host:port`), when started with it. */
  inspector: string | null;
  dispose(): Promise<void>;
}

/** A file of public/ by its path, as the ASSETS binding answers; 404 for anything else. */
function serveAsset(request: Request): Response {
  const path = new URL(request.url).pathname;
  const file = join(ROOT, "public", path);
  if (path.includes("..") || !existsSync(file)) return new Response(null, { status: 404 });
  return new Response(readFileSync(file));
}

/**
 * What every Worker of the bench gets: compatibility settings and [vars] from wrangler.toml, as
 * in production, the admin token, no access log, the D1 database and the rate limiters.
 */
export function benchSettings() {
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
  // wrangler declares these loosely; the shapes are wrangler.toml's.
  const databases = config.d1_databases as { binding: string }[];
  const limiters = config.ratelimits as { name: string; namespace_id: string; simple: { period: 10 | 60 } }[];
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    // No access log: a line per request would be measured too.
    // The measured workspace holds 100,000 seeded pipelines and the bench's own creates: above the default quota.
    bindings: { ...config.vars, ADMIN_TOKEN: TOKEN, ACCESS_LOG: "off", WORKSPACE_MAX_PIPELINES: "1000000" },
    // The built static assets (scripts/docs-assets.ts) behind the ASSETS binding, which the
    // project reads its OpenAPI document through; served from Node (Miniflare's own assets
    // option would put its router in front of the Worker).
    serviceBindings: { ASSETS: serveAsset },
    // One database for the Workers over D1: they see the same data.
    d1Databases: Object.fromEntries(databases.map((d1) => [d1.binding, "bench"])),
    // Rate limiters as configured, but out of reach: the bench sends far more from one token
    // than a client may; what the limiter costs per request stays in the measurements.
    ratelimits: Object.fromEntries(
      limiters.map((l) => [l.name, { namespace_id: l.namespace_id, simple: { limit: 1_000_000_000, period: l.simple.period } }]),
    ),
  };
}

/**
 * Starts the Workers over a freshly migrated D1 database: built now, or from `scripts` already
 * built; `inspector` opens the V8 inspector on a free port (for CPU profiles, never while timing);
 * `postgres` (a connection string with a password) adds the Workers over PostgreSQL.
 */
export async function startWorkers(
  options: { scripts?: Record<ScriptName, string>; inspector?: boolean; postgres?: string; objects?: boolean } = {},
): Promise<Workers> {
  // The project serves /openapi.json from the built assets: built with the scripts.
  if (!options.scripts) await buildDocsAssets();
  const scripts =
    options.scripts ??
    (Object.fromEntries((Object.keys(ENTRIES) as ScriptName[]).map((name) => [name, build(name)])) as Record<ScriptName, string>);
  const settings = benchSettings();
  const workers = [...D1_WORKERS, ...(options.postgres ? PG_WORKERS : []), ...(options.objects ? DO_WORKERS : [])].map((name) => ({
    name,
    modules: true,
    scriptPath: scripts[SCRIPT_OF[name]],
    ...settings,
    // Its presence makes the app store everything in PostgreSQL (src/storage/open-storage.ts).
    ...(options.postgres && name.endsWith("-pg") && { hyperdrives: { HYPERDRIVE: options.postgres } }),
    // Its presence makes the app keep each workspace in its object, the D1 database (here its own) the directory.
    ...(name.endsWith("-do") && { durableObjects: OBJECTS, d1Databases: { DB: "bench-do" } }),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  }));
  const mf = new Miniflare(convertV4MiniflareOptions({ logRequests: false, ...(options.inspector ? { inspectorPort: 0 } : {}), workers }));
  await mf.ready;
  const url = async (name: string) => String(await mf.unsafeGetDirectURL(name));
  const urls = Object.fromEntries(await Promise.all(D1_WORKERS.map(async (name) => [name, await url(name)])));
  const pg = options.postgres ? { project: await url("project-pg"), metered: await url("metered-pg") } : null;
  const db = await mf.getD1Database("DB", "project");
  await migrate(db);
  let objects: Workers["objects"] = null;
  if (options.objects) {
    const directory = await mf.getD1Database("DB", "project-do");
    await migrate(directory);
    const namespace = await mf.getDurableObjectNamespace("WORKSPACES", "project-do");
    objects = { project: await url("project-do"), metered: await url("metered-do"), directory, namespace };
  }
  const inspector = options.inspector ? `ws://${(await mf.getInspectorURL()).host}` : null;
  return { urls: urls as Record<WorkerName, string>, pg, objects, db, scripts, inspector, dispose: () => mf.dispose() };
}

/** The real migrations, in order, each file one batch (as `wrangler d1 migrations apply` does). */
export async function migrate(db: D1) {
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
