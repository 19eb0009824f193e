import { createMemoryPipelineRepository } from "../src/infrastructure/memory-pipeline-repository";
import { pipelineRepositoryContract } from "./contract/pipeline-repository-contract";
import { manualClock } from "./support/clock";

pipelineRepositoryContract("in-memory", async () => {
  const clock = manualClock();
  return { repo: createMemoryPipelineRepository(clock), clock };
});
