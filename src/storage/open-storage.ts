import type { Env } from "../env";
import { openD1Storage } from "./d1/storage";
import { openObjectStorage } from "./durable-objects/storage";
import { openPostgresStorage } from "./postgres/storage";
import type { OpenOptions, RequestStorage } from "./shared/request-storage";

export type { OpenOptions, RequestStorage } from "./shared/request-storage";

/**
 * The composition root of storage: the one place that knows there is more than one backend.
 * With a `HYPERDRIVE` binding the Worker stores everything in PostgreSQL; with a `WORKSPACES`
 * Durable Object binding each workspace in its own object (the D1 database keeping the
 * directory of workspaces); otherwise everything in D1. Everything above sees a `RequestStorage`.
 */
export function openStorage(env: Env, options: OpenOptions): RequestStorage {
  if (env.HYPERDRIVE) return openPostgresStorage(env.HYPERDRIVE, options);
  if (env.WORKSPACES) return openObjectStorage(env.WORKSPACES, env.DB, options);
  return openD1Storage(env.DB, options);
}
