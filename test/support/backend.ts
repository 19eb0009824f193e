import { env } from "cloudflare:workers";
import { types } from "pg";
import type { PipelineRepository } from "../../src/domain/repository";
import { DEFAULT_WORKSPACE } from "../../src/domain/workspace";
import { createApp } from "../../src/http/app";
import { d1PipelineRepository } from "../../src/storage/d1/pipeline-repository";
import { workspaceObjects } from "../../src/storage/durable-objects/objects";
import { type PostgresCalls, type PostgresConnection, postgresClient, postgresConnection } from "../../src/storage/postgres/connection";
import { postgresPipelineRepository } from "../../src/storage/postgres/pipeline-repository";
import type { RepositorySettings } from "../../src/storage/shared/request-storage";
import type { SQL } from "../../src/storage/shared/sql";

/**
 * The backend this test file runs on: the `workers` project has D1 only, `workers-pg` binds
 * HYPERDRIVE to a real PostgreSQL and `workers-do` binds WORKSPACES to the Durable Objects
 * (vitest.config.ts), which selects them, as in production. The shared suites reach the
 * database through these helpers, so they hold for every backend.
 */
export const onPostgres = env.HYPERDRIVE !== undefined;
export const onDurableObjects = !onPostgres && env.WORKSPACES !== undefined;
export const backendName = onPostgres ? "PostgreSQL" : onDurableObjects ? "Durable Objects" : "D1";

/** The workspaces' objects of this file (the `workers-do` project), reached as the Worker reaches them. */
export const testObjects = () => {
  if (!env.WORKSPACES) throw new Error("no WORKSPACES binding in this test project");
  return workspaceObjects(env.WORKSPACES);
};

/**
 * The database that holds `workspace`'s rows on D1 or Durable Objects: the D1 database, or the
 * workspace's object (behind a D1 binding's surface; the D1 database is then the directory).
 */
export const workspaceDatabase = (workspace = DEFAULT_WORKSPACE): D1Database =>
  onDurableObjects ? testObjects().database(workspace) : env.DB;

const connectionString = () => {
  if (!env.HYPERDRIVE) throw new Error("no HYPERDRIVE binding in this test project");
  return env.HYPERDRIVE.connectionString;
};

/** Runs `text` (`?` placeholders) on a D1 database and answers its rows. */
export async function d1Rows<T = Record<string, unknown>>(db: D1Database, text: string, ...params: unknown[]): Promise<T[]> {
  const { results } = await db
    .prepare(text)
    .bind(...params)
    .all<T>();
  return results;
}

/** Runs `text` (`?` placeholders) on this file's database and answers its rows. */
export async function sqlRows<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]> {
  if (!onPostgres) return d1Rows<T>(workspaceDatabase(), text, ...params);
  let n = 0;
  const client = postgresClient(connectionString());
  // Counts are bigints, which node-postgres gives as text: numbers, as D1 gives them.
  client.setTypeParser(types.builtins.INT8, Number);
  await client.connect();
  try {
    const { rows } = await client.query(
      text.replace(/\?/g, () => `$${++n}`),
      params,
    );
    return rows as T[];
  } finally {
    await client.end();
  }
}

const DATA_TABLES = [
  "pipelines",
  "archive_runs",
  "idempotency_keys",
  "api_keys",
  "audit_events",
  "change_events",
  "change_feeds",
  "webhook_endpoints",
  "webhook_outbox",
  "webhook_deliveries",
];

/** What every backend's SQL understands: the workspace `default` alone, empty, as the migrations leave a new database. */
const ONLY_DEFAULT_WORKSPACE = [
  "DELETE FROM pipeline_counts WHERE workspace <> 'default'",
  "DELETE FROM workspaces WHERE id <> 'default'",
  // Times are epoch milliseconds on D1, timestamps on PostgreSQL.
  `INSERT INTO workspaces (id, display_name, created_at, deleted_at) VALUES ('default', 'Default', ${onPostgres ? "now()" : "0"}, NULL)
    ON CONFLICT DO NOTHING`,
  "UPDATE workspaces SET deleted_at = NULL",
  "INSERT INTO pipeline_counts (workspace, archived, total) VALUES ('default', false, 0), ('default', true, 0) ON CONFLICT DO NOTHING",
  "UPDATE pipeline_counts SET total = 0",
];

/** Empties every table that holds data (cascades clear the children), and leaves the workspace `default` alone and empty. */
export async function resetDatabase() {
  const statements = [...DATA_TABLES.map((table) => `DELETE FROM ${table}`), ...ONLY_DEFAULT_WORKSPACE];
  // One round trip each; DELETE beats TRUNCATE on tables this small.
  if (onPostgres) {
    await sqlRows(statements.map((statement) => `${statement};`).join(" "));
    return;
  }
  if (onDurableObjects) {
    // Every other workspace's object goes with its directory row; `default`'s is emptied like D1.
    const others = await d1Rows<{ id: string }>(env.DB, "SELECT id FROM workspaces WHERE id <> 'default'");
    await Promise.all(others.map(({ id }) => testObjects().destroy(id)));
  }
  const db = workspaceDatabase();
  await db.batch(statements.map((statement) => db.prepare(statement)));
  if (onDurableObjects) await env.DB.batch(ONLY_DEFAULT_WORKSPACE.map((statement) => env.DB.prepare(statement)));
}

/**
 * A PostgreSQL connection that opens for each call and closes after it: a repository made in
 * a test outlives any one request's I/O context, which a Worker's socket may not.
 */
function perCallConnection(): PostgresCalls {
  async function once<T>(use: (connection: PostgresConnection) => Promise<T>): Promise<T> {
    const connection = postgresConnection(connectionString());
    try {
      return await use(connection);
    } finally {
      await connection.close();
    }
  }
  return {
    value: <T>(payload: SQL, id?: string) => once((c) => c.value<T>(payload, id)),
    rows: <T>(query: SQL, id?: string) => once((c) => c.rows<T>(query, id)),
  };
}

/** The backend's repository of `workspace` over this file's database, on `clock`. */
export function testRepository(clock?: () => Date, settings?: RepositorySettings, workspace = DEFAULT_WORKSPACE): PipelineRepository {
  return onPostgres
    ? postgresPipelineRepository(perCallConnection(), workspace, clock, settings)
    : d1PipelineRepository(workspaceDatabase(workspace), workspace, clock, settings);
}

/** The app with a count of its database round trips, whichever the backend. */
export function countingApp() {
  let calls = 0;
  const app = createApp({
    onDatabaseCall: () => {
      calls++;
    },
  });
  return {
    fetch: (request: Request, overrides: Partial<typeof env> = {}) => app.fetch(request, { ...env, ...overrides }),
    get calls() {
      return calls;
    },
    reset() {
      calls = 0;
    },
  };
}

/**
 * The same over one connection for many calls, closed by `close`: for one test's long run of
 * calls (a connection per call costs a PostgreSQL server process each). Used within one test.
 */
export function openTestRepository(clock?: () => Date, settings?: RepositorySettings, workspace = DEFAULT_WORKSPACE) {
  if (!onPostgres) return { repo: d1PipelineRepository(workspaceDatabase(workspace), workspace, clock, settings), close: async () => {} };
  const connection = postgresConnection(connectionString());
  return { repo: postgresPipelineRepository(connection, workspace, clock, settings), close: () => connection.close() };
}
