/**
 * The SQL the PostgreSQL backend sends, written as tagged templates: `sql\`… ${value} …\``
 * makes each value a parameter ($1, $2, … in order of appearance) and splices a nested
 * `sql` fragment in place. It renders exactly as drizzle-orm's `sql` did for these queries
 * (test/node/pg-sql.test.ts), without drizzle's query builder in the Worker's bundle (issue 16).
 */

/**
 * What a query passes as a parameter. No arrays or objects: the registry sends JSON as text,
 * cast in the SQL (`::json`), so node-postgres never has to guess an encoding.
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

/** Text spliced in as it is, never a parameter: only for text the code chooses (`ASC`, `<`). */
sql.raw = (text: string): SQL => new SQL([text], []);

/** The fragments, with `separator` between them. */
sql.join = (parts: readonly SQL[], separator: SQL): SQL => {
  const values = parts.flatMap((part, i) => (i === 0 ? [part] : [separator, part]));
  return new SQL(["", ...values.map(() => "")], values);
};

/** The statement as node-postgres takes it: `$n` placeholders and their values. */
export function toQuery(query: SQL): { text: string; values: SqlValue[] } {
  const values: SqlValue[] = [];
  const render = (piece: SQL): string => {
    let text = piece.strings[0] ?? "";
    piece.values.forEach((value, i) => {
      if (value instanceof SQL) {
        text += render(value);
      } else {
        values.push(value);
        text += `$${values.length}`;
      }
      text += piece.strings[i + 1] ?? "";
    });
    return text;
  };
  return { text: render(query), values };
}
