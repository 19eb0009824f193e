/**
 * The SQL both backends send, written as tagged templates: `sql\`… ${value} …\`` makes each
 * value a bound parameter and splices a nested `sql` fragment in place. A fragment renders
 * for D1 (`?` placeholders, booleans as 1 and 0, as SQLite stores them) or for PostgreSQL
 * (`$1`, `$2`, … in order of appearance). Rendering splices strings, which costs microseconds
 * a request (docs/performance.md measures the alternatives); the Drizzle schemas are
 * drizzle-kit's, for the migrations.
 */

/**
 * What a query binds. No arrays or objects: the registry sends JSON as text, taken apart in the
 * SQL (`json_each`, `::json`), so no driver has to guess an encoding.
 */
export type SqlValue = string | number | boolean | null;

/** A piece of SQL: its text around its values, as a template literal splits them. */
export class SQL {
  readonly strings: readonly string[];
  readonly values: readonly (SqlValue | SQL)[];

  constructor(strings: readonly string[], values: readonly (SqlValue | SQL)[]) {
    this.strings = strings;
    this.values = values;
  }
}

export function sql(strings: TemplateStringsArray, ...values: (SqlValue | SQL)[]): SQL {
  return new SQL(strings, values);
}

/** Text spliced in as it is, never a parameter: only for text the code chooses (`ASC`, `<`, column lists). */
sql.raw = (text: string): SQL => new SQL([text], []);

/** The fragments, with `separator` (text the code chooses) between them. */
sql.join = (parts: readonly SQL[], separator: string): SQL => new SQL(["", ...parts.slice(1).map(() => separator), ""], parts);

/** `WHERE` and the conditions joined by `AND`; nothing at all without conditions. */
export const where = (conditions: readonly SQL[]): SQL => (conditions.length === 0 ? sql`` : sql`WHERE ${sql.join(conditions, " AND ")}`);

/** A statement's text and values, with `placeholder(n)` for the n-th value (from 1). */
function render(query: SQL, placeholder: (n: number) => string, bind: (value: SqlValue) => SqlValue) {
  const values: SqlValue[] = [];
  const text = (piece: SQL): string => {
    let out = piece.strings[0] ?? "";
    piece.values.forEach((value, i) => {
      if (value instanceof SQL) out += text(value);
      else out += placeholder(values.push(bind(value)));
      out += piece.strings[i + 1] ?? "";
    });
    return out;
  };
  return { text: text(query), values };
}

const asSqlite = (value: SqlValue) => (value === true ? 1 : value === false ? 0 : value);

/** For D1: `?` placeholders, booleans as 1 and 0. */
export const toSqlite = (query: SQL) => render(query, () => "?", asSqlite);

/** For node-postgres: `$n` placeholders, values as they are. */
export const toPostgres = (query: SQL) =>
  render(
    query,
    (n) => `$${n}`,
    (value) => value,
  );
