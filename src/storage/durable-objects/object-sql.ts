import type { SentStatement, StatementAnswer } from "./protocol";

/**
 * Runs a round trip's statements in the object, in order, each answered whole (columns, rows as
 * arrays, rows read and written). The caller wraps it in `transactionSync`, so a statement that
 * throws (a guard's `RAISE(ABORT, 'guard:<reason>')`, a constraint) rolls every one back and
 * reaches the Worker with SQLite's message, as a D1 batch's does.
 */
export function runStatements(sql: SqlStorage, statements: readonly SentStatement[]): StatementAnswer[] {
  return statements.map(({ sql: text, params }) => {
    const cursor = sql.exec(text, ...params);
    const rows = [...cursor.raw()];
    return { columns: cursor.columnNames, rows, rowsRead: cursor.rowsRead, rowsWritten: cursor.rowsWritten };
  });
}

/** Whether the workspace's own row is there (live or being deleted): an object without it keeps nothing of a call. */
export const holdsWorkspace = (sql: SqlStorage, workspace: string): boolean =>
  sql.exec("SELECT 1 FROM workspaces WHERE id = ?", workspace).toArray().length > 0;
