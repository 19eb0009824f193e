import type { Storage } from "../../domain/storage";
import { lazyStorage } from "../shared/lazy-storage";
import type { OpenOptions, RepositorySettings, RequestStorage } from "../shared/request-storage";
import { d1ApiKeys } from "./api-keys";
import { d1ArchiveRuns } from "./archive-runs";
import { d1CallCounter } from "./call-counter";
import { d1KeyCheck } from "./key-check";
import { d1PipelineRepository } from "./pipeline-repository";

/** Everything the API stores, on D1 (a request's session). */
export const d1Storage = (d1: D1Database, settings: RepositorySettings, clock?: () => Date): Storage =>
  lazyStorage(
    {
      pipelines: () => d1PipelineRepository(d1, clock, settings),
      apiKeys: () => d1ApiKeys(d1),
      archiveRuns: () => d1ArchiveRuns(d1),
    },
    async () => {
      await d1.prepare("SELECT 1").first();
    },
  );

/**
 * A request's D1 storage: a session per request (read replication), from the client's token
 * when it sends one, else anywhere for reads and from the primary for writes.
 */
export function openD1Storage(binding: D1Database, options: OpenOptions): RequestStorage {
  const counted = options.onCall ? d1CallCounter(binding, options.onCall) : binding;
  const session = counted.withSession(options.token ?? (options.readOnly ? "first-unconstrained" : "first-primary"));
  // A session has prepare and batch, which is all the D1 stores use: it stands in for the binding.
  let db = session as unknown as D1Database;
  let storage: Storage | undefined;
  return {
    get storage() {
      storage ??= d1Storage(db, options);
      return storage;
    },
    checkKey(check) {
      const checked = d1KeyCheck(db, check);
      db = checked.db;
      storage = undefined;
      return checked;
    },
    token: () => session.getBookmark() ?? options.token,
  };
}
