import type { Storage } from "../domain/storage";
import { d1ApiKeys } from "./d1-api-keys";
import { d1ArchiveRuns } from "./d1-archive-runs";
import { createD1PipelineRepository, type D1RepositorySettings } from "./d1-pipeline-repository";
import { lazyStorage } from "./lazy-storage";

/** Everything the API stores, on D1 (a request's session). */
export const d1Storage = (d1: D1Database, settings: D1RepositorySettings, clock?: () => Date): Storage =>
  lazyStorage(
    {
      pipelines: () => createD1PipelineRepository(d1, clock, settings),
      apiKeys: () => d1ApiKeys(d1),
      archiveRuns: () => d1ArchiveRuns(d1),
    },
    async () => {
      await d1.prepare("SELECT 1").first();
    },
  );
