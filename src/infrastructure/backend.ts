import type { Storage } from "../domain/storage";
import type { Env } from "../env";
import { countD1Calls } from "./d1-call-counter";
import { keyCheckedD1 } from "./d1-key-check";
import { d1Storage } from "./d1-storage";
import type { KeyCheck, KeyChecked } from "./key-check";
import { pgConnection } from "./pg/connection";
import { pgStorage } from "./pg/storage";

/**
 * The composition root of storage: the one place that knows there are two backends. With a
 * `HYPERDRIVE` binding the Worker stores everything in PostgreSQL, otherwise in D1 (API.md
 * "Storage backends"); everything above sees a `RequestStorage`.
 */

export interface OpenOptions {
  /** The client's `X-Consistency-Token`, already checked for shape. */
  token?: string;
  /** GET and HEAD: may be served by a replica. */
  readOnly: boolean;
  /** How many of each pipeline's newest revisions are kept. */
  revisionsKeep: number;
  /** Called once per database round trip (the access log counts them). */
  onCall?: () => void;
}

/** One request's (or one job run's) view of storage. */
export interface RequestStorage {
  readonly backend: "d1" | "postgres";
  /** Everything the API stores, over this request's session (with its key check, once `checkKey` is called). */
  readonly storage: Storage;
  /** Checks this API key in every later call of the request, in that call's own round trip. */
  checkKey(check: KeyCheck): KeyChecked;
  /** The consistency token after the request's work: D1's bookmark, or PostgreSQL's WAL position. */
  token(): string | undefined;
  /** Ends the request's connection; absent when there is none (D1), so nothing waits on it. */
  readonly close?: () => Promise<void>;
}

/**
 * D1: a session per request (read replication): from the client's token when it sends one,
 * else anywhere for reads and from the primary for writes.
 */
function openD1(binding: D1Database, options: OpenOptions): RequestStorage {
  const counted = options.onCall ? countD1Calls(binding, options.onCall) : binding;
  const session = counted.withSession(options.token ?? (options.readOnly ? "first-unconstrained" : "first-primary"));
  // A session has prepare and batch, which is all the D1 stores use: it stands in for the binding.
  let db = session as unknown as D1Database;
  let storage: Storage | undefined;
  return {
    backend: "d1",
    get storage() {
      storage ??= d1Storage(db, options);
      return storage;
    },
    checkKey(check) {
      const checked = keyCheckedD1(db, check);
      db = checked.db;
      storage = undefined;
      return checked;
    },
    token: () => session.getBookmark() ?? options.token,
  };
}

/**
 * PostgreSQL through Hyperdrive: a connection per request (Workers cannot share one across
 * requests; Hyperdrive pools the real ones). Hyperdrive reaches one server, the primary, so
 * every read already sees every committed write: a token sent back is checked for shape
 * (400 otherwise) and needs nothing more.
 */
function openPostgres(hyperdrive: Hyperdrive, options: OpenOptions): RequestStorage {
  const connection = pgConnection(hyperdrive.connectionString, options.onCall);
  const storage = pgStorage(connection, options);
  return {
    backend: "postgres",
    storage,
    checkKey: (check) => connection.checkKey(check),
    token: () => connection.token() ?? options.token,
    close: () => connection.close(),
  };
}

export function openStorage(env: Env, options: OpenOptions): RequestStorage {
  return env.HYPERDRIVE ? openPostgres(env.HYPERDRIVE, options) : openD1(env.DB, options);
}
