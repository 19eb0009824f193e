import type { Storage } from "../../domain/storage";
import { DEFAULT_WORKSPACE } from "../../domain/workspace";
import { d1FindKeyByHash } from "../d1/api-keys";
import { d1CallCounter } from "../d1/call-counter";
import { d1WorkspaceCheck } from "../d1/key-check";
import { d1WorkspaceStorage } from "../d1/storage";
import type { WorkspaceCheck } from "../shared/key-check";
import type { Freshness, OpenOptions, RepositorySettings, RequestStorage } from "../shared/request-storage";
import { type ObjectCallHooks, type WorkspaceObjects, workspaceObjects } from "./objects";
import { objectWorkspaces } from "./workspaces";

/**
 * Everything the API stores, on Durable Objects: a workspace's stores are D1's, run in its own
 * object, and check that it exists in each of their calls, as `mode` says; the directory of
 * workspaces is the D1 database (./workspaces.ts).
 */
export function objectStorage(
  objects: WorkspaceObjects,
  directory: D1Database,
  settings: RepositorySettings,
  mode: WorkspaceCheck["mode"] = "write",
  clock?: () => Date,
): Storage {
  return {
    workspace: (id) => d1WorkspaceStorage(d1WorkspaceCheck(objects.database(id), { workspace: id, mode }).db, id, settings, clock),
    workspaces: objectWorkspaces(directory, objects),
    // A key of the oldest format names no workspace: it was made before workspaces, so it is `default`'s.
    findKeyByHash: (hash) => d1FindKeyByHash(objects.database(DEFAULT_WORKSPACE), hash),
    async ping() {
      await directory.prepare("SELECT 1").first();
    },
  };
}

/**
 * An object's position (its committed write round trips) in the shape of a D1 bookmark, as
 * PostgreSQL's WAL position is given, so the header keeps one pattern on every backend and the
 * tokens of one workspace sort as its writes.
 */
export function objectToken(position: number): string {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return `${hex(Math.floor(position / 2 ** 32))}-${hex(position % 2 ** 32)}-00000000-${"0".repeat(32)}`;
}

/**
 * A request's storage on Durable Objects. Every read is served by the workspace's object, which
 * has every write it committed: a token sent back needs nothing more (the HTTP layer has
 * verified it), and the token a request gets is the position of the object it called last.
 */
export function openObjectStorage(namespace: DurableObjectNamespace, binding: D1Database, options: OpenOptions): RequestStorage {
  // The directory's calls are round trips too (the operator's routes, the health check).
  const directory = options.onCall ? d1CallCounter(binding, options.onCall) : binding;
  let seen: Freshness | undefined = options.token;
  const hooks: ObjectCallHooks = {
    onCall: options.onCall,
    // A failed call gives no position: what it saw was the object's newest state.
    onAnswer: (answer) => {
      seen = answer ? { position: objectToken(Number(answer.position)) } : "primary";
    },
  };
  const objects = workspaceObjects(namespace, hooks);
  let storage: Storage | undefined;
  return {
    get storage() {
      storage ??= objectStorage(objects, directory, options, options.readOnly ? "read" : "write");
      return storage;
    },
    scope(check) {
      const checked = d1WorkspaceCheck(objects.database(check.workspace), check);
      return {
        storage: d1WorkspaceStorage(checked.db, check.workspace, options),
        get sent() {
          return checked.sent;
        },
        verify: checked.verify,
      };
    },
    token: () => seen,
  };
}
