import { DEFAULT_WORKSPACE } from "../../domain/workspace";
import { MIGRATION_FILES } from "./migration-files";

/** One file of migrations/, as D1 applies it. */
export interface MigrationFile {
  name: string;
  sql: string;
}

/**
 * The same bookkeeping as D1's (`wrangler d1 migrations apply`): a row per file applied, by
 * name, so an object and the D1 database say alike which migrations they have.
 */
const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS d1_migrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`;

/** Whether the object has a schema at all: a new object, or one whose workspace was deleted, has none. */
export const hasSchema = (sql: SqlStorage): boolean => hasTable(sql, "d1_migrations");

const hasTable = (sql: SqlStorage, name: string) =>
  sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0;

/** The files not yet applied to this object, in order. */
export function pendingMigrations(sql: SqlStorage, files: readonly MigrationFile[] = MIGRATION_FILES): MigrationFile[] {
  if (!hasSchema(sql)) return [...files];
  const applied = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM d1_migrations")
      .toArray()
      .map((row) => row.name),
  );
  return files.filter((file) => !applied.has(file.name));
}

/**
 * Brings an object's schema up to date from the same files as D1, each file's statements run as
 * D1 runs them; the caller holds the transaction, so an upgrade that fails leaves the object at
 * its old version. The migrations were written for one database holding every workspace, and
 * one thing in them is wrong for an object, which holds one: 0008 makes the workspace `default`
 * (with its counters) in every new database. An object's workspace comes from its create
 * instead, so a new object keeps that row only if it is `default` and was never deleted
 * (`keepDefault`), as a new D1 database has it and a deleted workspace stays deleted. Rows stored
 * before 0008 go to `default`, which is right because only the object `default` can predate
 * workspaces. This is the one place the two backends differ.
 */
export function migrate(
  sql: SqlStorage,
  workspace: string,
  keepDefault: boolean,
  files: readonly MigrationFile[] = MIGRATION_FILES,
): number {
  const fresh = !hasSchema(sql);
  const pending = pendingMigrations(sql, files);
  if (pending.length === 0) return 0;
  sql.exec(BOOKKEEPING);
  for (const file of pending) {
    sql.exec(file.sql);
    sql.exec("INSERT INTO d1_migrations (name) VALUES (?)", file.name);
  }
  if (fresh && hasTable(sql, "workspaces") && !(keepDefault && workspace === DEFAULT_WORKSPACE)) {
    sql.exec("DELETE FROM pipeline_counts WHERE workspace = ?", DEFAULT_WORKSPACE);
    sql.exec("DELETE FROM workspaces WHERE id = ?", DEFAULT_WORKSPACE);
  }
  return pending.length;
}
