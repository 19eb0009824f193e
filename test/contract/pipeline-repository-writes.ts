import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from "../../src/domain/errors";
import type { Pipeline } from "../../src/domain/pipeline";
import { findByName, save } from "../../src/domain/repository";
import { type ContractState, compressStage, newPipelineInput, sampleMetrics, snapshot } from "./fixtures";

/** The PipelineRepository contract, its writes: save, idempotent creates, replace, patch, delete, archive and restore. */
export function writeContract(s: ContractState) {
  describe("save and find", () => {
    it("stores a pipeline with generated ids, version 1, positions and defaults", async () => {
      const saved = await save(s.repo, newPipelineInput("nightly-backup"));
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
      expect(await s.repo.findById(saved.id)).toEqual(saved);
    });

    it("returns null for an unknown id and finds active pipelines by name", async () => {
      const saved = await save(s.repo, newPipelineInput("by-name"));
      expect(await s.repo.findById("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).toBeNull();
      expect(await findByName(s.repo, "by-name")).toEqual(saved);
      await s.repo.archive(saved.id);
      expect(await findByName(s.repo, "by-name")).toBeNull();
    });

    it("refuses a name an active pipeline has, and allows one only an archived pipeline has", async () => {
      const first = await save(s.repo, newPipelineInput("shared-name"));
      await expect(save(s.repo, newPipelineInput("shared-name"))).rejects.toBeInstanceOf(ConflictError);
      await s.repo.archive(first.id);
      const second = await save(s.repo, newPipelineInput("shared-name"));
      expect(second.id).not.toBe(first.id);
    });

    it("saves many at once, all or nothing", async () => {
      await save(s.repo, newPipelineInput("taken"));
      const saved = await s.repo.saveMany([newPipelineInput("a"), newPipelineInput("b")]);
      expect(saved.map((p) => p.name)).toEqual(["a", "b"]);
      const before = await snapshot(s.repo);
      await expect(s.repo.saveMany([newPipelineInput("c"), newPipelineInput("taken")])).rejects.toBeInstanceOf(ConflictError);
      expect(await snapshot(s.repo)).toEqual(before);
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
      const saved = await save(s.repo, { name: "huge", configuration, stages });
      const found = await s.repo.findById(saved.id);
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
      const first = await s.repo.saveManyOnce([newPipelineInput("once")], claim("k1"));
      expect(first.kind).toBe("created");
      const again = await s.repo.saveManyOnce([newPipelineInput("once")], claim("k1", "f2"));
      expect(again).toEqual({ kind: "claimed-before", fingerprint: "f1", record: "made once" });
      expect(await s.repo.count({ archived: "all", config: [] })).toBe(1);
      const otherScope = await s.repo.saveManyOnce([newPipelineInput("twice")], claim("k1", "f1", "caller-b"));
      expect(otherScope.kind).toBe("created");
    });

    it("frees a key when it expires, and keeps no claim when the creation fails", async () => {
      await s.repo.saveManyOnce([newPipelineInput("first")], claim("k2"));
      s.clock.set("2026-11-27T12:00:00.000Z");
      const reused = await s.repo.saveManyOnce([newPipelineInput("second")], {
        ...claim("k2", "f9"),
        expiresAt: "2026-11-28T12:00:00.000Z",
      });
      expect(reused.kind).toBe("created");
      await expect(s.repo.saveManyOnce([newPipelineInput("second")], claim("k3"))).rejects.toBeInstanceOf(ConflictError);
      const retried = await s.repo.saveManyOnce([newPipelineInput("third")], { ...claim("k3"), expiresAt: "2026-11-28T12:00:00.000Z" });
      expect(retried.kind).toBe("created");
    });
  });

  describe("update (replace)", () => {
    it("replaces name, configuration and stages; kept stages keep id and createdAt", async () => {
      const saved = await save(s.repo, newPipelineInput("replace-me"));
      s.clock.advance(60_000);
      const [compress] = saved.stages;
      const updated = await s.repo.update(saved.id, {
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
      expect(await s.repo.findById(saved.id)).toEqual(updated);
    });

    it("checks the expected version in the same write", async () => {
      const saved = await save(s.repo, newPipelineInput("versioned"));
      const input = { ...newPipelineInput("versioned-2") };
      await expect(s.repo.update(saved.id, input, { expectedVersion: 2 })).rejects.toBeInstanceOf(VersionMismatchError);
      expect(await s.repo.findById(saved.id)).toEqual(saved);
      const updated = await s.repo.update(saved.id, input, { expectedVersion: 1 });
      expect(updated.version).toBe(2);
    });

    it("refuses an unknown id, an archived pipeline, a taken name and a foreign stage id, changing nothing", async () => {
      const saved = await save(s.repo, newPipelineInput("target"));
      const other = await save(s.repo, newPipelineInput("other"));
      const before = await snapshot(s.repo);
      await expect(s.repo.update("01JD3ZK5Q8W7V6T5S4R3P2N1M0", newPipelineInput("x"))).rejects.toBeInstanceOf(NotFoundError);
      await expect(s.repo.update(saved.id, newPipelineInput("other"))).rejects.toBeInstanceOf(ConflictError);
      const withStageId = (id: string | undefined) => ({ ...newPipelineInput("target"), stages: [{ ...compressStage, id }] });
      await expect(s.repo.update(saved.id, withStageId(other.stages[0]?.id))).rejects.toBeInstanceOf(ValidationError);
      await expect(s.repo.update(saved.id, withStageId("01JD3ZK5Q8W7V6T5S4R3P2N1M9"))).rejects.toBeInstanceOf(ValidationError);
      expect(await snapshot(s.repo)).toEqual(before);
      await s.repo.archive(saved.id);
      await expect(s.repo.update(saved.id, newPipelineInput("target"))).rejects.toBeInstanceOf(ConflictError);
    });

    it("puts a stale version before an archived pipeline", async () => {
      const saved = await save(s.repo, newPipelineInput("archived-and-stale"));
      await s.repo.archive(saved.id);
      await expect(s.repo.update(saved.id, newPipelineInput("x"), { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionMismatchError);
    });
  });

  describe("patch", () => {
    it("merges configuration, removes keys set to null and renames", async () => {
      const saved = await save(s.repo, newPipelineInput("patch-me"));
      s.clock.advance(1000);
      const patched = await s.repo.patch(saved.id, { name: "patched", configuration: { env: null, region: "eu" } });
      // Exact: a key that should be gone must not pass as a subset.
      expect(patched).toEqual({
        ...saved,
        name: "patched",
        version: 2,
        updatedAt: "2026-11-26T12:00:01.000Z",
        configuration: { owner: "data-team", region: "eu" },
      });
      const cleared = await s.repo.patch(saved.id, { configuration: null }, { expectedVersion: 2 });
      expect(cleared.configuration).toEqual({});
      expect(cleared.name).toBe("patched");
      expect(await s.repo.findById(saved.id)).toEqual(cleared);
    });

    it("refuses more than 64 configuration entries after the merge, changing nothing", async () => {
      const configuration = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, "v"]));
      const saved = await save(s.repo, newPipelineInput("full", { configuration }));
      const more = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`extra${i}`, "v"]));
      await expect(s.repo.patch(saved.id, { configuration: more })).rejects.toBeInstanceOf(ValidationError);
      expect(await s.repo.findById(saved.id)).toEqual(saved);
    });

    it("refuses a stale version, a taken name and an archived pipeline", async () => {
      const saved = await save(s.repo, newPipelineInput("p1"));
      await save(s.repo, newPipelineInput("p2"));
      await expect(s.repo.patch(saved.id, { name: "x" }, { expectedVersion: 7 })).rejects.toBeInstanceOf(VersionMismatchError);
      await expect(s.repo.patch(saved.id, { name: "p2" })).rejects.toBeInstanceOf(ConflictError);
      await s.repo.archive(saved.id);
      await expect(s.repo.patch(saved.id, { name: "x" })).rejects.toBeInstanceOf(ConflictError);
    });
  });

  describe("delete", () => {
    it("deletes the pipeline with its children and metrics", async () => {
      const saved = await save(s.repo, newPipelineInput("doomed"));
      await s.repo.putMetrics(saved.id, sampleMetrics);
      await expect(s.repo.delete(saved.id, { expectedVersion: 2 })).rejects.toBeInstanceOf(VersionMismatchError);
      await s.repo.delete(saved.id, { expectedVersion: 1 });
      expect(await s.repo.findById(saved.id)).toBeNull();
      expect(await s.repo.exists(saved.id)).toBe(false);
      await expect(s.repo.getMetrics(saved.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(s.repo.delete(saved.id)).rejects.toBeInstanceOf(NotFoundError);
      // The name is free again.
      await save(s.repo, newPipelineInput("doomed"));
    });
  });

  describe("archive and restore", () => {
    it("archives and restores idempotently, bumping the version only on a change", async () => {
      const saved = await save(s.repo, newPipelineInput("cycle"));
      s.clock.advance(5);
      const archived = await s.repo.archive(saved.id);
      expect(archived).toMatchObject({ archived: true, version: 2, updatedAt: "2026-11-26T12:00:00.005Z" });
      expect(await s.repo.archive(saved.id)).toEqual(archived);
      const restored = await s.repo.restore(saved.id, { expectedVersion: 2 });
      expect(restored).toMatchObject({ archived: false, version: 3 });
      expect(await s.repo.restore(saved.id)).toEqual(restored);
      expect(restored.stages).toEqual(saved.stages);
      expect(restored.configuration).toEqual(saved.configuration);
    });

    it("refuses to restore over an active pipeline with the same name", async () => {
      const first = await save(s.repo, newPipelineInput("contested"));
      await s.repo.archive(first.id);
      await save(s.repo, newPipelineInput("contested"));
      await expect(s.repo.restore(first.id)).rejects.toBeInstanceOf(ConflictError);
      expect((await s.repo.findById(first.id))?.archived).toBe(true);
    });

    it("refuses an unknown id and a stale version", async () => {
      const saved = await save(s.repo, newPipelineInput("stale"));
      await expect(s.repo.archive("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).rejects.toBeInstanceOf(NotFoundError);
      await expect(s.repo.restore("01JD3ZK5Q8W7V6T5S4R3P2N1M0")).rejects.toBeInstanceOf(NotFoundError);
      await expect(s.repo.archive(saved.id, { expectedVersion: 3 })).rejects.toBeInstanceOf(VersionMismatchError);
      await s.repo.archive(saved.id);
      await expect(s.repo.archive(saved.id, { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionMismatchError);
    });
  });
}
