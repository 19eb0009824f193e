import { memoryPipelineRepository } from "../src/storage/memory/pipeline-repository";
import { changeEventsContract } from "./contract/change-events-contract";
import { historyContract } from "./contract/history-contract";
import { metricsHistoryContract } from "./contract/metrics-history-contract";
import { pipelineRepositoryContract } from "./contract/pipeline-repository-contract";
import { manualClock } from "./support/clock";

pipelineRepositoryContract("in-memory", async () => {
  const clock = manualClock();
  return { repo: memoryPipelineRepository(clock), clock };
});

historyContract("in-memory", async (revisionsKeep) => {
  const clock = manualClock();
  return { repo: memoryPipelineRepository(clock, { revisionsKeep }), clock };
});

changeEventsContract("in-memory", async () => {
  const clock = manualClock();
  return { repo: memoryPipelineRepository(clock), clock };
});

metricsHistoryContract("in-memory", async (metricsKeep) => {
  const clock = manualClock();
  return { repo: memoryPipelineRepository(clock, { revisionsKeep: 100, metricsKeep }), clock };
});
