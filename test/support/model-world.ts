import fc from "fast-check";
import { expect } from "vitest";
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from "../../src/domain/errors";
import type { AuditQuery } from "../../src/domain/history";
import { ID_PATTERN } from "../../src/domain/ids";
import type { Pipeline } from "../../src/domain/pipeline";
import type { Keyset, PipelineRepository } from "../../src/domain/repository";
import { memoryPipelineRepository } from "../../src/storage/memory/pipeline-repository";
import { openTestRepository } from "./backend";
import { manualClock } from "./clock";

/** The model-based test's two worlds (test/reliability/model-based.test.ts): the real repository and the model, with ids paired by label, and the step that compares them. */

export const DEFAULT_RUNS = 200;
export const UNKNOWN_ID = "01JD3ZK5Q8W7V6T5S4R3P2N1M0";
export const LOWEST_ID = "00000000000000000000000000";
export const HIGHEST_ID = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ";
export const START = Date.parse("2026-11-26T12:00:00.000Z");

export type Side = "real" | "memory";

/** Labels for ids: one label names the real repository's id and the model's id of the same thing. */
export class IdLabels {
  private readonly toLabel = { real: new Map<string, string>(), memory: new Map<string, string>() };
  private readonly fromLabel = { real: new Map<string, string>(), memory: new Map<string, string>() };

  pair(realId: string, memoryId: string) {
    if (this.toLabel.real.has(realId) || this.toLabel.memory.has(memoryId)) return;
    const label = `#${this.toLabel.real.size}`;
    this.toLabel.real.set(realId, label);
    this.toLabel.memory.set(memoryId, label);
    this.fromLabel.real.set(label, realId);
    this.fromLabel.memory.set(label, memoryId);
  }

  /** The side's id of a label; an unknown label is an id neither side has. */
  id(label: string, side: Side): string {
    return this.fromLabel[side].get(label) ?? label;
  }

  label(id: string, side: Side): string {
    return this.toLabel[side].get(id) ?? (ID_PATTERN.test(id) ? `unlabelled ${side} id` : id);
  }
}

/** Walks two results in step and labels ids found at the same place on both sides. */
export function pairIds(labels: IdLabels, real: unknown, memory: unknown) {
  if (typeof real === "string" && typeof memory === "string") {
    if (ID_PATTERN.test(real) && ID_PATTERN.test(memory) && real !== memory) labels.pair(real, memory);
  } else if (Array.isArray(real) && Array.isArray(memory)) {
    for (const [i, item] of real.entries()) pairIds(labels, item, memory[i]);
  } else if (real && memory && typeof real === "object" && typeof memory === "object") {
    for (const [key, value] of Object.entries(real)) pairIds(labels, value, (memory as Record<string, unknown>)[key]);
  }
}

export function relabel(value: unknown, labels: IdLabels, side: Side): unknown {
  if (typeof value === "string") return labels.label(value, side);
  if (Array.isArray(value)) return value.map((item) => relabel(item, labels, side));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [labels.label(k, side), relabel(v, labels, side)]));
  }
  return value;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: string; issues?: unknown };

export const DOMAIN_ERRORS = [NotFoundError, ConflictError, VersionMismatchError, ValidationError];

export async function settle(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    // Anything but the contract's errors is a failure on its own, even if both sides throw it.
    if (!DOMAIN_ERRORS.some((type) => error instanceof type)) throw error;
    const issues = error instanceof ValidationError ? error.issues : undefined;
    return { ok: false, error: (error as Error).constructor.name, ...(issues ? { issues } : {}) };
  }
}

/** An audit page with whether another follows: positions are each store's own (the database's never reused), not comparable. */
export async function auditPage(repo: PipelineRepository, query: AuditQuery) {
  const { items, next } = await repo.listAuditEvents(query);
  return { items, more: next !== null };
}

/**
 * The whole change feed, oldest first, page by page from the start: positions are each store's
 * own (the database's never reused) and not comparable, so they are checked to grow and left out.
 */
export async function changeFeed(repo: PipelineRepository) {
  const events = [];
  let after: number | undefined;
  for (;;) {
    const page = await repo.listChangeEvents({ limit: 100, after });
    if (page.items.length === 0) break;
    events.push(...page.items);
    after = page.next;
  }
  const seqs = events.map((event) => event.seq);
  expect(seqs, "the feed's positions grow").toEqual([...new Set(seqs)].sort((a, b) => a - b));
  return events.map(({ seq: _, ...event }) => event);
}

/** Revisions kept per pipeline in this test. */
export const KEEP = 3;

export class World {
  readonly clock = manualClock(START);
  readonly labels = new IdLabels();
  readonly real: PipelineRepository;
  /** Ends the real repository's connection (PostgreSQL), after the run. */
  readonly close: () => Promise<void>;
  readonly memory: PipelineRepository;
  /** Every pipeline either side ever created, by label, in creation order. */
  readonly pipelines: string[] = [];
  /** The current stage labels of each pipeline, and every stage label ever seen. */
  readonly stages = new Map<string, string[]>();
  readonly allStages = new Set<string>();
  log: string[] = [];

  /** One workspace's repository beside its own model: workspaces share nothing, so each has a model of its own. */
  constructor(readonly workspace = "default") {
    // Few revisions kept, so that pruning happens within a run.
    ({ repo: this.real, close: this.close } = openTestRepository(this.clock, { revisionsKeep: KEEP }, workspace));
    this.memory = memoryPipelineRepository(this.clock, { revisionsKeep: KEEP });
  }

  /** A pipeline label from a generated reference: -1, or no pipeline yet, names an unknown id. */
  pipeline(ref: number): string {
    return ref < 0 || this.pipelines.length === 0 ? UNKNOWN_ID : (this.pipelines[ref % this.pipelines.length] as string);
  }

  async version(label: string): Promise<number | undefined> {
    return (await this.memory.findById(this.labels.id(label, "memory")))?.version;
  }

  /** Runs one operation on the real repository, then on the model, and expects the same outcome. */
  async both(what: string, operation: (repo: PipelineRepository, side: Side) => Promise<unknown>): Promise<[Outcome, Outcome]> {
    const real = await settle(() => operation(this.real, "real"));
    const memory = await settle(() => operation(this.memory, "memory"));
    if (real.ok && memory.ok) pairIds(this.labels, real.value, memory.value);
    this.log.push(what);
    expect(relabel(real, this.labels, "real"), `${what}\nafter: ${this.log.join("; ")}`).toEqual(relabel(memory, this.labels, "memory"));
    return [real, memory];
  }

  /**
   * What is stored, as each side reports it: every pipeline and the counts per archived state
   * (the databases read those from trigger-kept counters); with `metrics`, every pipeline's metrics.
   */
  async state(repo: PipelineRepository, metrics: boolean) {
    const pipelines: Pipeline[] = [];
    let after: Keyset | undefined;
    do {
      const page = await repo.list({ archived: "all", config: [], sort: { field: "createdAt", descending: false }, limit: 100, after });
      pipelines.push(...page.items);
      after = page.next ?? undefined;
    } while (after);
    const counts = [await repo.count({ archived: "false", config: [] }), await repo.count({ archived: "true", config: [] })];
    // History: each pipeline's kept revisions (listed, and read whole), the audit log, and the change feed.
    const history = [];
    for (const pipeline of pipelines) {
      const listed = await repo.listRevisions(pipeline.id, { limit: 100 });
      const kept = await repo.getRevisions(
        pipeline.id,
        listed.items.map((revision) => revision.version),
      );
      history.push({ listed, kept: kept.sort((a, b) => a.version - b.version) });
    }
    const events = await auditPage(repo, { limit: 100 });
    const changes = await changeFeed(repo);
    return {
      pipelines,
      counts,
      history,
      events,
      changes,
      metrics: metrics ? await Promise.all(pipelines.map((p) => repo.getMetrics(p.id))) : [],
    };
  }

  async expectSameState({ metrics }: { metrics: boolean }) {
    const real = await this.state(this.real, metrics);
    const memory = await this.state(this.memory, metrics);
    pairIds(this.labels, real, memory);
    const expected = relabel(memory, this.labels, "memory") as Awaited<ReturnType<World["state"]>>;
    expect(relabel(real, this.labels, "real"), `stored state after: ${this.log.join("; ")}`).toEqual(expected);
    for (const pipeline of expected.pipelines) {
      if (!this.pipelines.includes(pipeline.id)) this.pipelines.push(pipeline.id);
      this.stages.set(
        pipeline.id,
        pipeline.stages.map((s) => s.id),
      );
      for (const stage of pipeline.stages) this.allStages.add(stage.id);
    }
    for (const label of this.pipelines) {
      if (!expected.pipelines.some((p) => p.id === label)) this.stages.delete(label);
    }
  }
}

// ---- generated inputs: small alphabets, so names collide and filters match ----

export class Step implements fc.AsyncCommand<World, World> {
  constructor(
    private readonly description: string,
    private readonly action: (world: World) => Promise<unknown>,
    /**
     * What the step can change, so what to compare afterwards beyond its result: the stored
     * pipelines and counts after a write, and every pipeline's metrics too after a metrics write
     * or a delete. A read changes nothing (its result is compared), so it skips the comparison.
     */
    private readonly changes: "nothing" | "pipelines" | "metrics" = "pipelines",
  ) {}
  check() {
    return true;
  }
  async run(_model: World, world: World) {
    await this.action(world);
    if (this.changes !== "nothing") await world.expectSameState({ metrics: this.changes === "metrics" });
  }
  toString() {
    return this.description;
  }
}

/** The workspaces of a run: each command runs in one of them, against that workspace's model. */
export const WORKSPACES = ["default", "second"];

/** A step in one workspace of the run. */
class InWorkspace implements fc.AsyncCommand<World[], World[]> {
  constructor(
    private readonly index: number,
    private readonly step: Step,
  ) {}
  check() {
    return true;
  }
  async run(_model: World[], worlds: World[]) {
    const world = worlds[this.index] as World;
    await this.step.run(world, world);
  }
  toString() {
    return `${WORKSPACES[this.index]}: ${this.step}`;
  }
}

export const inSomeWorkspace = (step: fc.Arbitrary<Step>) =>
  fc.tuple(fc.nat({ max: WORKSPACES.length - 1 }), step).map(([index, one]) => new InWorkspace(index, one));
