import { beforeEach, describe } from "vitest";
import type { PipelineRepository } from "../../src/domain/repository";
import type { ManualClock } from "../support/clock";
import type { ContractSubject } from "./fixtures";
import { readContract } from "./pipeline-repository-reads";
import { writeContract } from "./pipeline-repository-writes";

export type { ContractSubject } from "./fixtures";

/** The contract every PipelineRepository keeps (D1, PostgreSQL, the in-memory model), one suite for all. */
export function pipelineRepositoryContract(name: string, subject: () => Promise<ContractSubject>) {
  describe(`${name}: the PipelineRepository contract`, () => {
    let repo: PipelineRepository;
    let clock: ManualClock;

    beforeEach(async () => {
      ({ repo, clock } = await subject());
    });

    const state = {
      get repo() {
        return repo;
      },
      get clock() {
        return clock;
      },
    };
    writeContract(state);
    readContract(state);
  });
}
