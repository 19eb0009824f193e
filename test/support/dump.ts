import { env } from "cloudflare:workers";
import { onPostgres, sqlRows, workspaceDatabase } from "./backend";

/**
 * The whole database as data: the schema (tables, indexes, views, triggers) and every row of
 * every table, each value as SQLite's own literal (`quote()`: 1 and 1.0 and '1' differ, blobs
 * in hex), rows sorted. Two dumps are equal exactly when the databases hold the same bytes.
 * D1's and Durable Objects' internal tables (`_cf_*`) are left out; d1_migrations is in. On PostgreSQL (the
 * workers-pg project), the public schema's.
 */
export interface Dump {
  schema: string[];
  tables: Record<string, string[]>;
}

const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function tableColumns(db: D1Database): Promise<Map<string, string[]>> {
  const { results } = await db
    .prepare(
      `SELECT m.name AS tbl, p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND m.name NOT LIKE '!_cf!_%' ESCAPE '!'
       ORDER BY m.name, p.cid`,
    )
    .all<{ tbl: string; col: string }>();
  const tables = new Map<string, string[]>();
  for (const { tbl, col } of results) tables.set(tbl, [...(tables.get(tbl) ?? []), col]);
  return tables;
}

/** One statement that reads a table's rows as JSON arrays of quoted values (only `columns`, if given). */
export const quotedRows = (db: D1Database, table: string, columns: string[]) =>
  db.prepare(`SELECT json_array(${columns.map((c) => `quote(${quoteId(c)})`).join(", ")}) AS row FROM ${quoteId(table)}`);

/**
 * PostgreSQL's the same way: the schema (every column with its type, every function's source)
 * and every row of every table as its row literal, rows sorted, in one statement.
 */
async function dumpPostgres(): Promise<Dump> {
  const tables = await sqlRows<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  const [row] = await sqlRows<{ schema: string[]; tables: Record<string, string[]> }>(
    `SELECT (SELECT array_agg(table_name || '.' || column_name || ' ' || data_type ORDER BY table_name, ordinal_position)
               FROM information_schema.columns WHERE table_schema = 'public')
         || (SELECT array_agg(proname || ': ' || md5(prosrc) ORDER BY proname) FROM pg_proc
               WHERE pronamespace = 'public'::regnamespace) AS schema,
            json_build_object(${tables
              .map(({ name }) => `'${name}', (SELECT coalesce(json_agg(r::text ORDER BY r::text), '[]') FROM ${quoteId(name)} r)`)
              .join(", ")}) AS tables`,
  );
  if (!row) throw new Error("the dump statement answered no row");
  return row;
}

/** The database of the workspace `default` unless told: D1's, PostgreSQL's, or the object `default` on Durable Objects. */
export async function dumpDatabase(db: D1Database = workspaceDatabase()): Promise<Dump> {
  if (onPostgres && db === env.DB) return dumpPostgres();
  // One statement for the schema and every table's columns, one batch for the rows.
  const { results: objects } = await db
    .prepare(
      `SELECT m.type, m.name, coalesce(m.sql, '') AS sql, p.name AS col FROM sqlite_master m
       LEFT JOIN pragma_table_info(m.name) p ON m.type = 'table'
       WHERE m.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND m.name NOT LIKE '!_cf!_%' ESCAPE '!'
       ORDER BY m.type, m.name, p.cid`,
    )
    .all<{ type: string; name: string; sql: string; col: string | null }>();
  const schema = [...new Set(objects.map((o) => `${o.type} ${o.name}: ${o.sql}`))];
  const columns = new Map<string, string[]>();
  for (const { type, name, col } of objects) if (type === "table" && col !== null) columns.set(name, [...(columns.get(name) ?? []), col]);
  const names = [...columns.keys()];
  const results = await db.batch<{ row: string }>(names.map((name) => quotedRows(db, name, columns.get(name) ?? [])));
  return {
    schema,
    tables: Object.fromEntries(names.map((name, i) => [name, (results[i]?.results ?? []).map((r) => r.row).sort()])),
  };
}

/** Row counts per table of a dump, for readable failure messages. */
export const rowCounts = (dump: Dump) => Object.fromEntries(Object.entries(dump.tables).map(([t, rows]) => [t, rows.length]));
