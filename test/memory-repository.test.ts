import { createMemoryPipelineRepository } from "../src/infrastructure/memory-pipeline-repository";
import { historyContract } from "./contract/history-contract";
import { pipelineRepositoryContract } from "./contract/pipeline-repository-contract";
import { manualClock } from "./support/clock";

pipelineRepositoryContract("in-memory", async () => {
  const clock = manualClock();
  return { repo: createMemoryPipelineRepository(clock), clock };
});

historyContract("in-memory", async (revisionsKeep) => {
  const clock = manualClock();
  return { repo: createMemoryPipelineRepository(clock, { revisionsKeep }), clock };
});
