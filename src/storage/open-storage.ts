import type { Env } from "../env";
import { openD1Storage } from "./d1/storage";
import { openPostgresStorage } from "./postgres/storage";
import type { OpenOptions, RequestStorage } from "./shared/request-storage";

export type { OpenOptions, RequestStorage } from "./shared/request-storage";

/**
 * The composition root of storage: the one place that knows there is more than one backend.
 * With a `HYPERDRIVE` binding the Worker stores everything in PostgreSQL, otherwise in D1;
 * everything above sees a `RequestStorage`.
 */
export function openStorage(env: Env, options: OpenOptions): RequestStorage {
  return env.HYPERDRIVE ? openPostgresStorage(env.HYPERDRIVE, options) : openD1Storage(env.DB, options);
}
