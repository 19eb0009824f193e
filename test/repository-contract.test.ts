import { changeEventsContract } from "./contract/change-events-contract";
import { historyContract } from "./contract/history-contract";
import { metricsHistoryContract } from "./contract/metrics-history-contract";
import { pipelineRepositoryContract } from "./contract/pipeline-repository-contract";
import { backendName, resetDatabase, testRepository } from "./support/backend";
import { manualClock } from "./support/clock";

// The backend's repository (D1, or PostgreSQL in the workers-pg project) held to the contract.
pipelineRepositoryContract(backendName, async () => {
  await resetDatabase();
  const clock = manualClock();
  return { repo: testRepository(clock), clock };
});

historyContract(backendName, async (revisionsKeep) => {
  await resetDatabase();
  const clock = manualClock();
  return { repo: testRepository(clock, { revisionsKeep }), clock };
});

changeEventsContract(backendName, async () => {
  await resetDatabase();
  const clock = manualClock();
  return { repo: testRepository(clock), clock };
});

metricsHistoryContract(backendName, async (metricsKeep) => {
  await resetDatabase();
  const clock = manualClock();
  return { repo: testRepository(clock, { revisionsKeep: 100, metricsKeep }), clock };
});
