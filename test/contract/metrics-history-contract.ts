import { beforeEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/domain/errors";
import type { Metrics } from "../../src/domain/metrics";
import { type PipelineRepository, save } from "../../src/domain/repository";
import type { ManualClock } from "../support/clock";
import { newPipelineInput, sampleMetrics } from "./fixtures";

/**
 * The metrics history contract (docs/usage.md, "Metrics"): every recorded metrics, newest first,
 * at most `metricsKeep` per pipeline, deleted with it. Every backend runs it; the factory gets how
 * many to keep.
 */

export interface MetricsHistorySubject {
  repo: PipelineRepository;
  clock: ManualClock;
}

const KEEP = 3;

export function metricsHistoryContract(name: string, factory: (metricsKeep: number) => Promise<MetricsHistorySubject>) {
  describe(`${name} metrics history`, () => {
    let repo: PipelineRepository;
    let clock: ManualClock;

    beforeEach(async () => {
      ({ repo, clock } = await factory(KEEP));
    });

    /** Records `count` metrics a second apart, each with its own `errorCount`; the answers, oldest first. */
    async function record(pipelineId: string, count: number): Promise<Metrics[]> {
      const answered: Metrics[] = [];
      for (let i = 0; i < count; i++) {
        clock.advance(1000);
        answered.push(await repo.putMetrics(pipelineId, { ...sampleMetrics, errorCount: i }));
      }
      return answered;
    }

    const everything = async (pipelineId: string) => (await repo.listMetricsHistory(pipelineId, { limit: 100 })).items;

    it("lists every recorded metrics newest first, each exactly as its PUT answered", async () => {
      const { id } = await save(repo, newPipelineInput("recorded"));
      const answered = await record(id, KEEP);
      expect(await everything(id)).toEqual(answered.reverse());
    });

    it("pages through the history with each item exactly once and no next position after the last page", async () => {
      const { id } = await save(repo, newPipelineInput("paged"));
      const answered = await record(id, KEEP);
      const seen: Metrics[] = [];
      let before: number | undefined;
      let pages = 0;
      do {
        const page = await repo.listMetricsHistory(id, { limit: 2, before });
        seen.push(...page.items);
        before = page.next ?? undefined;
        pages++;
      } while (before !== undefined);
      expect(pages).toBe(2);
      expect(seen).toEqual(answered.reverse());
    });

    it("keeps exactly the newest metricsKeep, pruning the oldest in the write that adds one", async () => {
      const { id } = await save(repo, newPipelineInput("pruned"));
      const answered = await record(id, KEEP + 2);
      expect(await everything(id)).toEqual(answered.slice(-KEEP).reverse());
      // The latest metrics are the newest of the history.
      expect(await repo.getMetrics(id)).toEqual(answered.at(-1));
    });

    it("keeps each pipeline's history apart from every other's", async () => {
      const one = await save(repo, newPipelineInput("one"));
      const two = await save(repo, newPipelineInput("two"));
      const ones = await record(one.id, KEEP);
      const twos = await record(two.id, 1);
      expect(await everything(one.id)).toEqual(ones.reverse());
      expect(await everything(two.id)).toEqual(twos);
    });

    it("answers an empty history for a pipeline with no metrics recorded", async () => {
      const { id } = await save(repo, newPipelineInput("quiet"));
      expect(await repo.listMetricsHistory(id, { limit: 10 })).toEqual({ items: [], next: null });
    });

    it("deletes the history with its pipeline", async () => {
      const { id } = await save(repo, newPipelineInput("deleted"));
      await record(id, 2);
      await repo.delete(id);
      await expect(repo.listMetricsHistory(id, { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
      // A pipeline made afterwards starts with none.
      const again = await save(repo, newPipelineInput("deleted"));
      expect(await everything(again.id)).toEqual([]);
    });

    it("refuses the history of an unknown pipeline with a NotFoundError", async () => {
      await expect(repo.listMetricsHistory("01JD3ZK5Q8W7V6T5S4R3P2N1ZZ", { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
