import { applyD1Migrations } from "cloudflare:test";
import type { D1Migration } from "@cloudflare/vitest-plugin";
import { type Dump, dumpDatabase } from "./dump";

/**
 * D1 read replication, simulated (docs/consistency.md): a D1 binding whose sessions are served
 * by a primary (a real D1) and by replicas (other real D1s) that lag it by up to `lag` writes.
 *
 * Every batch that writes runs on the primary and is recorded; its position is the number of
 * writes the primary has committed, and the bookmark the harness mints for it is `lag-` and
 * that number. A replica has applied the recorded writes up to some position: it replays one
 * only when asked (`replicate`), when it falls more than `lag` writes behind, or when a session
 * needs it (D1's replica waits until it has the bookmark it was given). So a read with no
 * bookmark, served where the test has `land`ed it, sees a state up to `lag` writes old; a read
 * with a bookmark sees a state at least that new, on whatever replica it lands.
 *
 * Sessions behave as D1's do: `first-primary` is served by the primary; `first-unconstrained`
 * and a bookmark by the replica sessions currently land on; a batch that writes goes to the
 * primary whatever the session; and a session's bookmark is the newest state it has seen.
 * Statements are the harness's own (their SQL and values, replayed on the replicas), made into
 * D1's on the database that serves them.
 */

/** What served a call: the primary or a replica (its index). */
type Served = "primary" | number;

interface Recorded {
  query: string;
  values: unknown[];
}

type Method = "first" | "all" | "run" | "raw";

/** A statement changes the database when it names one of these (a read's SQL names none: values are bound). */
const WRITES = /\b(INSERT|UPDATE|DELETE|REPLACE\s+INTO|CREATE|DROP|ALTER)\b/i;

/** Whether D1's answer says the call changed the database: a batch's results or run()'s (rows say nothing). */
const changedDatabase = (answer: unknown) =>
  [answer].flat().some((result) => (result as Partial<D1Result> | null)?.meta?.changed_db === true);

const BOOKMARK = /^lag-(\d{10})$/;

/** The bookmark the harness mints for `position`: in the consistency token's alphabet, so a token names it. */
const bookmarkOf = (position: number) => `lag-${String(position).padStart(10, "0")}`;

/** The position a bookmark of the harness names. */
export function positionOf(bookmark: string): number {
  const match = BOOKMARK.exec(bookmark);
  if (!match) throw new Error(`not a bookmark of the lagging-replica harness: ${JSON.stringify(bookmark)}`);
  return Number(match[1]);
}

/** The data of a database, its schema and rows, without d1_migrations (each database applied them at its own time). */
export async function dataOf(db: D1Database): Promise<Dump> {
  const {
    schema,
    tables: { d1_migrations: _, ...tables },
  } = await dumpDatabase(db);
  return { schema, tables };
}

export interface LaggingReplicas {
  /** The binding to give the app (as env.DB). */
  db: D1Database;
  /** The primary's position: how many writes it has committed through the harness. */
  readonly position: number;
  /** How many replicas there are. */
  readonly replicas: number;
  /** The position replica `replica` has applied. */
  applied(replica: number): number;
  /** Where sessions that a replica may serve, opened from now on, land. */
  land(replica: number): void;
  /** Replica `replica` replays up to `steps` more writes (never past the primary); all of them when `steps` is omitted. */
  replicate(replica: number, steps?: number): Promise<void>;
}

/**
 * The harness over `primary` (migrated, holding no data the replicas lack) and `replicas`
 * (empty D1s): each gets `migrations` and the primary's data, and is checked to hold exactly
 * the primary's data before anything is served.
 */
export async function laggingReplicas(
  primary: D1Database,
  replicas: D1Database[],
  migrations: D1Migration[],
  lag: number,
): Promise<LaggingReplicas> {
  if (!Number.isSafeInteger(lag) || lag < 1) throw new Error(`the lag must be a whole number of writes, at least 1, not ${lag}`);
  const expected = await dataOf(primary);
  // Migration 0008 stamps the default workspace with julianday('now'): the replicas get the primary's stamp, as replication would copy it.
  const stamp = await primary.prepare("SELECT created_at FROM workspaces WHERE id = 'default'").first<number>("created_at");
  for (const [index, replica] of replicas.entries()) {
    await applyD1Migrations(replica, migrations);
    await replica.prepare("UPDATE workspaces SET created_at = ? WHERE id = 'default'").bind(stamp).run();
    const copy = await dataOf(replica);
    if (JSON.stringify(copy) !== JSON.stringify(expected))
      throw new Error(`replica ${index} does not start with the primary's data: the primary must hold no more than the migrations made`);
  }

  /** The writes the primary committed, in order: write i made position i + 1. */
  const log: Recorded[][] = [];
  const applied = replicas.map(() => 0);
  let landing = 0;

  // One call at a time on each database, so a position names exactly the state a call saw.
  const queues = new Map<Served, Promise<unknown>>();
  function exclusive<T>(on: Served, work: () => Promise<T>): Promise<T> {
    const next = (queues.get(on) ?? Promise.resolve()).then(work);
    queues.set(
      on,
      next.catch(() => undefined),
    );
    return next;
  }

  const database = (on: Served) => (on === "primary" ? primary : (replicas[on] as D1Database));

  /** Replays, on replica `on`, the writes up to `position` it has not applied (its queue held). */
  async function catchUp(on: number, position: number) {
    const replica = database(on);
    while ((applied[on] ?? 0) < Math.min(position, log.length)) {
      const next = applied[on] ?? 0;
      const write = log[next] ?? [];
      try {
        await replica.batch(write.map(({ query, values }) => replica.prepare(query).bind(...values)));
      } catch (error) {
        throw new Error(`replica ${on} failed to replay write ${next + 1}, which the primary committed: ${String(error)}`);
      }
      applied[on] = next + 1;
    }
  }

  /** Keeps every replica within `lag` writes of the primary. */
  const keepUp = () => Promise.all(replicas.map((_, on) => exclusive(on, () => catchUp(on, log.length - lag))));

  class Session {
    /** `position`: the newest state this session has seen, its bookmark. */
    constructor(
      readonly home: Served,
      public position?: number,
    ) {}

    prepare(query: string) {
      return new Statement(this, query, []);
    }

    batch(statements: Statement[]) {
      return this.send(statements, (db, made) => db.batch(made));
    }

    getBookmark() {
      return this.position === undefined ? null : bookmarkOf(this.position);
    }

    /** Sends `statements` where they are served: `call` gets that database and D1's own statements. */
    async send<T>(statements: Statement[], call: (db: D1Database, made: D1PreparedStatement[]) => Promise<T>): Promise<T> {
      const writes = statements.some((statement) => WRITES.test(statement.query));
      const on = writes ? "primary" : this.home;
      const result = await exclusive(on, async () => {
        if (on !== "primary") await catchUp(on, this.position ?? 0);
        const db = database(on);
        const answer = await call(
          db,
          statements.map(({ query, values }) => db.prepare(query).bind(...values)),
        );
        if (writes) log.push(statements.map(({ query, values }) => ({ query, values })));
        // A write taken for a read would have changed a replica, which then holds a state the primary never had.
        else if (changedDatabase(answer))
          throw new Error(`a call the harness took for a read changed the database: ${statements[0]?.query}`);
        const seen = on === "primary" ? log.length : (applied[on] ?? 0);
        this.position = Math.max(this.position ?? 0, seen);
        return answer;
      });
      if (writes) await keepUp();
      return result;
    }
  }

  class Statement {
    constructor(
      readonly session: Session,
      readonly query: string,
      readonly values: unknown[],
    ) {}
    bind(...values: unknown[]) {
      return new Statement(this.session, this.query, values);
    }
    private one(method: Method, args: unknown[]) {
      return this.session.send([this], (_, [made]) =>
        (made as unknown as Record<Method, (...a: unknown[]) => Promise<unknown>>)[method](...args),
      );
    }
    first(...args: unknown[]) {
      return this.one("first", args);
    }
    all(...args: unknown[]) {
      return this.one("all", args);
    }
    run(...args: unknown[]) {
      return this.one("run", args);
    }
    raw(...args: unknown[]) {
      return this.one("raw", args);
    }
  }

  function withSession(constraint = "first-unconstrained") {
    if (constraint === "first-primary") return new Session("primary");
    if (constraint === "first-unconstrained") return new Session(landing);
    const position = positionOf(constraint);
    if (position > log.length) throw new Error(`bookmark ${constraint} is newer than the primary (position ${log.length})`);
    return new Session(landing, position);
  }

  // Calls on the binding itself, outside any session, are the primary's.
  const binding = {
    withSession,
    prepare: (query: string) => new Session("primary").prepare(query),
    batch: (statements: Statement[]) => new Session("primary").batch(statements),
    exec: () => Promise.reject(new Error("the lagging-replica harness does not replay exec()")),
  };

  return {
    db: binding as unknown as D1Database,
    get position() {
      return log.length;
    },
    replicas: replicas.length,
    applied: (replica) => applied[replica] ?? 0,
    land(replica) {
      if (!Number.isInteger(replica) || replica < 0 || replica >= replicas.length) throw new Error(`no replica ${replica}`);
      landing = replica;
    },
    replicate: (replica, steps = Number.POSITIVE_INFINITY) => exclusive(replica, () => catchUp(replica, (applied[replica] ?? 0) + steps)),
  };
}

/** Planted bugs, each a binding over the harness's as a broken storage would use it: the replica-lag test shows its property fails. */
export const plantedBugs: Record<string, (db: D1Database) => D1Database> = {
  // Every session opened `first-unconstrained`, whatever the app asks.
  "drops the client's bookmark": (db) => withSessions(db, (open) => open("first-unconstrained")),
  // A session opened from a bookmark answers that bookmark still, whatever it saw since.
  "never moves the client's token on": (db) =>
    withSessions(db, (open, constraint) => {
      const session = open(constraint);
      if (constraint === undefined || constraint.startsWith("first-")) return session;
      return new Proxy(session, {
        get: (target, property) => (property === "getBookmark" ? () => constraint : Reflect.get(target, property)),
      });
    }),
};

function withSessions(
  db: D1Database,
  session: (open: (constraint?: string) => D1DatabaseSession, constraint?: string) => D1DatabaseSession,
) {
  return new Proxy(db, {
    get(target, property) {
      if (property === "withSession") return (constraint?: string) => session((c) => target.withSession(c), constraint);
      return Reflect.get(target, property);
    },
  });
}
