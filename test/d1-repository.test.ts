import { env } from "cloudflare:workers";
import { createD1PipelineRepository } from "../src/infrastructure/d1-pipeline-repository";
import { historyContract } from "./contract/history-contract";
import { pipelineRepositoryContract } from "./contract/pipeline-repository-contract";
import { manualClock } from "./support/clock";
import { resetDatabase } from "./support/database";

pipelineRepositoryContract("D1", async () => {
  await resetDatabase();
  const clock = manualClock();
  return { repo: createD1PipelineRepository(env.DB, clock), clock };
});

historyContract("D1", async (revisionsKeep) => {
  await resetDatabase();
  const clock = manualClock();
  return { repo: createD1PipelineRepository(env.DB, clock, { revisionsKeep }), clock };
});
