import { beforeEach, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from "../../src/domain/errors";
import type { ChangeEvent } from "../../src/domain/events";
import type { Actor } from "../../src/domain/history";
import { type PipelineRepository, save } from "../../src/domain/repository";
import type { ManualClock } from "../support/clock";
import { newPipelineInput, sampleMetrics } from "./fixtures";

/**
 * The change events contract (docs/events.md): every change makes exactly one change event, in
 * its own atomic write, with the pipeline as it is after the change; a refused write or one that
 * changes nothing makes none; the feed lists them oldest first in commit order. Both backends
 * and the in-memory model run it.
 */

export interface ChangeEventsSubject {
  repo: PipelineRepository;
  clock: ManualClock;
}

const KEY = { actor: { type: "apiKey", id: "01JD3ZK5Q8W7V6T5S4R3P2N1KE" } as Actor, requestId: "req-key" };
const UNKNOWN = "01JD3ZK5Q8W7V6T5S4R3P2N1M0";

export function changeEventsContract(name: string, factory: () => Promise<ChangeEventsSubject>) {
  describe(`${name} change events`, () => {
    let repo: PipelineRepository;
    let clock: ManualClock;

    beforeEach(async () => {
      ({ repo, clock } = await factory());
    });

    /** The whole feed, page by page from the start, checking that each page starts where the last one said. */
    async function feed(limit = 100): Promise<ChangeEvent[]> {
      const all: ChangeEvent[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await repo.listChangeEvents({ limit, after });
        all.push(...page.items);
        if (page.items.length === 0) return all;
        expect(page.next).toBe(page.items.at(-1)?.seq);
        after = page.next;
      }
    }

    it("makes one event per change, with its type, actor, request, version and the pipeline as answered after it", async () => {
      const created = await save(repo, newPipelineInput("feed"), KEY);
      clock.advance(10);
      const replaced = await repo.update(created.id, newPipelineInput("feed-2", { configuration: { tier: "gold" } }), KEY);
      clock.advance(10);
      const patched = await repo.patch(created.id, { configuration: { tier: null } }, KEY);
      clock.advance(10);
      await repo.putMetrics(created.id, sampleMetrics, KEY);
      clock.advance(10);
      const archived = await repo.archive(created.id, KEY);
      clock.advance(10);
      const restored = await repo.restore(created.id, KEY);
      clock.advance(10);
      const rolledBack = await repo.rollback(created.id, 1, KEY);
      clock.advance(10);
      await repo.delete(created.id, KEY);
      const events = await feed();
      const resource = { type: "pipeline", id: created.id };
      const expected = (type: string, pipeline: typeof created | null, at: string) => ({
        type,
        at,
        actor: KEY.actor,
        requestId: "req-key",
        resource,
        version: pipeline?.version ?? null,
        pipeline,
      });
      expect(events.map(({ id: _, seq: __, ...event }) => event)).toEqual([
        expected("pipeline.created", created, created.updatedAt),
        expected("pipeline.replaced", replaced, replaced.updatedAt),
        expected("pipeline.patched", patched, patched.updatedAt),
        expected("pipeline.metricsRecorded", patched, "2026-11-26T12:00:00.030Z"),
        expected("pipeline.archived", archived, archived.updatedAt),
        expected("pipeline.restored", restored, restored.updatedAt),
        expected("pipeline.rolledBack", rolledBack, rolledBack.updatedAt),
        expected("pipeline.deleted", null, "2026-11-26T12:00:00.070Z"),
      ]);
      const seqs = events.map((event) => event.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      // Each is its change's audit event too: the same id, in the same order.
      const audit = (await repo.listAuditEvents({ limit: 100 })).items.reverse();
      expect(events.map((event) => [event.id, event.type])).toEqual(audit.map((event) => [event.id, event.action]));
    });

    it("makes none for a write that is refused or changes nothing", async () => {
      const saved = await save(repo, newPipelineInput("quiet"));
      const other = await save(repo, newPipelineInput("taken"));
      const before = await feed();
      await repo.restore(saved.id);
      await expect(repo.update(saved.id, newPipelineInput("x"), { expectedVersion: 7 })).rejects.toBeInstanceOf(VersionMismatchError);
      await expect(repo.patch(saved.id, { name: other.name })).rejects.toBeInstanceOf(ConflictError);
      await expect(
        repo.patch(saved.id, { configuration: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, "v"])) }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(repo.saveMany([newPipelineInput("fresh"), newPipelineInput("taken")])).rejects.toBeInstanceOf(ConflictError);
      await expect(repo.delete(UNKNOWN)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo.delete(saved.id, { expectedVersion: 3 })).rejects.toBeInstanceOf(VersionMismatchError);
      await expect(repo.putMetrics(UNKNOWN, sampleMetrics)).rejects.toBeInstanceOf(NotFoundError);
      await expect(repo.rollback(saved.id, 9)).rejects.toBeInstanceOf(NotFoundError);
      await repo.archive(saved.id);
      await repo.archive(saved.id);
      await expect(repo.putMetrics(saved.id, sampleMetrics)).rejects.toBeInstanceOf(ConflictError);
      const claim = { scope: "admin", key: "k", fingerprint: "f", expiresAt: "2026-11-27T12:00:00.000Z", record: () => "{}" };
      await repo.saveManyOnce([newPipelineInput("once")], claim);
      await repo.saveManyOnce([newPipelineInput("once")], claim);
      const added = (await feed()).slice(before.length);
      expect(added.map((event) => event.type)).toEqual(["pipeline.archived", "pipeline.created"]);
    });

    it("makes one event per pipeline of an import, in the order of their ids, each with its pipeline", async () => {
      const items = await repo.saveMany([newPipelineInput("c"), newPipelineInput("a"), newPipelineInput("b")], KEY);
      const events = await feed();
      const byId = [...items].sort((x, y) => (x.id < y.id ? -1 : 1));
      expect(events.map((event) => event.pipeline)).toEqual(byId);
    });

    it("pages after a position, oldest first; an empty page starts again where it was; filters by type and resource", async () => {
      const a = await save(repo, newPipelineInput("a"));
      const b = await save(repo, newPipelineInput("b"));
      await repo.patch(a.id, { configuration: { x: "1" } });
      await repo.patch(b.id, { configuration: { x: "2" } });
      await repo.archive(a.id);
      const all = await feed();
      expect(all).toHaveLength(5);
      const first = await repo.listChangeEvents({ limit: 2 });
      expect(first).toEqual({ items: all.slice(0, 2), next: all[1]?.seq });
      const rest = await repo.listChangeEvents({ limit: 10, after: first.next });
      expect(rest).toEqual({ items: all.slice(2), next: all[4]?.seq });
      expect(await repo.listChangeEvents({ limit: 10, after: rest.next })).toEqual({ items: [], next: rest.next });
      expect(await feed(1)).toEqual(all);
      const ofA = await repo.listChangeEvents({ limit: 10, resourceId: a.id });
      expect(ofA.items.map((event) => event.type)).toEqual(["pipeline.created", "pipeline.patched", "pipeline.archived"]);
      const patches = await repo.listChangeEvents({ limit: 10, type: "pipeline.patched" });
      expect(patches.items.map((event) => event.resource.id)).toEqual([a.id, b.id]);
      const patchOfB = await repo.listChangeEvents({ limit: 10, type: "pipeline.patched", resourceId: b.id, after: first.next });
      expect(patchOfB.items).toEqual([all[3]]);
      // After the last filtered event the position is that event's, not the newest of the feed.
      expect(patchOfB.next).toBe(all[3]?.seq);
      expect(await repo.listChangeEvents({ limit: 10, resourceId: UNKNOWN, after: 0 })).toEqual({ items: [], next: 0 });
    });
  });
}
