import type { Storage, WorkspaceStorage } from "../../domain/storage";
import type { WorkspaceCheck } from "../shared/key-check";
import type { OpenOptions, RepositorySettings, RequestStorage } from "../shared/request-storage";
import { sql } from "../shared/sql";
import { postgresApiKeys, postgresFindKeyByHash } from "./api-keys";
import { postgresArchiveRuns } from "./archive-runs";
import { type PostgresCalls, type PostgresConnection, postgresConnection } from "./connection";
import { postgresPipelineRepository } from "./pipeline-repository";
import { postgresWebhooks } from "./webhooks";
import { postgresDescribeWorkspace, postgresWorkspaces } from "./workspaces";

/** One workspace's stores on PostgreSQL, over `calls` (which check the workspace in each call); each part built when first used. */
export function postgresWorkspaceStorage(
  calls: PostgresCalls,
  workspace: string,
  settings: RepositorySettings,
  clock?: () => Date,
): WorkspaceStorage {
  let pipelines: WorkspaceStorage["pipelines"] | undefined;
  return {
    get pipelines() {
      pipelines ??= postgresPipelineRepository(calls, workspace, clock, settings);
      return pipelines;
    },
    get apiKeys() {
      return postgresApiKeys(calls, workspace);
    },
    get archiveRuns() {
      return postgresArchiveRuns(calls, workspace);
    },
    get webhooks() {
      return postgresWebhooks(calls, workspace);
    },
    describe: () => postgresDescribeWorkspace(calls, workspace),
  };
}

/**
 * Everything the API stores, on PostgreSQL over one connection: a workspace's stores check that
 * it exists in each of their calls, as `mode` says (its row locked until the commit for writes).
 */
export function postgresStorage(
  connection: PostgresConnection,
  settings: RepositorySettings,
  mode: WorkspaceCheck["mode"] = "write",
  clock?: () => Date,
): Storage {
  return {
    workspace: (id) => postgresWorkspaceStorage(connection.checked({ workspace: id, mode }), id, settings, clock),
    workspaces: postgresWorkspaces(connection, settings.deleteStepPipelines),
    findKeyByHash: (hash) => postgresFindKeyByHash(connection, hash),
    async ping() {
      await connection.value(sql`1`);
    },
  };
}

/**
 * A request's PostgreSQL storage through Hyperdrive: a connection per request (Workers cannot
 * share one across requests; Hyperdrive pools the real ones). Hyperdrive reaches one server,
 * the primary, so every read already sees every committed write: a token sent back needs
 * nothing more (the HTTP layer has verified it).
 */
export function openPostgresStorage(hyperdrive: { connectionString: string }, options: OpenOptions): RequestStorage {
  const connection = postgresConnection(hyperdrive.connectionString, options.onCall);
  let storage: Storage | undefined;
  return {
    get storage() {
      storage ??= postgresStorage(connection, options, options.readOnly ? "read" : "write");
      return storage;
    },
    scope(check) {
      const checked = connection.checked(check);
      return {
        storage: postgresWorkspaceStorage(checked, check.workspace, options),
        get sent() {
          return checked.sent;
        },
        verify: () => checked.verify(),
      };
    },
    token: () => connection.token() ?? options.token,
    close: () => connection.close(),
  };
}
