import type { MetricsInput } from "../../src/domain/metrics";
import type { NewPipeline, NewStage } from "../../src/domain/pipeline";
import type { ListQuery, PipelineRepository } from "../../src/domain/repository";
import type { ManualClock } from "../support/clock";

/**
 * What the repository contract runs on (pipeline-repository-contract.ts): each implementation's
 * test file hands it a subject, so every backend and the in-memory model keep one behaviour.
 */

export interface ContractSubject {
  repo: PipelineRepository;
  clock: ManualClock;
}

export const compressStage: NewStage = {
  name: "compress",
  stageType: "compression",
  algorithm: "zstd",
  enabled: true,
  parallelProcessing: false,
  chunkSize: 1048576,
  parameters: { level: "3" },
};

export function newPipelineInput(name: string, overrides: Partial<NewPipeline> = {}): NewPipeline {
  return {
    name,
    configuration: { env: "prod", owner: "data-team" },
    stages: [
      compressStage,
      {
        name: "seal",
        stageType: "encryption",
        algorithm: "aes-256-gcm",
        enabled: true,
        parallelProcessing: true,
        chunkSize: null,
        parameters: {},
      },
    ],
    ...overrides,
  };
}

export const sampleMetrics: MetricsInput = {
  bytesProcessed: 500,
  bytesTotal: 1000,
  chunksProcessed: 1,
  chunksTotal: 2,
  startTime: "2026-11-26T12:00:00.000Z",
  endTime: "2026-11-26T12:00:01.500Z",
  processingDurationMs: 1500,
  throughputBytesPerSecond: 333.5,
  compressionRatio: 0.42,
  errorCount: 0,
  warningCount: 2,
  inputFileSizeBytes: 1000,
  outputFileSizeBytes: 420,
  inputFileChecksum: "abc",
  outputFileChecksum: null,
};

export const byName: ListQuery = {
  archived: "false",
  config: [],
  sort: { field: "name", descending: false },
  limit: 20,
};

/** Everything a caller can observe of the stored state, for "nothing changed" checks. */
export async function snapshot(repo: PipelineRepository) {
  const page = await repo.list({ ...byName, archived: "all", limit: 100 });
  return page.items;
}

/** What a contract group runs against: the subject's repository and clock, made anew before each test. */
export interface ContractState {
  readonly repo: PipelineRepository;
  readonly clock: ManualClock;
}
