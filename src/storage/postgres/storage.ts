import type { Storage } from "../../domain/storage";
import { lazyStorage } from "../shared/lazy-storage";
import type { OpenOptions, RepositorySettings, RequestStorage } from "../shared/request-storage";
import { sql } from "../shared/sql";
import { postgresApiKeys } from "./api-keys";
import { postgresArchiveRuns } from "./archive-runs";
import { type PostgresConnection, postgresConnection } from "./connection";
import { postgresPipelineRepository } from "./pipeline-repository";

/** Everything the API stores, on PostgreSQL over one connection. */
export const postgresStorage = (connection: PostgresConnection, settings: RepositorySettings, clock?: () => Date): Storage =>
  lazyStorage(
    {
      pipelines: () => postgresPipelineRepository(connection, clock, settings),
      apiKeys: () => postgresApiKeys(connection),
      archiveRuns: () => postgresArchiveRuns(connection),
    },
    async () => {
      await connection.value(sql`1`);
    },
  );

/**
 * A request's PostgreSQL storage through Hyperdrive: a connection per request (Workers cannot
 * share one across requests; Hyperdrive pools the real ones). Hyperdrive reaches one server,
 * the primary, so every read already sees every committed write: a token sent back is checked
 * for shape (400 otherwise) and needs nothing more.
 */
export function openPostgresStorage(hyperdrive: { connectionString: string }, options: OpenOptions): RequestStorage {
  const connection = postgresConnection(hyperdrive.connectionString, options.onCall);
  const storage = postgresStorage(connection, options);
  return {
    storage,
    checkKey: (check) => connection.checkKey(check),
    token: () => connection.token() ?? options.token,
    close: () => connection.close(),
  };
}
