import type { Storage, WorkspaceStorage } from "../../domain/storage";
import type { WorkspaceCheck } from "../shared/key-check";
import type { OpenOptions, RepositorySettings, RequestStorage } from "../shared/request-storage";
import { d1ApiKeys, d1FindKeyByHash } from "./api-keys";
import { d1ArchiveRuns } from "./archive-runs";
import { d1CallOutcome } from "./call-counter";
import { d1WorkspaceCheck } from "./key-check";
import { d1PipelineRepository } from "./pipeline-repository";
import { d1Webhooks } from "./webhooks";
import { d1DescribeWorkspace, d1Workspaces } from "./workspaces";

/** One workspace's stores on D1, over `db` (which checks the workspace in each call); each part built when first used. */
export function d1WorkspaceStorage(db: D1Database, workspace: string, settings: RepositorySettings, clock?: () => Date): WorkspaceStorage {
  let pipelines: WorkspaceStorage["pipelines"] | undefined;
  return {
    get pipelines() {
      pipelines ??= d1PipelineRepository(db, workspace, clock, settings);
      return pipelines;
    },
    get apiKeys() {
      return d1ApiKeys(db, workspace);
    },
    get archiveRuns() {
      return d1ArchiveRuns(db, workspace);
    },
    get webhooks() {
      return d1Webhooks(db, workspace);
    },
    describe: () => d1DescribeWorkspace(db, workspace),
  };
}

/**
 * Everything the API stores, on D1 (a request's session): a workspace's stores check that it
 * exists in each of their calls, as `mode` says (a guard for writes, a SELECT for reads).
 */
export function d1Storage(
  d1: D1Database,
  settings: RepositorySettings,
  mode: WorkspaceCheck["mode"] = "write",
  clock?: () => Date,
): Storage {
  return {
    workspace: (id) => d1WorkspaceStorage(d1WorkspaceCheck(d1, { workspace: id, mode }).db, id, settings, clock),
    workspaces: d1Workspaces(d1, settings.deleteStepPipelines),
    findKeyByHash: (hash) => d1FindKeyByHash(d1, hash),
    async ping() {
      await d1.prepare("SELECT 1").first();
    },
  };
}

/**
 * A request's D1 storage: a session per request (read replication), from the client's token
 * when it sends one, else anywhere for reads and from the primary for writes.
 */
export function openD1Storage(binding: D1Database, options: OpenOptions): RequestStorage {
  const { db: followed, outcome } = d1CallOutcome(binding, options.onCall);
  const sent = options.token;
  const session = followed.withSession(
    sent === undefined
      ? options.readOnly
        ? "first-unconstrained"
        : "first-primary"
      : sent === "primary"
        ? "first-primary"
        : sent.position,
  );
  // A session has prepare and batch, which is all the D1 stores use: it stands in for the binding.
  const db = session as unknown as D1Database;
  let storage: Storage | undefined;
  return {
    get storage() {
      storage ??= d1Storage(db, options, options.readOnly ? "read" : "write");
      return storage;
    },
    scope(check) {
      const checked = d1WorkspaceCheck(db, check);
      return {
        storage: d1WorkspaceStorage(checked.db, check.workspace, options),
        get sent() {
          return checked.sent;
        },
        verify: checked.verify,
      };
    },
    token() {
      if (!outcome.made) return sent;
      // A failed call leaves the bookmark where it was, older than the primary state that call saw.
      if (outcome.lastFailed) return "primary";
      const bookmark = session.getBookmark();
      return bookmark ? { position: bookmark } : "primary";
    },
  };
}
