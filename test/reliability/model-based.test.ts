import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ReplacementStage } from "../../src/domain/pipeline";
import type { Keyset, ListQuery, PipelineRepository, SortField } from "../../src/domain/repository";
import { findByConfig, findByName, listArchived, save } from "../../src/domain/repository";
import { backendName, onPostgres, resetDatabase } from "../support/backend";
import { call } from "../support/http";
import { expectConsistentDatabase } from "../support/invariants";
import {
  configArb,
  configKeyArb,
  configValueArb,
  filterArb,
  metricsArb,
  nameArb,
  newPipelineArb,
  pagingArb,
  refArb,
  stageFieldsArb,
  stagesOf,
  versionArb,
  writeOptions,
} from "../support/model-arbitraries";
import { auditPage, DEFAULT_RUNS, inSomeWorkspace, LOWEST_ID, type Side, Step, WORKSPACES, World } from "../support/model-world";
import { propertyParameters, propertyTimeout } from "../support/properties";

/**
 * Model-based test: random sequences of repository operations run on the real repository of
 * this test project's backend (D1, or PostgreSQL in the workers-pg project; the database
 * emptied before each sequence) and on the in-memory model, which
 * must agree after every step: the same result or the same error class, and the same stored
 * state (every pipeline, the counts, every pipeline's metrics,
 * revisions, audit log and change feed).
 *
 * Both read one manual clock that commands advance, so timestamps are equal. Ids differ (each
 * repository makes its own ULIDs), so results are compared with ids replaced by labels: the
 * first time both sides return an id at the same place, the pair gets a label. ULIDs are
 * monotonic and every command runs on the real one first and then on the model, so each side creates
 * its ids in the same relative order and the id tie-break of a sort agrees.
 *
 * FC_NUM_RUNS and FC_SEED (test/support/properties.ts) lengthen or vary the search.
 */

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
  ].map(inSomeWorkspace),
  { maxCommands: 12, size: "+1" },
);

describe(`the ${backendName} repository and the in-memory model agree`, () => {
  it(
    "after every step of random operation sequences",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(newPipelineArb, { minLength: 1, maxLength: 4 }), commandsArb, async (seed, commands) => {
          await resetDatabase();
          expect((await call("POST", "/v1/workspaces", { body: { id: "second" } })).status).toBe(201);
          const worlds = WORKSPACES.map((workspace) => new World(workspace));
          try {
            // A few pipelines first in each workspace, the same names in both, so that most commands meet existing ones.
            for (const world of worlds) {
              for (const input of seed) await world.both(`seed ${show(input.name)}`, (repo) => save(repo, input));
              await world.expectSameState({ metrics: false });
            }
            await fc.asyncModelRun(() => ({ model: worlds, real: worlds }), commands);
            for (const world of worlds) await world.expectSameState({ metrics: true });
            await expectConsistentDatabase();
          } finally {
            for (const world of worlds) await world.close();
          }
        }),
        propertyParameters(DEFAULT_RUNS),
      );
    },
    propertyTimeout(DEFAULT_RUNS, onPostgres ? 600 : 150),
  );
});
