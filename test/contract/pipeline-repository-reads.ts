import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../../src/domain/errors";
import type { Pipeline } from "../../src/domain/pipeline";
import type { ListQuery } from "../../src/domain/repository";
import { findByConfig, listArchived, save } from "../../src/domain/repository";
import { byName, type ContractState, newPipelineInput, sampleMetrics } from "./fixtures";

/** The PipelineRepository contract, its reads: lists, counts, finds by configuration, and metrics. */
export function readContract(s: ContractState) {
  describe("list, count and find by configuration", () => {
    async function seed() {
      const names = ["delta", "alpha", "Charlie", "bravo", "écho", "echo"];
      const saved: Pipeline[] = [];
      for (const [i, n] of names.entries()) {
        saved.push(await save(s.repo, newPipelineInput(n, { configuration: { team: i % 2 ? "odd" : "even", env: "prod" } })));
        s.clock.advance(i % 3 === 0 ? 0 : 1000); // some equal createdAt values, to exercise the id tie-break
      }
      await s.repo.archive((saved[0] as Pipeline).id);
      return saved;
    }

    async function walk(query: ListQuery) {
      const seen: string[] = [];
      let after: ListQuery["after"];
      for (let pages = 0; pages < 20; pages++) {
        const page = await s.repo.list({ ...query, after });
        seen.push(...page.items.map((p) => p.name));
        // A backend that hands the page over as JSON text (D1) hands over these very items.
        if (page.itemsJson !== undefined) expect(JSON.parse(page.itemsJson)).toEqual(page.items);
        if (!page.next) return seen;
        after = page.next;
      }
      throw new Error("paging did not end");
    }

    it("sorts by name in code point order, both ways, through keyset pages", async () => {
      await seed();
      const ascending = ["Charlie", "alpha", "bravo", "echo", "écho"];
      expect(await walk({ ...byName, limit: 2 })).toEqual(ascending);
      expect(await walk({ ...byName, limit: 2, sort: { field: "name", descending: true } })).toEqual([...ascending].reverse());
      expect(await walk({ ...byName, limit: 100 })).toEqual(ascending);
    });

    it("sorts by time with the id as tie-break, and pages by offset", async () => {
      const saved = await seed();
      const active = saved.slice(1);
      const byCreated = [...active].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1));
      const query: ListQuery = { ...byName, limit: 2, sort: { field: "createdAt", descending: false } };
      expect(await walk(query)).toEqual(byCreated.map((p) => p.name));
      expect(await walk({ ...query, sort: { field: "createdAt", descending: true } })).toEqual(byCreated.map((p) => p.name).reverse());
      const offsetPage = await s.repo.list({ ...query, offset: 2 });
      expect(offsetPage.items.map((p) => p.name)).toEqual(byCreated.slice(2, 4).map((p) => p.name));
      await s.repo.patch((byCreated[0] as Pipeline).id, { configuration: { touched: "yes" } });
      const byUpdated = await walk({ ...query, sort: { field: "updatedAt", descending: true } });
      expect(byUpdated[0]).toBe(byCreated[0]?.name);
    });

    it("filters by archived state, name and configuration entries", async () => {
      await seed();
      const names = async (query: Partial<ListQuery>) => (await s.repo.list({ ...byName, limit: 100, ...query })).items.map((p) => p.name);
      expect(await names({ archived: "true" })).toEqual(["delta"]);
      expect(await names({ archived: "all" })).toEqual(["Charlie", "alpha", "bravo", "delta", "echo", "écho"]);
      expect(await names({ name: "bravo" })).toEqual(["bravo"]);
      expect(await names({ name: "delta" })).toEqual([]);
      expect(await names({ config: [["team", "odd"]] })).toEqual(["alpha", "bravo", "echo"]);
      expect(
        await names({
          config: [
            ["team", "odd"],
            ["env", "prod"],
          ],
        }),
      ).toEqual(["alpha", "bravo", "echo"]);
      expect(
        await names({
          config: [
            ["team", "odd"],
            ["env", "dev"],
          ],
        }),
      ).toEqual([]);
      expect((await listArchived(s.repo, { ...byName })).items.map((p) => p.name)).toEqual(["delta"]);
      const found = await findByConfig(s.repo, [["team", "even"]], { ...byName, archived: "all" });
      expect(found.items.map((p) => p.name)).toEqual(["Charlie", "delta", "écho"]);
    });

    it("counts with the same filters", async () => {
      await seed();
      expect(await s.repo.count({ archived: "false", config: [] })).toBe(5);
      expect(await s.repo.count({ archived: "true", config: [] })).toBe(1);
      expect(await s.repo.count({ archived: "all", config: [] })).toBe(6);
      expect(await s.repo.count({ archived: "all", config: [["team", "even"]] })).toBe(3);
      expect(await s.repo.count({ archived: "false", name: "alpha", config: [] })).toBe(1);
    });

    it("filters by configuration in every sort and archived state, through keyset pages, after every kind of write", async () => {
      const saved = await seed();
      const [delta, alpha, charlie, bravo, accented, echo] = saved as [Pipeline, Pipeline, Pipeline, Pipeline, Pipeline, Pipeline];
      s.clock.advance(5000);
      await s.repo.patch(alpha.id, { name: "zulu" });
      s.clock.advance(1000);
      await s.repo.update(charlie.id, { name: "Charlie", configuration: { team: "odd", env: "prod" }, stages: charlie.stages });
      s.clock.advance(1000);
      await s.repo.patch(bravo.id, { configuration: { team: "even" } });
      await s.repo.archive(accented.id);
      await s.repo.archive(alpha.id);
      await s.repo.archive(echo.id);
      await s.repo.restore(delta.id);
      s.clock.advance(1000);
      await save(s.repo, newPipelineInput("foxtrot", { configuration: { team: "odd" } }));
      const config = [["team", "odd"]] as const;
      // The same listing without the filter, filtered here, is what the filtered one must give.
      const expected = async (query: ListQuery) =>
        (await s.repo.list({ ...query, config: [], limit: 100 })).items.filter((p) => p.configuration.team === "odd").map((p) => p.name);
      for (const archived of ["false", "true", "all"] as const) {
        for (const field of ["name", "createdAt", "updatedAt"] as const) {
          for (const descending of [false, true]) {
            const query: ListQuery = { ...byName, archived, config, sort: { field, descending }, limit: 2 };
            expect(await walk(query), `${archived} ${descending ? "-" : ""}${field}`).toEqual(await expected(query));
          }
        }
        expect(await s.repo.count({ archived, config })).toBe((await expected({ ...byName, archived })).length);
      }
    });

    it("tells whether a pipeline exists", async () => {
      const [archived] = await seed();
      expect(await s.repo.exists((archived as Pipeline).id)).toBe(true);
      expect(await s.repo.exists("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).toBe(false);
    });
  });

  describe("metrics", () => {
    it("records and returns the latest metrics", async () => {
      const saved = await save(s.repo, newPipelineInput("measured"));
      expect(await s.repo.getMetrics(saved.id)).toBeNull();
      const recorded = await s.repo.putMetrics(saved.id, sampleMetrics);
      expect(recorded).toEqual({ ...sampleMetrics, pipelineId: saved.id, updatedAt: "2026-11-26T12:00:00.000Z" });
      expect(await s.repo.getMetrics(saved.id)).toEqual(recorded);
      s.clock.advance(10);
      const next = await s.repo.putMetrics(saved.id, { ...sampleMetrics, errorCount: 3, startTime: null });
      expect(await s.repo.getMetrics(saved.id)).toEqual(next);
      expect((await s.repo.findById(saved.id))?.version).toBe(1);
    });

    it("refuses metrics for an unknown or archived pipeline", async () => {
      const saved = await save(s.repo, newPipelineInput("gone"));
      await expect(s.repo.putMetrics("01JD3ZK5Q8W7V6T5S4R3P2N1M0", sampleMetrics)).rejects.toBeInstanceOf(NotFoundError);
      await expect(s.repo.getMetrics("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).rejects.toBeInstanceOf(NotFoundError);
      await s.repo.archive(saved.id);
      await expect(s.repo.putMetrics(saved.id, sampleMetrics)).rejects.toBeInstanceOf(ConflictError);
    });
  });
}
