import type { Storage } from "../../domain/storage";
import { lazyStorage } from "../lazy-storage";
import { sql } from "../sql";
import type { PgConnection } from "./connection";
import { createPgPipelineRepository, type PgRepositorySettings } from "./pipeline-repository";
import { pgApiKeys, pgArchiveRuns } from "./stores";

/** Everything the API stores, on PostgreSQL over one connection. */
export const pgStorage = (connection: PgConnection, settings: PgRepositorySettings, clock?: () => Date): Storage =>
  lazyStorage(
    {
      pipelines: () => createPgPipelineRepository(connection, clock, settings),
      apiKeys: () => pgApiKeys(connection),
      archiveRuns: () => pgArchiveRuns(connection),
    },
    async () => {
      await connection.value(sql`1`);
    },
  );
