import { beforeEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from "../../src/domain/errors";
import type { Actor, AuditEvent } from "../../src/domain/history";
import type { Pipeline } from "../../src/domain/pipeline";
import { type PipelineRepository, save } from "../../src/domain/repository";
import type { ManualClock } from "../support/clock";
import { compressStage, newPipelineInput, sampleMetrics } from "./fixtures";

/**
 * The history contract (docs/history.md): revisions and audit events recorded
 * with every change. Both repositories run it; the factory gets how many revisions to keep.
 */

export interface HistorySubject {
  repo: PipelineRepository;
  clock: ManualClock;
}

const ADMIN = { actor: { type: "admin", id: null } as Actor, requestId: "req-admin" };
const KEY = { actor: { type: "apiKey", id: "01JD3ZK5Q8W7V6T5S4R3P2N1KE" } as Actor, requestId: "req-key" };

export function historyContract(name: string, factory: (revisionsKeep: number) => Promise<HistorySubject>) {
  describe(`${name} history`, () => {
    let repo: PipelineRepository;
    let clock: ManualClock;

    beforeEach(async () => {
      ({ repo, clock } = await factory(4));
    });

    const revision = async (id: string, version: number) => (await repo.getRevisions(id, [version]))[0];
    const events = async (filter = {}) => (await repo.listAuditEvents({ limit: 100, ...filter })).items;
    const versions = async (id: string) => (await repo.listRevisions(id, { limit: 100 })).items.map((r) => [r.version, r.change]);

    it("records every change as the revision of its version, the pipeline exactly as answered then", async () => {
      const created = await save(repo, newPipelineInput("history"), ADMIN);
      clock.advance(1000);
      const replaced = await repo.update(created.id, newPipelineInput("history-2", { configuration: { tier: "gold" } }), KEY);
      clock.advance(1000);
      const patched = await repo.patch(created.id, { configuration: { tier: null, env: "dev" } }, ADMIN);
      clock.advance(1000);
      const archived = await repo.archive(created.id, ADMIN);
      clock.advance(1000);
      const restored = await repo.restore(created.id, KEY);
      const answered: Pipeline[] = [created, replaced, patched, archived, restored];
      for (const pipeline of answered.slice(1)) {
        const kept = await revision(created.id, pipeline.version);
        expect(kept?.pipeline).toEqual(pipeline);
        expect(kept?.changedAt).toBe(pipeline.updatedAt);
      }
      expect(await revision(created.id, 2)).toEqual({
        pipelineId: created.id,
        version: 2,
        change: "replaced",
        actor: KEY.actor,
        requestId: "req-key",
        changedAt: replaced.updatedAt,
        pipeline: replaced,
      });
      // Four are kept: version 1 is pruned by the write that added version 5.
      expect(await versions(created.id)).toEqual([
        [5, "restored"],
        [4, "archived"],
        [3, "patched"],
        [2, "replaced"],
      ]);
      expect(await repo.getRevisions(created.id, [1])).toEqual([]);
    });

    it("records nothing for a change that changes nothing or is refused", async () => {
      const saved = await save(repo, newPipelineInput("quiet"));
      const other = await save(repo, newPipelineInput("taken"));
      await repo.restore(saved.id);
      await expect(repo.update(saved.id, newPipelineInput("x"), { expectedVersion: 7 })).rejects.toBeInstanceOf(VersionMismatchError);
      await expect(repo.patch(saved.id, { name: other.name })).rejects.toBeInstanceOf(ConflictError);
      await expect(
        repo.patch(saved.id, { configuration: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, "v"])) }),
      ).rejects.toBeInstanceOf(ValidationError);
      await repo.archive(saved.id);
      await repo.archive(saved.id);
      await expect(repo.putMetrics(saved.id, sampleMetrics)).rejects.toBeInstanceOf(ConflictError);
      expect(await versions(saved.id)).toEqual([
        [2, "archived"],
        [1, "created"],
      ]);
      expect((await events({ resourceId: saved.id })).map((e) => e.action)).toEqual(["pipeline.archived", "pipeline.created"]);
    });

    it("records one revision and one event per pipeline of an import, none for a replayed idempotent create", async () => {
      const [a, b] = await repo.saveMany([newPipelineInput("a"), newPipelineInput("b")], ADMIN);
      expect((await revision(a?.id ?? "", 1))?.pipeline).toEqual(a);
      expect((await revision(b?.id ?? "", 1))?.pipeline).toEqual(b);
      const claim = { scope: "admin", key: "k", fingerprint: "f", expiresAt: "2026-11-27T12:00:00.000Z", record: () => "{}" };
      const first = await repo.saveManyOnce([newPipelineInput("once")], claim, ADMIN);
      const again = await repo.saveManyOnce([newPipelineInput("once")], claim, ADMIN);
      expect(first.kind).toBe("created");
      expect(again.kind).toBe("claimed-before");
      const created = (await events({ action: "pipeline.created" })).map((e) => e.resource.id);
      expect(created).toHaveLength(3);
      expect(new Set(created)).toEqual(new Set([a?.id, b?.id, first.kind === "created" ? first.pipelines[0]?.id : ""]));
    });

    it("pages revisions newest first, and knows no revisions of an unknown pipeline", async () => {
      const saved = await save(repo, newPipelineInput("paged"));
      for (let i = 0; i < 3; i++) await repo.patch(saved.id, { configuration: { step: String(i) } });
      const first = await repo.listRevisions(saved.id, { limit: 3 });
      expect(first.items.map((r) => r.version)).toEqual([4, 3, 2]);
      expect(first.items[0]).not.toHaveProperty("pipeline");
      expect(first.next).toBe(2);
      const last = await repo.listRevisions(saved.id, { limit: 3, before: 2 });
      expect(last).toEqual({ items: [expect.objectContaining({ version: 1, change: "created" })], next: null });
      await expect(repo.listRevisions("01JD3ZK5Q8W7V6T5S4R3P2N1M0", { limit: 3 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("rolls back to a revision's name, configuration and stages with their ids, as a new version", async () => {
      const saved = await save(repo, newPipelineInput("roll", { configuration: { env: "prod" } }));
      clock.advance(1000);
      await repo.update(saved.id, {
        name: "rolled",
        configuration: { env: "dev" },
        stages: [{ ...compressStage, name: "other", algorithm: "gzip" }],
      });
      clock.advance(1000);
      const back = await repo.rollback(saved.id, 1, { ...KEY, expectedVersion: 2 });
      expect(back).toEqual({
        ...saved,
        version: 3,
        updatedAt: "2026-11-26T12:00:02.000Z",
        stages: saved.stages.map((stage) => ({ ...stage, updatedAt: "2026-11-26T12:00:02.000Z" })),
      });
      expect(await repo.findById(saved.id)).toEqual(back);
      expect(await revision(saved.id, 3)).toMatchObject({ change: "rolledBack", actor: KEY.actor, pipeline: back });
      const [event] = await events({ resourceId: saved.id });
      expect(event).toMatchObject({ action: "pipeline.rolledBack", version: 3, actor: KEY.actor, requestId: "req-key" });
    });

    it("refuses a rollback as PUT would: unknown version, stale If-Match, archived, name taken", async () => {
      const saved = await save(repo, newPipelineInput("first"));
      await repo.patch(saved.id, { name: "renamed" });
      await expect(repo.rollback(saved.id, 9)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo.rollback(saved.id, 1, { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionMismatchError);
      await save(repo, newPipelineInput("first"));
      await expect(repo.rollback(saved.id, 1)).rejects.toBeInstanceOf(ConflictError);
      await repo.archive(saved.id);
      await expect(repo.rollback(saved.id, 2)).rejects.toBeInstanceOf(ConflictError);
      await expect(repo.rollback("01JD3ZK5Q8W7V6T5S4R3P2N1M0", 1)).rejects.toBeInstanceOf(NotFoundError);
      expect(await versions(saved.id)).toEqual([
        [3, "archived"],
        [2, "patched"],
        [1, "created"],
      ]);
    });

    it("logs every change with its actor, request and version, newest first, and filters by resource, action and actor", async () => {
      const saved = await save(repo, newPipelineInput("audited"), ADMIN);
      clock.advance(10);
      await repo.putMetrics(saved.id, sampleMetrics, KEY);
      clock.advance(10);
      await repo.patch(saved.id, { name: "audited-2" }, KEY);
      clock.advance(10);
      await repo.delete(saved.id, ADMIN);
      const all = await events();
      const expected: Omit<AuditEvent, "id">[] = [
        {
          at: "2026-11-26T12:00:00.030Z",
          action: "pipeline.deleted",
          actor: ADMIN.actor,
          resource: { type: "pipeline", id: saved.id },
          version: null,
          requestId: "req-admin",
        },
        {
          at: "2026-11-26T12:00:00.020Z",
          action: "pipeline.patched",
          actor: KEY.actor,
          resource: { type: "pipeline", id: saved.id },
          version: 2,
          requestId: "req-key",
        },
        {
          at: "2026-11-26T12:00:00.010Z",
          action: "pipeline.metricsRecorded",
          actor: KEY.actor,
          resource: { type: "pipeline", id: saved.id },
          version: 1,
          requestId: "req-key",
        },
        {
          at: "2026-11-26T12:00:00.000Z",
          action: "pipeline.created",
          actor: ADMIN.actor,
          resource: { type: "pipeline", id: saved.id },
          version: 1,
          requestId: "req-admin",
        },
      ];
      expect(all.map(({ id: _, ...event }) => event)).toEqual(expected);
      expect(new Set(all.map((e) => e.id)).size).toBe(4);
      expect((await events({ actorId: KEY.actor.id })).map((e) => e.action)).toEqual(["pipeline.patched", "pipeline.metricsRecorded"]);
      expect((await events({ action: "pipeline.deleted" })).map((e) => e.resource.id)).toEqual([saved.id]);
      // The revisions go with the pipeline; the log stays.
      await expect(repo.listRevisions(saved.id, { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
      expect(await repo.getRevisions(saved.id, [1, 2])).toEqual([]);
      const page = await repo.listAuditEvents({ limit: 3 });
      expect(page.items).toEqual(all.slice(0, 3));
      expect(page.next).not.toBeNull();
      const rest = await repo.listAuditEvents({ limit: 3, before: page.next ?? 0 });
      expect(rest).toEqual({ items: all.slice(3), next: null });
    });
  });
}
