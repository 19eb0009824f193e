import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from "../../src/domain/errors";
import type { AuditQuery } from "../../src/domain/history";
import { ID_PATTERN } from "../../src/domain/ids";
import type { MetricsInput } from "../../src/domain/metrics";
import type { NewPipeline, NewStage, Pipeline, ReplacementStage, StageType } from "../../src/domain/pipeline";
import type { ArchivedFilter, Keyset, ListQuery, PipelineRepository, SortField, WriteOptions } from "../../src/domain/repository";
import { findByConfig, findByName, listArchived, save } from "../../src/domain/repository";
import { memoryPipelineRepository } from "../../src/storage/memory/pipeline-repository";
import { backendName, onPostgres, openTestRepository, resetDatabase } from "../support/backend";
import { manualClock } from "../support/clock";
import { expectConsistentDatabase } from "../support/invariants";
import { propertyParameters, propertyTimeout } from "../support/properties";

/**
 * Model-based test: random sequences of repository operations run on the real repository of
 * this test project's backend (D1, or PostgreSQL in the workers-pg project; the database
 * emptied before each sequence) and on the in-memory model, which
 * must agree after every step: the same result or the same error class, and the same stored
 * state (every pipeline, the counts, every pipeline's metrics).
 *
 * Both read one manual clock that commands advance, so timestamps are equal. Ids differ (each
 * repository makes its own ULIDs), so results are compared with ids replaced by labels: the
 * first time both sides return an id at the same place, the pair gets a label. ULIDs are
 * monotonic and every command runs on the real one first and then on the model, so each side creates
 * its ids in the same relative order and the id tie-break of a sort agrees.
 *
 * FC_NUM_RUNS and FC_SEED (test/support/properties.ts) lengthen or vary the search.
 */

const DEFAULT_RUNS = 200;
const UNKNOWN_ID = "01JD3ZK5Q8W7V6T5S4R3P2N1M0";
const LOWEST_ID = "00000000000000000000000000";
const HIGHEST_ID = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ";
const START = Date.parse("2026-11-26T12:00:00.000Z");

type Side = "real" | "memory";

/** Labels for ids: one label names the real repository's id and the model's id of the same thing. */
class IdLabels {
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
function pairIds(labels: IdLabels, real: unknown, memory: unknown) {
  if (typeof real === "string" && typeof memory === "string") {
    if (ID_PATTERN.test(real) && ID_PATTERN.test(memory) && real !== memory) labels.pair(real, memory);
  } else if (Array.isArray(real) && Array.isArray(memory)) {
    for (const [i, item] of real.entries()) pairIds(labels, item, memory[i]);
  } else if (real && memory && typeof real === "object" && typeof memory === "object") {
    for (const [key, value] of Object.entries(real)) pairIds(labels, value, (memory as Record<string, unknown>)[key]);
  }
}

function relabel(value: unknown, labels: IdLabels, side: Side): unknown {
  if (typeof value === "string") return labels.label(value, side);
  if (Array.isArray(value)) return value.map((item) => relabel(item, labels, side));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [labels.label(k, side), relabel(v, labels, side)]));
  }
  return value;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string; issues?: unknown };

const DOMAIN_ERRORS = [NotFoundError, ConflictError, VersionMismatchError, ValidationError];

async function settle(run: () => Promise<unknown>): Promise<Outcome> {
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
async function auditPage(repo: PipelineRepository, query: AuditQuery) {
  const { items, next } = await repo.listAuditEvents(query);
  return { items, more: next !== null };
}

/** Revisions kept per pipeline in this test. */
const KEEP = 3;

class World {
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

  constructor() {
    // Few revisions kept, so that pruning happens within a run.
    ({ repo: this.real, close: this.close } = openTestRepository(this.clock, { revisionsKeep: KEEP }));
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
    // History: each pipeline's kept revisions (listed, and read whole), and the audit log.
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
    return { pipelines, counts, history, events, metrics: metrics ? await Promise.all(pipelines.map((p) => repo.getMetrics(p.id))) : [] };
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

/** NFC "é" and NFD "e\u0301" are different names; "Z" < "a" < … < "😀" in code point order. */
const nameArb = fc.constantFrom("a", "b", "Z", "é", "e\u0301", "😀");
const configKeyArb = fc.constantFrom("env", "team", "a.b", "x_y", "constructor", "__proto__");
const configValueArb = fc.constantFrom("prod", "dev", "%", "_", "50%_off", "");
const configArb = fc.dictionary(configKeyArb, configValueArb, { maxKeys: 3 });
const STAGE_KINDS: [StageType, string][] = [
  ["compression", "zstd"],
  ["encryption", "aes-256-gcm"],
  ["checksum", "sha256"],
  ["transform", "upper"],
  ["passthrough", "noop"],
];

const stageFieldsArb = fc.record({
  kind: fc.nat(STAGE_KINDS.length - 1),
  enabled: fc.boolean(),
  parallelProcessing: fc.boolean(),
  chunkSize: fc.constantFrom(null, 1024, 104_857_600),
  parameters: fc.dictionary(fc.constantFrom("level", "k.1", "constructor", "__proto__"), fc.constantFrom("3", "", "%_"), { maxKeys: 2 }),
});
type StageFields = typeof stageFieldsArb extends fc.Arbitrary<infer T> ? T : never;

/** Valid stages: unique names, and no compression or encryption straight after its own type. */
function stagesOf(fields: StageFields[]): NewStage[] {
  let previous: StageType | undefined;
  return fields.map((f, i) => {
    let [stageType, algorithm] = STAGE_KINDS[f.kind] as [StageType, string];
    if (stageType === previous && (stageType === "compression" || stageType === "encryption"))
      [stageType, algorithm] = ["transform", "upper"];
    previous = stageType;
    return {
      name: `s${i}`,
      stageType,
      algorithm,
      enabled: f.enabled,
      parallelProcessing: f.parallelProcessing,
      chunkSize: f.chunkSize,
      parameters: f.parameters,
    };
  });
}

const newPipelineArb = fc
  .record({ name: nameArb, configuration: configArb, stages: fc.array(stageFieldsArb, { minLength: 1, maxLength: 3 }) })
  .map(({ name, configuration, stages }): NewPipeline => ({ name, configuration, stages: stagesOf(stages) }));

/** A pipeline reference: an index into the pipelines created so far, or -1 for an unknown id. */
const refArb = fc.oneof({ weight: 9, arbitrary: fc.nat(20) }, { weight: 1, arbitrary: fc.constant(-1) });

type VersionMode = "none" | "current" | "stale" | "ahead";
const versionArb = fc.constantFrom<VersionMode>("none", "current", "current", "stale", "ahead");

async function writeOptions(world: World, label: string, mode: VersionMode): Promise<WriteOptions> {
  const version = (await world.version(label)) ?? 1;
  if (mode === "none") return {};
  return { expectedVersion: mode === "current" ? version : mode === "stale" ? version - 1 : version + 1 };
}

const timestampArb = fc.nat(40).map((k) => new Date(START + k * 500).toISOString());
const countArb = fc.constantFrom(0, 1, 2 ** 31, Number.MAX_SAFE_INTEGER);
const realArb = fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const metricsArb: fc.Arbitrary<MetricsInput> = fc.record({
  bytesProcessed: countArb,
  bytesTotal: countArb,
  chunksProcessed: countArb,
  chunksTotal: countArb,
  startTime: fc.option(timestampArb, { nil: null }),
  endTime: fc.option(timestampArb, { nil: null }),
  processingDurationMs: countArb,
  throughputBytesPerSecond: realArb,
  compressionRatio: fc.option(realArb, { nil: null }),
  errorCount: countArb,
  warningCount: countArb,
  inputFileSizeBytes: countArb,
  outputFileSizeBytes: countArb,
  inputFileChecksum: fc.option(fc.constantFrom("sha256:abc", "", "é"), { nil: null }),
  outputFileChecksum: fc.option(fc.constantFrom("x".repeat(128)), { nil: null }),
});

// ---- commands ----

class Step implements fc.AsyncCommand<World, World> {
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

const show = (value: unknown) => JSON.stringify(value);

const saveCommand = newPipelineArb.map(
  (input) => new Step(`save(${show(input.name)})`, (w) => w.both(`save ${show(input.name)}`, (repo) => save(repo, input))),
);

const saveManyCommand = fc
  .array(newPipelineArb, { minLength: 1, maxLength: 3 })
  .map((inputs) => new Step(`saveMany(${show(inputs.map((i) => i.name))})`, (w) => w.both("saveMany", (repo) => repo.saveMany(inputs))));

const saveManyOnceCommand = fc
  .record({
    inputs: fc.array(newPipelineArb, { minLength: 1, maxLength: 2 }),
    scope: fc.constantFrom("admin", "key-1"),
    key: fc.constantFrom("k1", "k2"),
    fingerprint: fc.constantFrom("f1", "f2"),
    ttlMs: fc.constantFrom(1, 1_000, 86_400_000),
  })
  .map(
    ({ inputs, scope, key, fingerprint, ttlMs }) =>
      new Step(`saveManyOnce(${show(inputs.map((i) => i.name))}, ${scope}/${key}/${fingerprint}, ttl ${ttlMs})`, (w) =>
        w.both("saveManyOnce", async (repo) => {
          const outcome = await repo.saveManyOnce(inputs, {
            scope,
            key,
            fingerprint,
            expiresAt: new Date(w.clock().getTime() + ttlMs).toISOString(),
            record: (created) => JSON.stringify(created.map((p) => [p.id, p.name])),
          });
          // The record holds ids: parse it, so they are compared as labels.
          return outcome.kind === "created" ? outcome : { ...outcome, record: JSON.parse(outcome.record) };
        }),
      ),
  );

/** Where a replacement stage comes from: new, kept (own stage), foreign (another pipeline's) or an unknown id. */
const stageSourceArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "new" as const }) },
  { weight: 3, arbitrary: fc.nat(5).map((n) => ({ kind: "keep" as const, n })) },
  { weight: 1, arbitrary: fc.nat(20).map((n) => ({ kind: "foreign" as const, n })) },
  { weight: 1, arbitrary: fc.constant({ kind: "unknown" as const }) },
);

const updateCommand = fc
  .record({
    ref: refArb,
    version: versionArb,
    name: nameArb,
    configuration: configArb,
    stages: fc.array(fc.tuple(stageFieldsArb, stageSourceArb), { minLength: 1, maxLength: 3 }),
  })
  .map(
    ({ ref, version, name, configuration, stages }) =>
      new Step(`update(${ref}, ${version}, ${show(name)}, ${show(stages.map(([, s]) => s))})`, async (w) => {
        const label = w.pipeline(ref);
        const own = w.stages.get(label) ?? [];
        const foreign = [...w.allStages].filter((s) => !own.includes(s));
        const used = new Set<string>();
        const sources = stages.map(([, source]) => {
          let id: string | undefined;
          if (source.kind === "keep" && own.length > 0) id = own[source.n % own.length];
          if (source.kind === "foreign" && foreign.length > 0) id = foreign[source.n % foreign.length];
          if (source.kind === "unknown") id = LOWEST_ID;
          // A stage id appears once in a replacement (the HTTP layer refuses repeats).
          if (id === undefined || used.has(id)) return undefined;
          used.add(id);
          return id;
        });
        const options = await writeOptions(w, label, version);
        const base = stagesOf(stages.map(([fields]) => fields));
        await w.both(`update ${label}`, (repo, side) =>
          repo.update(
            w.labels.id(label, side),
            {
              name,
              configuration,
              stages: base.map((stage, i): ReplacementStage => {
                const id = sources[i];
                return id === undefined ? stage : { ...stage, id: w.labels.id(id, side) };
              }),
            },
            options,
          ),
        );
      }),
  );

const patchCommand = fc
  .record({
    ref: refArb,
    version: versionArb,
    name: fc.option(nameArb, { nil: undefined }),
    configuration: fc.option(fc.dictionary(configKeyArb, fc.option(configValueArb, { nil: null }), { maxKeys: 3 }), {
      nil: undefined,
      freq: 3,
    }),
    clearConfiguration: fc.boolean(),
  })
  .map(({ ref, version, name, configuration, clearConfiguration }) => {
    const patch = {
      ...(name === undefined ? {} : { name }),
      ...(configuration === undefined
        ? {}
        : { configuration: clearConfiguration && Object.keys(configuration).length === 0 ? null : configuration }),
    };
    return new Step(`patch(${ref}, ${version}, ${show(patch)})`, async (w) => {
      const label = w.pipeline(ref);
      const options = await writeOptions(w, label, version);
      await w.both(`patch ${label}`, (repo, side) => repo.patch(w.labels.id(label, side), patch, options));
    });
  });

/** delete, archive and restore: an id and an optional expected version. */
const lifecycleCommand = fc
  .record({ op: fc.constantFrom("delete", "archive", "archive", "restore", "restore"), ref: refArb, version: versionArb })
  .map(
    ({ op, ref, version }) =>
      new Step(
        `${op}(${ref}, ${version})`,
        async (w) => {
          const label = w.pipeline(ref);
          const options = await writeOptions(w, label, version);
          await w.both(`${op} ${label}`, (repo, side) => {
            const id = w.labels.id(label, side);
            return op === "delete" ? repo.delete(id, options) : op === "archive" ? repo.archive(id, options) : repo.restore(id, options);
          });
        },
        op === "delete" ? "metrics" : "pipelines",
      ),
  );

/** Mostly no name or configuration filter, so that listings hold several names to sort. */
const filterArb = fc.record({
  archived: fc.constantFrom<ArchivedFilter>("false", "true", "all", "all"),
  name: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nameArb }),
  config: fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(configKeyArb, configValueArb), { minLength: 1, maxLength: 2 }) },
  ),
});

const pagingArb = fc.oneof(
  fc.constant({ kind: "walk" as const }),
  fc.nat(6).map((offset) => ({ kind: "offset" as const, offset })),
  fc.record({
    kind: fc.constant("after" as const),
    name: nameArb,
    time: timestampArb,
    id: fc.oneof(fc.constantFrom(LOWEST_ID, HIGHEST_ID), refArb),
  }),
);

const listCommand = fc
  .record({
    filter: filterArb,
    field: fc.constantFrom<SortField>("name", "createdAt", "updatedAt"),
    descending: fc.boolean(),
    limit: fc.integer({ min: 1, max: 4 }),
    paging: pagingArb,
    via: fc.constantFrom("list", "findByConfig", "listArchived"),
  })
  .map(
    ({ filter, field, descending, limit, paging, via }) =>
      new Step(
        `${via}(${show(filter)}, ${descending ? "-" : ""}${field}, ${limit}, ${show(paging)})`,
        async (w) => {
          const base: ListQuery = { ...filter, sort: { field, descending }, limit };
          const page = (repo: PipelineRepository, query: ListQuery) => {
            if (via === "findByConfig") return findByConfig(repo, query.config, query);
            if (via === "listArchived") return listArchived(repo, query);
            return repo.list(query);
          };
          if (paging.kind === "offset") {
            await w.both("list by offset", (repo) => page(repo, { ...base, offset: paging.offset }));
          } else if (paging.kind === "after") {
            const idLabel = typeof paging.id === "number" ? w.pipeline(paging.id) : paging.id;
            await w.both("list after a keyset", (repo, side) =>
              page(repo, { ...base, after: { value: field === "name" ? paging.name : paging.time, id: w.labels.id(idLabel, side) } }),
            );
          } else {
            // Follow each side's own keyset cursor to the last page.
            const next: Record<Side, Keyset | undefined> = { real: undefined, memory: undefined };
            for (let i = 0; i < 12; i++) {
              const [real] = await w.both(`list page ${i}`, async (repo, side) => {
                const result = await page(repo, { ...base, after: next[side] });
                next[side] = result.next ?? undefined;
                return result;
              });
              if (!real.ok || !next.real) break;
            }
          }
        },
        "nothing",
      ),
  );

const countCommand = filterArb.map(
  (filter) => new Step(`count(${show(filter)})`, (w) => w.both("count", (repo) => repo.count(filter)), "nothing"),
);

const findCommand = fc.record({ op: fc.constantFrom("findById", "exists", "findByName", "getMetrics"), ref: refArb, name: nameArb }).map(
  ({ op, ref, name }) =>
    new Step(
      `${op}(${op === "findByName" ? show(name) : ref})`,
      (w) =>
        w.both(op, (repo, side) => {
          const id = w.labels.id(w.pipeline(ref), side);
          if (op === "findById") return repo.findById(id);
          if (op === "exists") return repo.exists(id);
          if (op === "getMetrics") return repo.getMetrics(id);
          return findByName(repo, name);
        }),
      "nothing",
    ),
);

const putMetricsCommand = fc
  .record({ ref: refArb, metrics: metricsArb })
  .map(
    ({ ref, metrics }) =>
      new Step(
        `putMetrics(${ref})`,
        (w) => w.both("putMetrics", (repo, side) => repo.putMetrics(w.labels.id(w.pipeline(ref), side), metrics)),
        "metrics",
      ),
  );

/** Rollback to a version that may be kept, pruned or never existed. */
const rollbackCommand = fc.record({ ref: refArb, back: fc.nat(4), version: versionArb }).map(
  ({ ref, back, version }) =>
    new Step(`rollback(${ref}, -${back}, ${version})`, async (w) => {
      const label = w.pipeline(ref);
      const options = await writeOptions(w, label, version);
      const target = Math.max(1, ((await w.version(label)) ?? 1) - back);
      await w.both(`rollback ${label} to ${target}`, (repo, side) => repo.rollback(w.labels.id(label, side), target, options));
    }),
);

/** History reads: a page of revisions, a revision, or a filtered page of the audit log. */
const historyCommand = fc
  .record({
    op: fc.constantFrom("listRevisions", "getRevisions", "listAuditEvents"),
    ref: refArb,
    limit: fc.integer({ min: 1, max: 3 }),
    version: fc.nat(6),
  })
  .map(
    ({ op, ref, limit, version }) =>
      new Step(
        `${op}(${ref}, ${limit}, ${version})`,
        (w) =>
          w.both(op, (repo, side) => {
            const id = w.labels.id(w.pipeline(ref), side);
            if (op === "listRevisions") return repo.listRevisions(id, { limit, before: version > 0 ? version + 1 : undefined });
            if (op === "getRevisions") return repo.getRevisions(id, [version]);
            return auditPage(repo, { limit, resourceId: version % 2 === 0 ? id : undefined });
          }),
        "nothing",
      ),
  );

const tickCommand = fc.constantFrom(1, 500, 86_400_000).map((ms) => new Step(`tick(${ms})`, async (w) => w.clock.advance(ms), "nothing"));

const commandsArb = fc.commands(
  [
    saveCommand,
    saveCommand,
    saveManyCommand,
    saveManyOnceCommand,
    updateCommand,
    patchCommand,
    lifecycleCommand,
    lifecycleCommand,
    listCommand,
    countCommand,
    findCommand,
    putMetricsCommand,
    rollbackCommand,
    historyCommand,
    tickCommand,
  ],
  { maxCommands: 12, size: "+1" },
);

describe(`the ${backendName} repository and the in-memory model agree`, () => {
  it(
    "after every step of random operation sequences",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(newPipelineArb, { minLength: 1, maxLength: 4 }), commandsArb, async (seed, commands) => {
          await resetDatabase();
          const world = new World();
          try {
            // A few pipelines first, so that most commands meet existing ones (and names collide).
            for (const input of seed) await world.both(`seed ${show(input.name)}`, (repo) => save(repo, input));
            await world.expectSameState({ metrics: false });
            await fc.asyncModelRun(() => ({ model: world, real: world }), commands);
            await world.expectSameState({ metrics: true });
            await expectConsistentDatabase();
          } finally {
            await world.close();
          }
        }),
        propertyParameters(DEFAULT_RUNS),
      );
    },
    propertyTimeout(DEFAULT_RUNS, onPostgres ? 600 : 150),
  );
});
