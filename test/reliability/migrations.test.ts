import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1PipelineRepository } from "../../src/storage/d1/pipeline-repository";
import { sampleMetrics } from "../contract/fixtures";
import { quotedRows, tableColumns } from "../support/dump";
import { expectConsistentDatabase } from "../support/invariants";
import { type ColumnInfo, type ForeignKey, genericValue, quoteId, type Row, SEEDERS, seedId } from "../support/migration-seeders";

/**
 * Migrations lose no data. On an empty D1 of its own (MIGRATIONS_DB, vitest.config.ts) the
 * migrations are applied one at a time; after each, every table of the schema as it then is
 * gets rows, and after every later migration each row seeded before must still be there with
 * the same values (counts per table, a SHA-256 of each table's rows, compared on the columns
 * that existed when the rows went in). At the end the app itself reads and changes what the
 * oldest schema held.
 *
 * The test knows nothing of how many migrations there are: a new migration is checked as soon
 * as it is in migrations/. A table it adds gets rows from the generic seeder (by column type,
 * foreign keys pointing at existing rows); if its constraints need more, the test says which
 * table needs a seeder in test/support/migration-seeders.ts. A migration that rewrites columns of existing rows on purpose
 * must name them in INTENDED_CHANGES, with the reason; every other column is still checked.
 */

const db = env.MIGRATIONS_DB;
const migrations = env.TEST_MIGRATIONS;

/** Migration file name → the columns of existing rows it rewrites on purpose (per table), and why. */
const INTENDED_CHANGES: Record<string, { columns: Record<string, string[]>; reason: string }> = {
  "0004_configuration_list_keys_triggers.sql": {
    columns: { pipeline_configuration: ["pipeline_archived", "pipeline_name", "pipeline_created_at", "pipeline_updated_at"] },
    reason: "backfills the copies of each entry's pipeline list keys (added empty by 0003)",
  },
};

/** Tables the migrations and triggers fill themselves: seeding them would collide. */
const DERIVED = new Set(["pipeline_counts"]);
const BOOKKEEPING = new Set(["d1_migrations"]);

async function schemaOf(d1: D1Database) {
  const columns = await tableColumns(d1);
  for (const name of [...columns.keys()]) if (BOOKKEEPING.has(name)) columns.delete(name);
  const tables = [...columns.keys()];
  const [infos, keys] = await Promise.all([
    d1.batch<ColumnInfo>(tables.map((t) => d1.prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`).bind(t))),
    d1.batch<ForeignKey>(tables.map((t) => d1.prepare(`SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)`).bind(t))),
  ]);
  const info = new Map(tables.map((t, i) => [t, infos[i]?.results ?? []]));
  const foreign = new Map(tables.map((t, i) => [t, keys[i]?.results ?? []]));
  // Parents before children.
  const ordered: string[] = [];
  const visit = (t: string, path: string[] = []) => {
    if (ordered.includes(t) || path.includes(t)) return;
    for (const fk of foreign.get(t) ?? []) if (fk.table !== t && columns.has(fk.table)) visit(fk.table, [...path, t]);
    ordered.push(t);
  };
  for (const t of tables) visit(t);
  return { columns, info, foreign, ordered };
}

/** Rows in every table of the schema as it is at this step. */
async function seed(step: number) {
  const { info, foreign, ordered } = await schemaOf(db);
  const inserted = new Map<string, Row[]>();
  for (const table of ordered) {
    if (DERIVED.has(table)) continue;
    const columns = info.get(table) ?? [];
    const known = SEEDERS[table];
    const base: Row[] = known ? known(step, inserted) : [0, 1, 2].map(() => ({}));
    const parentValue = async (fk: ForeignKey, i: number) => {
      const own = inserted.get(fk.table);
      if (own?.length) return own[i % own.length]?.[fk.to] ?? null;
      const row = await db
        .prepare(`SELECT ${quoteId(fk.to)} AS v FROM ${quoteId(fk.table)} LIMIT 1 OFFSET ?`)
        .bind(i)
        .first<{ v: string | number }>();
      return row?.v ?? null;
    };
    const rows: Row[] = [];
    for (const [i, seeded] of base.entries()) {
      const full: Row = {};
      const minimal: Row = {};
      for (const column of columns) {
        const fk = (foreign.get(table) ?? []).find((k) => k.from === column.name);
        let value: string | number | null;
        if (column.name in seeded) value = seeded[column.name] ?? null;
        else if (fk) value = await parentValue(fk, i);
        else value = column.pk && !known ? seedId(step, table, i) : genericValue(column, table, i);
        full[column.name] = value;
        if (column.name in seeded || fk || column.pk || (column.notnull && column.dflt_value === null)) minimal[column.name] = value;
      }
      const insert = (row: Row) =>
        db
          .prepare(
            `INSERT INTO ${quoteId(table)} (${Object.keys(row).map(quoteId).join(", ")}) VALUES (${Object.keys(row)
              .map(() => "?")
              .join(", ")})`,
          )
          .bind(...Object.values(row))
          .run();
      try {
        await insert(full);
        rows.push(full);
      } catch {
        try {
          // The columns nobody asked for may have constraints the generic values break.
          await insert(minimal);
          rows.push(minimal);
        } catch (error) {
          throw new Error(
            `Cannot seed table ${table} at migration ${migrations[step]?.name}: ${String(error)}. Add a seeder for it to SEEDERS in test/support/migration-seeders.ts.`,
          );
        }
      }
    }
    inserted.set(table, rows);
  }
  return inserted;
}

interface TableSnapshot {
  columns: string[];
  rows: string[];
  hash: string;
}

const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

async function rowsOf(table: string, columns: string[]) {
  const { results } = await quotedRows(db, table, columns).all<{ row: string }>();
  return results.map((r) => r.row).sort();
}

/** Every table's rows as exact SQL literals, sorted, with their hash; `rewritten` columns left out. */
async function snapshot(rewritten: Record<string, string[]> = {}): Promise<Map<string, TableSnapshot>> {
  const { columns } = await schemaOf(db);
  const out = new Map<string, TableSnapshot>();
  for (const [table, all] of columns) {
    const names = all.filter((column) => !rewritten[table]?.includes(column));
    const rows = await rowsOf(table, names);
    out.set(table, { columns: names, rows, hash: await sha256(rows.join("\n")) });
  }
  return out;
}

/** Each row of `before` is still there with the same values, on the columns it had then. */
async function expectSurvived(before: Map<string, TableSnapshot>, migration: string) {
  const { columns } = await schemaOf(db);
  for (const [table, old] of before) {
    if (old.rows.length === 0) continue;
    const context = `${migration}: table ${table}`;
    expect(columns.has(table), `${context} is gone with its ${old.rows.length} rows`).toBe(true);
    const now = columns.get(table) ?? [];
    const dropped = old.columns.filter((c) => !now.includes(c));
    expect(dropped, `${context} lost columns`).toEqual([]);
    const rows = await rowsOf(table, old.columns);
    expect(rows.length, `${context}: row count`).toBeGreaterThanOrEqual(old.rows.length);
    if (rows.length === old.rows.length) {
      expect({ hash: await sha256(rows.join("\n")), rows }, `${context}: content hash`).toEqual({ hash: old.hash, rows: old.rows });
    } else {
      // Rows were added (a backfill): every old row must be among them, duplicates counted.
      const left = [...rows];
      const missing = old.rows.filter((row) => {
        const at = left.indexOf(row);
        if (at < 0) return true;
        left.splice(at, 1);
        return false;
      });
      expect(missing, `${context}: rows lost or changed`).toEqual([]);
    }
  }
}

const WORKSPACE_COLUMNS = [
  ["pipelines", "workspace"],
  ["pipeline_configuration", "pipeline_workspace"],
  ["api_keys", "workspace"],
  ["audit_events", "workspace"],
  ["change_events", "workspace"],
  ["idempotency_keys", "workspace"],
  ["archive_runs", "workspace"],
] as const;

describe("migrations keep every row", () => {
  it("applied one by one over data seeded at every earlier step", async () => {
    const existing = await tableColumns(db);
    expect([...existing.keys()], "MIGRATIONS_DB starts empty").toEqual([]);
    expect(migrations.length).toBeGreaterThanOrEqual(3);
    const seededTables = new Set<string>();
    const pipelineIds: string[] = [];
    /** The pipelines that existed when the history backfill (0007) ran. */
    const beforeBackfill: string[] = [];
    /** The pipelines with metrics when the metrics history (0010) began. */
    const beforeMetricsHistory: string[] = [];
    let before = new Map<string, TableSnapshot>();
    for (const [step, migration] of migrations.entries()) {
      if (migration.name.startsWith("0007_")) beforeBackfill.push(...pipelineIds);
      if (migration.name.startsWith("0010_")) {
        const { results } = await db.prepare("SELECT pipeline_id AS id FROM processing_metrics").all<{ id: string }>();
        beforeMetricsHistory.push(...results.map((row) => row.id));
      }
      await applyD1Migrations(db, migrations.slice(0, step + 1));
      await expectSurvived(before, migration.name);
      const rows = await seed(step);
      for (const [table, list] of rows) if (list.length > 0) seededTables.add(table);
      pipelineIds.push(...(rows.get("pipelines") ?? []).map((p) => String(p.id)));
      before = await snapshot(INTENDED_CHANGES[migrations[step + 1]?.name ?? ""]?.columns);
    }

    // Every table of the final schema got rows at some step (the derived ones fill themselves).
    const { columns } = await schemaOf(db);
    for (const table of columns.keys()) if (!DERIVED.has(table)) expect(seededTables, `table ${table} was seeded`).toContain(table);
    await expectConsistentDatabase(db);

    // Everything stored before workspaces (0008) went into the workspace default, as did what was seeded after.
    for (const [table, column] of WORKSPACE_COLUMNS) {
      const row = await db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} IS NOT 'default'`).first<{ n: number }>();
      expect(row?.n, `${table} rows outside the workspace default`).toBe(0);
    }

    // The app reads and changes what every step left, through the latest schema.
    const repo = d1PipelineRepository(db, "default");
    expect(await repo.count({ archived: "all", config: [] })).toBe(pipelineIds.length);
    for (const id of pipelineIds) {
      const pipeline = await repo.findById(id);
      expect(pipeline, id).not.toBeNull();
      expect(
        pipeline?.stages.map((s) => [s.order, Object.keys(s.parameters).length]),
        id,
      ).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(pipeline?.configuration, id).toEqual({ env: "prod", "a.b": "50%_off = 'yes' & more" });
    }
    // The backfill gave each pipeline of that time the revision of its current version: the pipeline as the API answers it.
    expect(beforeBackfill.length).toBeGreaterThan(0);
    for (const id of beforeBackfill) {
      const pipeline = await repo.findById(id);
      const [revision] = await repo.getRevisions(id, [pipeline?.version ?? 0]);
      expect(revision?.pipeline, id).toEqual(pipeline);
    }
    // The metrics history began with each pipeline's latest metrics of that time, as GET answers them.
    expect(beforeMetricsHistory.length).toBeGreaterThan(0);
    for (const id of beforeMetricsHistory) {
      expect((await repo.listMetricsHistory(id, { limit: 100 })).items, id).toEqual([await repo.getMetrics(id)]);
    }
    const oldest = pipelineIds[0] as string;
    expect((await repo.getMetrics(oldest))?.bytesTotal).toBe(Number.MAX_SAFE_INTEGER);
    expect((await repo.archive(oldest)).version).toBe(2);
    expect((await repo.restore(oldest)).archived).toBe(false);
    const recorded = await repo.putMetrics(oldest, sampleMetrics);
    expect((await repo.listMetricsHistory(oldest, { limit: 1 })).items).toEqual([recorded]);
    expect(await repo.count({ archived: "all", config: [["env", "prod"]] })).toBe(pipelineIds.length);
    await repo.delete(oldest);
    await expectConsistentDatabase(db);
  });
});
