import { type SQL, sql } from "../shared/sql";

/**
 * Rows travel to D1 as one JSON parameter and come apart in SQL (`json_each`), so a write
 * statement has the same text and one bound parameter however many rows it carries: no
 * chunking under D1's 100 bound parameters, and one statement text per shape.
 */

/** The rows of `value` (an array of objects), each as `j.value`. */
export const jsonRows = (value: readonly object[]) => sql`json_each(${JSON.stringify(value)}) j`;

const memberText = (name: string) => `j.value ->> '${name}'`;

/** One JSON member of the current row of `jsonRows`, as an SQL value (true/false become 1/0). */
export const member = (name: string) => sql.raw(memberText(name));

/**
 * The SELECT of `members` (in the order of the table's columns) from `jsonRows(rows)` where
 * `condition` holds, as a function of the rows: the member list is spelled out once, not per write.
 */
export function rowSelect(members: readonly string[]): (rows: readonly object[], condition?: SQL) => SQL {
  const list = sql.raw(members.map(memberText).join(", "));
  // The WHERE is always there: without it SQLite would read a following ON CONFLICT as a join constraint.
  return (rows, condition = sql`1`) => sql`SELECT ${list} FROM ${jsonRows(rows)} WHERE ${condition}`;
}

/**
 * The entries of each row's string map `map` (configuration, parameters) as (`owner`, key,
 * value) rows: `SELECT x.value ->> owner, e.key, e.value FROM json_each(rows) x, json_each(x.value -> map) e`.
 */
export function mapEntries(rows: readonly object[], owner: string, map: string): { from: SQL; owner: SQL } {
  return {
    from: sql`${jsonRows(rows)} JOIN json_each(j.value -> ${sql.raw(`'${map}'`)}) e`,
    owner: member(owner),
  };
}
