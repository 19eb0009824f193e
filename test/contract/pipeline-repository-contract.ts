import { beforeEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from "../../src/domain/errors";
import type { MetricsInput } from "../../src/domain/metrics";
import type { NewPipeline, NewStage, Pipeline } from "../../src/domain/pipeline";
import type { ListQuery, PipelineRepository } from "../../src/domain/repository";
import { findByConfig, findByName, listArchived, save } from "../../src/domain/repository";
import type { ManualClock } from "../support/clock";

/**
 * The repository contract. Each implementation's test file runs it, so the in-memory model
 * and the D1 repository are held to exactly the same behaviour.
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

const byName: ListQuery = {
  archived: "false",
  config: [],
  sort: { field: "name", descending: false },
  limit: 20,
};

/** Everything a caller can observe of the stored state, for "nothing changed" checks. */
async function snapshot(repo: PipelineRepository) {
  const page = await repo.list({ ...byName, archived: "all", limit: 100 });
  return page.items;
}

export function pipelineRepositoryContract(name: string, subject: () => Promise<ContractSubject>) {
  describe(`${name}: the PipelineRepository contract`, () => {
    let repo: PipelineRepository;
    let clock: ManualClock;

    beforeEach(async () => {
      ({ repo, clock } = await subject());
    });

    describe("save and find", () => {
      it("stores a pipeline with generated ids, version 1, positions and defaults", async () => {
        const saved = await save(repo, newPipelineInput("nightly-backup"));
        expect(saved.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
        expect(saved).toMatchObject({
          name: "nightly-backup",
          archived: false,
          version: 1,
          createdAt: "2026-11-26T12:00:00.000Z",
          updatedAt: "2026-11-26T12:00:00.000Z",
          configuration: { env: "prod", owner: "data-team" },
        });
        expect(saved.stages.map((s) => [s.name, s.order])).toEqual([
          ["compress", 0],
          ["seal", 1],
        ]);
        expect(new Set(saved.stages.map((s) => s.id)).size).toBe(2);
        expect(await repo.findById(saved.id)).toEqual(saved);
      });

      it("returns null for an unknown id and finds active pipelines by name", async () => {
        const saved = await save(repo, newPipelineInput("by-name"));
        expect(await repo.findById("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).toBeNull();
        expect(await findByName(repo, "by-name")).toEqual(saved);
        await repo.archive(saved.id);
        expect(await findByName(repo, "by-name")).toBeNull();
      });

      it("refuses a name an active pipeline has, and allows one only an archived pipeline has", async () => {
        const first = await save(repo, newPipelineInput("shared-name"));
        await expect(save(repo, newPipelineInput("shared-name"))).rejects.toBeInstanceOf(ConflictError);
        await repo.archive(first.id);
        const second = await save(repo, newPipelineInput("shared-name"));
        expect(second.id).not.toBe(first.id);
      });

      it("saves many at once, all or nothing", async () => {
        await save(repo, newPipelineInput("taken"));
        const saved = await repo.saveMany([newPipelineInput("a"), newPipelineInput("b")]);
        expect(saved.map((p) => p.name)).toEqual(["a", "b"]);
        const before = await snapshot(repo);
        await expect(repo.saveMany([newPipelineInput("c"), newPipelineInput("taken")])).rejects.toBeInstanceOf(ConflictError);
        expect(await snapshot(repo)).toEqual(before);
      });

      it("keeps the largest pipeline the contract allows intact", async () => {
        const parameters = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`p${i}`, "v".repeat(10)]));
        const configuration = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k.${i}`, `value-${i}`]));
        const stages = Array.from({ length: 32 }, (_, i) => ({
          name: `stage-${i}`,
          stageType: "transform" as const,
          algorithm: `t${i}`,
          enabled: i % 2 === 0,
          parallelProcessing: i % 3 === 0,
          chunkSize: i % 2 === 0 ? null : 1024 * (i + 1),
          parameters,
        }));
        const saved = await save(repo, { name: "huge", configuration, stages });
        const found = await repo.findById(saved.id);
        expect(found).toEqual(saved);
        expect(found?.stages).toHaveLength(32);
        expect(Object.keys(found?.stages[31]?.parameters ?? {})).toHaveLength(64);
      });
    });

    describe("saveManyOnce (idempotency claims)", () => {
      const claim = (key: string, fingerprint = "f1", scope = "caller-a") => ({
        scope,
        key,
        fingerprint,
        expiresAt: "2026-11-27T12:00:00.000Z",
        record: (created: Pipeline[]) => `made ${created.map((p) => p.name).join(",")}`,
      });

      it("creates once per key and scope, then finds the first record", async () => {
        const first = await repo.saveManyOnce([newPipelineInput("once")], claim("k1"));
        expect(first.kind).toBe("created");
        const again = await repo.saveManyOnce([newPipelineInput("once")], claim("k1", "f2"));
        expect(again).toEqual({ kind: "claimed-before", fingerprint: "f1", record: "made once" });
        expect(await repo.count({ archived: "all", config: [] })).toBe(1);
        const otherScope = await repo.saveManyOnce([newPipelineInput("twice")], claim("k1", "f1", "caller-b"));
        expect(otherScope.kind).toBe("created");
      });

      it("frees a key when it expires, and keeps no claim when the creation fails", async () => {
        await repo.saveManyOnce([newPipelineInput("first")], claim("k2"));
        clock.set("2026-11-27T12:00:00.000Z");
        const reused = await repo.saveManyOnce([newPipelineInput("second")], {
          ...claim("k2", "f9"),
          expiresAt: "2026-11-28T12:00:00.000Z",
        });
        expect(reused.kind).toBe("created");
        await expect(repo.saveManyOnce([newPipelineInput("second")], claim("k3"))).rejects.toBeInstanceOf(ConflictError);
        const retried = await repo.saveManyOnce([newPipelineInput("third")], { ...claim("k3"), expiresAt: "2026-11-28T12:00:00.000Z" });
        expect(retried.kind).toBe("created");
      });
    });

    describe("update (replace)", () => {
      it("replaces name, configuration and stages; kept stages keep id and createdAt", async () => {
        const saved = await save(repo, newPipelineInput("replace-me"));
        clock.advance(60_000);
        const [compress] = saved.stages;
        const updated = await repo.update(saved.id, {
          name: "replaced",
          configuration: { tier: "gold" },
          stages: [
            {
              name: "checksum",
              stageType: "checksum",
              algorithm: "sha256",
              enabled: true,
              parallelProcessing: false,
              chunkSize: null,
              parameters: {},
            },
            { ...compressStage, id: compress?.id, name: "compress-again", parameters: { level: "9" } },
          ],
        });
        expect(updated.version).toBe(2);
        expect(updated.updatedAt).toBe("2026-11-26T12:01:00.000Z");
        expect(updated.createdAt).toBe(saved.createdAt);
        expect(updated.configuration).toEqual({ tier: "gold" });
        expect(updated.stages.map((s) => [s.name, s.order])).toEqual([
          ["checksum", 0],
          ["compress-again", 1],
        ]);
        const kept = updated.stages[1];
        expect(kept?.id).toBe(compress?.id);
        expect(kept?.createdAt).toBe(saved.createdAt);
        expect(kept?.updatedAt).toBe("2026-11-26T12:01:00.000Z");
        expect(kept?.parameters).toEqual({ level: "9" });
        expect(updated.stages[0]?.createdAt).toBe("2026-11-26T12:01:00.000Z");
        expect(await repo.findById(saved.id)).toEqual(updated);
      });

      it("checks the expected version in the same write", async () => {
        const saved = await save(repo, newPipelineInput("versioned"));
        const input = { ...newPipelineInput("versioned-2") };
        await expect(repo.update(saved.id, input, { expectedVersion: 2 })).rejects.toBeInstanceOf(VersionMismatchError);
        expect(await repo.findById(saved.id)).toEqual(saved);
        const updated = await repo.update(saved.id, input, { expectedVersion: 1 });
        expect(updated.version).toBe(2);
      });

      it("refuses an unknown id, an archived pipeline, a taken name and a foreign stage id, changing nothing", async () => {
        const saved = await save(repo, newPipelineInput("target"));
        const other = await save(repo, newPipelineInput("other"));
        const before = await snapshot(repo);
        await expect(repo.update("01JD3ZK5Q8W7V6T5S4R3P2N1M0", newPipelineInput("x"))).rejects.toBeInstanceOf(NotFoundError);
        await expect(repo.update(saved.id, newPipelineInput("other"))).rejects.toBeInstanceOf(ConflictError);
        const withStageId = (id: string | undefined) => ({ ...newPipelineInput("target"), stages: [{ ...compressStage, id }] });
        await expect(repo.update(saved.id, withStageId(other.stages[0]?.id))).rejects.toBeInstanceOf(ValidationError);
        await expect(repo.update(saved.id, withStageId("01JD3ZK5Q8W7V6T5S4R3P2N1M9"))).rejects.toBeInstanceOf(ValidationError);
        expect(await snapshot(repo)).toEqual(before);
        await repo.archive(saved.id);
        await expect(repo.update(saved.id, newPipelineInput("target"))).rejects.toBeInstanceOf(ConflictError);
      });

      it("puts a stale version before an archived pipeline", async () => {
        const saved = await save(repo, newPipelineInput("archived-and-stale"));
        await repo.archive(saved.id);
        await expect(repo.update(saved.id, newPipelineInput("x"), { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionMismatchError);
      });
    });

    describe("patch", () => {
      it("merges configuration, removes keys set to null and renames", async () => {
        const saved = await save(repo, newPipelineInput("patch-me"));
        clock.advance(1000);
        const patched = await repo.patch(saved.id, { name: "patched", configuration: { env: null, region: "eu" } });
        // Exact: a key that should be gone must not pass as a subset.
        expect(patched).toEqual({
          ...saved,
          name: "patched",
          version: 2,
          updatedAt: "2026-11-26T12:00:01.000Z",
          configuration: { owner: "data-team", region: "eu" },
        });
        const cleared = await repo.patch(saved.id, { configuration: null }, { expectedVersion: 2 });
        expect(cleared.configuration).toEqual({});
        expect(cleared.name).toBe("patched");
        expect(await repo.findById(saved.id)).toEqual(cleared);
      });

      it("refuses more than 64 configuration entries after the merge, changing nothing", async () => {
        const configuration = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, "v"]));
        const saved = await save(repo, newPipelineInput("full", { configuration }));
        const more = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`extra${i}`, "v"]));
        await expect(repo.patch(saved.id, { configuration: more })).rejects.toBeInstanceOf(ValidationError);
        expect(await repo.findById(saved.id)).toEqual(saved);
      });

      it("refuses a stale version, a taken name and an archived pipeline", async () => {
        const saved = await save(repo, newPipelineInput("p1"));
        await save(repo, newPipelineInput("p2"));
        await expect(repo.patch(saved.id, { name: "x" }, { expectedVersion: 7 })).rejects.toBeInstanceOf(VersionMismatchError);
        await expect(repo.patch(saved.id, { name: "p2" })).rejects.toBeInstanceOf(ConflictError);
        await repo.archive(saved.id);
        await expect(repo.patch(saved.id, { name: "x" })).rejects.toBeInstanceOf(ConflictError);
      });
    });

    describe("delete", () => {
      it("deletes the pipeline with its children and metrics", async () => {
        const saved = await save(repo, newPipelineInput("doomed"));
        await repo.putMetrics(saved.id, sampleMetrics);
        await expect(repo.delete(saved.id, { expectedVersion: 2 })).rejects.toBeInstanceOf(VersionMismatchError);
        await repo.delete(saved.id, { expectedVersion: 1 });
        expect(await repo.findById(saved.id)).toBeNull();
        expect(await repo.exists(saved.id)).toBe(false);
        await expect(repo.getMetrics(saved.id)).rejects.toBeInstanceOf(NotFoundError);
        await expect(repo.delete(saved.id)).rejects.toBeInstanceOf(NotFoundError);
        // The name is free again.
        await save(repo, newPipelineInput("doomed"));
      });
    });

    describe("archive and restore", () => {
      it("archives and restores idempotently, bumping the version only on a change", async () => {
        const saved = await save(repo, newPipelineInput("cycle"));
        clock.advance(5);
        const archived = await repo.archive(saved.id);
        expect(archived).toMatchObject({ archived: true, version: 2, updatedAt: "2026-11-26T12:00:00.005Z" });
        expect(await repo.archive(saved.id)).toEqual(archived);
        const restored = await repo.restore(saved.id, { expectedVersion: 2 });
        expect(restored).toMatchObject({ archived: false, version: 3 });
        expect(await repo.restore(saved.id)).toEqual(restored);
        expect(restored.stages).toEqual(saved.stages);
        expect(restored.configuration).toEqual(saved.configuration);
      });

      it("refuses to restore over an active pipeline with the same name", async () => {
        const first = await save(repo, newPipelineInput("contested"));
        await repo.archive(first.id);
        await save(repo, newPipelineInput("contested"));
        await expect(repo.restore(first.id)).rejects.toBeInstanceOf(ConflictError);
        expect((await repo.findById(first.id))?.archived).toBe(true);
      });

      it("refuses an unknown id and a stale version", async () => {
        const saved = await save(repo, newPipelineInput("stale"));
        await expect(repo.archive("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).rejects.toBeInstanceOf(NotFoundError);
        await expect(repo.restore("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).rejects.toBeInstanceOf(NotFoundError);
        await expect(repo.archive(saved.id, { expectedVersion: 3 })).rejects.toBeInstanceOf(VersionMismatchError);
        await repo.archive(saved.id);
        await expect(repo.archive(saved.id, { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionMismatchError);
      });
    });

    describe("list, count and find by configuration", () => {
      async function seed() {
        const names = ["delta", "alpha", "Charlie", "bravo", "écho", "echo"];
        const saved: Pipeline[] = [];
        for (const [i, n] of names.entries()) {
          saved.push(await save(repo, newPipelineInput(n, { configuration: { team: i % 2 ? "odd" : "even", env: "prod" } })));
          clock.advance(i % 3 === 0 ? 0 : 1000); // some equal createdAt values, to exercise the id tie-break
        }
        await repo.archive((saved[0] as Pipeline).id);
        return saved;
      }

      async function walk(query: ListQuery) {
        const seen: string[] = [];
        let after: ListQuery["after"];
        for (let pages = 0; pages < 20; pages++) {
          const page = await repo.list({ ...query, after });
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
        const offsetPage = await repo.list({ ...query, offset: 2 });
        expect(offsetPage.items.map((p) => p.name)).toEqual(byCreated.slice(2, 4).map((p) => p.name));
        await repo.patch((byCreated[0] as Pipeline).id, { configuration: { touched: "yes" } });
        const byUpdated = await walk({ ...query, sort: { field: "updatedAt", descending: true } });
        expect(byUpdated[0]).toBe(byCreated[0]?.name);
      });

      it("filters by archived state, name and configuration entries", async () => {
        await seed();
        const names = async (query: Partial<ListQuery>) => (await repo.list({ ...byName, limit: 100, ...query })).items.map((p) => p.name);
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
        expect((await listArchived(repo, { ...byName })).items.map((p) => p.name)).toEqual(["delta"]);
        const found = await findByConfig(repo, [["team", "even"]], { ...byName, archived: "all" });
        expect(found.items.map((p) => p.name)).toEqual(["Charlie", "delta", "écho"]);
      });

      it("counts with the same filters", async () => {
        await seed();
        expect(await repo.count({ archived: "false", config: [] })).toBe(5);
        expect(await repo.count({ archived: "true", config: [] })).toBe(1);
        expect(await repo.count({ archived: "all", config: [] })).toBe(6);
        expect(await repo.count({ archived: "all", config: [["team", "even"]] })).toBe(3);
        expect(await repo.count({ archived: "false", name: "alpha", config: [] })).toBe(1);
      });

      it("filters by configuration in every sort and archived state, through keyset pages, after every kind of write", async () => {
        const saved = await seed();
        const [delta, alpha, charlie, bravo, accented, echo] = saved as [Pipeline, Pipeline, Pipeline, Pipeline, Pipeline, Pipeline];
        clock.advance(5000);
        await repo.patch(alpha.id, { name: "zulu" });
        clock.advance(1000);
        await repo.update(charlie.id, { name: "Charlie", configuration: { team: "odd", env: "prod" }, stages: charlie.stages });
        clock.advance(1000);
        await repo.patch(bravo.id, { configuration: { team: "even" } });
        await repo.archive(accented.id);
        await repo.archive(alpha.id);
        await repo.archive(echo.id);
        await repo.restore(delta.id);
        clock.advance(1000);
        await save(repo, newPipelineInput("foxtrot", { configuration: { team: "odd" } }));
        const config = [["team", "odd"]] as const;
        // The same listing without the filter, filtered here, is what the filtered one must give.
        const expected = async (query: ListQuery) =>
          (await repo.list({ ...query, config: [], limit: 100 })).items.filter((p) => p.configuration.team === "odd").map((p) => p.name);
        for (const archived of ["false", "true", "all"] as const) {
          for (const field of ["name", "createdAt", "updatedAt"] as const) {
            for (const descending of [false, true]) {
              const query: ListQuery = { ...byName, archived, config, sort: { field, descending }, limit: 2 };
              expect(await walk(query), `${archived} ${descending ? "-" : ""}${field}`).toEqual(await expected(query));
            }
          }
          expect(await repo.count({ archived, config })).toBe((await expected({ ...byName, archived })).length);
        }
      });

      it("tells whether a pipeline exists", async () => {
        const [archived] = await seed();
        expect(await repo.exists((archived as Pipeline).id)).toBe(true);
        expect(await repo.exists("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).toBe(false);
      });
    });

    describe("metrics", () => {
      it("records and returns the latest metrics", async () => {
        const saved = await save(repo, newPipelineInput("measured"));
        expect(await repo.getMetrics(saved.id)).toBeNull();
        const recorded = await repo.putMetrics(saved.id, sampleMetrics);
        expect(recorded).toEqual({ ...sampleMetrics, pipelineId: saved.id, updatedAt: "2026-11-26T12:00:00.000Z" });
        expect(await repo.getMetrics(saved.id)).toEqual(recorded);
        clock.advance(10);
        const next = await repo.putMetrics(saved.id, { ...sampleMetrics, errorCount: 3, startTime: null });
        expect(await repo.getMetrics(saved.id)).toEqual(next);
        expect((await repo.findById(saved.id))?.version).toBe(1);
      });

      it("refuses metrics for an unknown or archived pipeline", async () => {
        const saved = await save(repo, newPipelineInput("gone"));
        await expect(repo.putMetrics("01JD3ZK5Q8W7V6T5S4R3P2N1M0", sampleMetrics)).rejects.toBeInstanceOf(NotFoundError);
        await expect(repo.getMetrics("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).rejects.toBeInstanceOf(NotFoundError);
        await repo.archive(saved.id);
        await expect(repo.putMetrics(saved.id, sampleMetrics)).rejects.toBeInstanceOf(ConflictError);
      });
    });
  });
}
