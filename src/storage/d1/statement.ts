import { type SQL, toSqlite } from "../shared/sql";

/** The D1 statement of `query`, on `db` (a request's session or the binding). */
export function prepare(db: D1Database, query: SQL): D1PreparedStatement {
  const { text, values } = toSqlite(query);
  return db.prepare(text).bind(...values);
}
