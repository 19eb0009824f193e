/**
 * SQL text with its bound values, composed with a tagged template: `sql\`… ${value} …\``
 * binds `value` as `?`, and a nested `Sql` is spliced in with its own values. The runtime
 * builds D1 statements with this alone (the Drizzle schema in ./schema.ts is for drizzle-kit and
 * the tests): splicing strings costs microseconds, where an ORM's query builder walked its
 * objects on every request (issue 16's profile: half the Worker's JavaScript time on writes).
 */
export class Sql {
  constructor(
    readonly text: string,
    readonly values: readonly unknown[],
  ) {}
}

/** Booleans as SQLite stores them; everything else as given. */
const bound = (value: unknown) => (value === true ? 1 : value === false ? 0 : value);

export function sql(strings: TemplateStringsArray, ...parts: unknown[]): Sql {
  let text = strings[0] ?? "";
  const values: unknown[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part instanceof Sql) {
      text += part.text;
      values.push(...part.values);
    } else {
      text += "?";
      values.push(bound(part));
    }
    text += strings[i + 1];
  }
  return new Sql(text, values);
}

/** Text spliced in as it is: only for constants of this code, never for a client's input. */
sql.raw = (text: string) => new Sql(text, []);

/** `parts` one after the other, `separator` between them. */
sql.join = (parts: readonly Sql[], separator: string) =>
  new Sql(
    parts.map((part) => part.text).join(separator),
    parts.flatMap((part) => part.values),
  );

/** The D1 statement of `query`, on `db` (a request's session). */
export const prepare = (db: D1Database, query: Sql): D1PreparedStatement => db.prepare(query.text).bind(...query.values);
