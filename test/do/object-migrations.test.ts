import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MIGRATION_FILES } from "../../src/storage/durable-objects/migration-files";
import { hasSchema, migrate } from "../../src/storage/durable-objects/migrations";
import { call } from "../support/http";
import { quoteId, type Row, SEEDERS } from "../support/migration-seeders";

/**
 * Each workspace's object runs the D1 migrations itself, from the same files: an object at an
 * older schema version, with data, is brought up to date by the first call of its wake (inside
 * `blockConcurrencyWhile`), and finds every row it held.
 */

const namespace = () => {
  if (!env.WORKSPACES) throw new Error("no WORKSPACES binding in this test project");
  return env.WORKSPACES;
};

/** Runs `work` on the object's own storage, as the object itself would. */
const inObject = <T>(workspace: string, work: (storage: DurableObjectStorage) => T) =>
  runInDurableObject(namespace().getByName(workspace), (_, state) => work(state.storage));

const hasColumn = (sql: SqlStorage, table: string, column: string) =>
  sql.exec("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", table, column).toArray().length > 0;

function insert(sql: SqlStorage, table: string, rows: Row[], workspace: string) {
  for (const row of rows) {
    const full = hasColumn(sql, table, "workspace") ? { ...row, workspace } : row;
    const columns = Object.keys(full);
    sql.exec(
      `INSERT INTO ${quoteId(table)} (${columns.map(quoteId).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ...Object.values(full),
    );
  }
}

/** Pipelines with stages, parameters, configuration and metrics, and API keys: rows of the schema as it is at `files`. */
function seedOlderObject(storage: DurableObjectStorage, workspace: string, files: typeof MIGRATION_FILES) {
  storage.transactionSync(() => {
    migrate(storage.sql, workspace, true, files);
    if (workspace !== "default" && hasColumn(storage.sql, "workspaces", "id"))
      storage.sql.exec("INSERT INTO workspaces (id, display_name, created_at) VALUES (?, ?, 0)", workspace, workspace);
    const parents = new Map<string, Row[]>();
    for (const table of ["pipelines", "pipeline_stages", "stage_parameters", "pipeline_configuration", "processing_metrics", "api_keys"]) {
      const rows = SEEDERS[table]?.(0, parents) ?? [];
      insert(storage.sql, table, rows, workspace);
      parents.set(table, rows);
    }
  });
}

/** Each data table's columns now. */
function columnsOf(sql: SqlStorage): Record<string, string[]> {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '!_cf!_%' ESCAPE '!' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'",
    )
    .toArray()
    .map((row) => row.name)
    .filter((name) => name !== "d1_migrations");
  return Object.fromEntries(
    tables.map((table) => [
      table,
      sql
        .exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table)
        .toArray()
        .map((c) => c.name),
    ]),
  );
}

/** Every row of `columns`' tables on those columns, sorted: compared before and after an upgrade, on what existed before. */
function rowsOf(sql: SqlStorage, columns: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(columns).map(([table, names]) => {
      const quoted = names.map((name) => `quote(${quoteId(name)})`).join(", ");
      const rows = sql.exec<{ row: string }>(`SELECT json_array(${quoted}) AS row FROM ${quoteId(table)}`).toArray();
      return [table, rows.map((row) => row.row).sort()];
    }),
  );
}

describe("schema migrations per object", () => {
  it("upgrades an object one migration behind, with data, on its first call, and every row is still there", async () => {
    const older = MIGRATION_FILES.slice(0, -1);
    const { columns, before } = await inObject("team-old", (storage) => {
      seedOlderObject(storage, "team-old", older);
      const columns = columnsOf(storage.sql);
      return { columns, before: rowsOf(storage.sql, columns) };
    });
    expect(before.pipelines).toHaveLength(3);

    const listed = await call("GET", "/v1/workspaces/team-old/pipelines?archived=all");
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(3);

    const after = await inObject("team-old", (storage) => ({
      applied: storage.sql
        .exec<{ name: string }>("SELECT name FROM d1_migrations ORDER BY id")
        .toArray()
        .map((row) => row.name),
      rows: rowsOf(storage.sql, columns),
    }));
    expect(after.applied).toEqual(MIGRATION_FILES.map((file) => file.name));
    for (const [table, rows] of Object.entries(before)) expect(after.rows[table], table).toEqual(rows);
  });

  it("upgrades the object `default` from before workspaces, its rows becoming the workspace's", async () => {
    const beforeWorkspaces = MIGRATION_FILES.filter((file) => file.name < "0008");
    await inObject("default", (storage) => {
      seedOlderObject(storage, "default", beforeWorkspaces);
      expect(hasColumn(storage.sql, "pipelines", "workspace")).toBe(false);
    });
    const listed = await call("GET", "/v1/workspaces/default/pipelines?archived=all");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((pipeline: { name: string }) => pipeline.name).sort()).toEqual(
      (SEEDERS.pipelines?.(0, new Map()) ?? []).map((row) => row.name).sort(),
    );
    const described = await call("GET", "/v1/workspaces/default");
    expect(described.body.pipelineCount).toBe(3);
  });

  it("leaves an object at its old version when a migration fails, every file of the upgrade undone", async () => {
    const broken = [
      ...MIGRATION_FILES,
      { name: "9999_broken.sql", sql: "CREATE TABLE half_made (a);\nSELECT nothing FROM no_such_table;" },
    ];
    const outcome = await inObject("team-broken", (storage) => {
      storage.transactionSync(() => migrate(storage.sql, "team-broken", false, MIGRATION_FILES.slice(0, 3)));
      let failed = false;
      try {
        storage.transactionSync(() => migrate(storage.sql, "team-broken", false, broken));
      } catch {
        failed = true;
      }
      const applied = storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM d1_migrations").one().n;
      const halfMade = storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'half_made'").toArray().length;
      return { failed, applied, halfMade };
    });
    expect(outcome).toEqual({ failed: true, applied: 3, halfMade: 0 });
  });

  it("keeps no database for a path naming a workspace that was never created", async () => {
    const response = await call("GET", "/v1/workspaces/never-made/pipelines");
    expect(response.status).toBe(404);
    expect(await inObject("never-made", (storage) => hasSchema(storage.sql))).toBe(false);
  });
});
