import {
  nameTaken,
  pipelineArchived,
  pipelineNotFound,
  quotaExceeded,
  revisionNotFound,
  ValidationError,
  versionMismatch,
} from "../../domain/errors";
import { type ChangeEvent, type ChangeEventType, feedPage } from "../../domain/events";
import { type AuditEvent, type Change, HISTORY_DEFAULTS, type Revision } from "../../domain/history";
import { newId } from "../../domain/ids";
import { METRICS_DEFAULTS, type Metrics } from "../../domain/metrics";
import { LIMITS, type NewPipeline, newPipeline, type Pipeline, stagesFrom } from "../../domain/pipeline";
import {
  type Keyset,
  type ListQuery,
  type Page,
  type PipelineFilter,
  type PipelineRepository,
  type Sort,
  type WriteMeta,
  type WriteOptions,
  writeContextOf,
} from "../../domain/repository";
import { WORKSPACE_DEFAULTS } from "../../domain/workspace";

/**
 * The in-memory model of the repository: the same contract as the D1 one (the contract
 * suite runs against both), kept deliberately plain so it can serve as the reference.
 */

/** SQLite compares TEXT by UTF-8 bytes, which is Unicode code point order. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

const compareKeysets = (a: Keyset, b: Keyset) => compareCodePoints(a.value, b.value) || compareCodePoints(a.id, b.id);

const keysetOf = (pipeline: Pipeline, sort: Sort): Keyset => ({ value: pipeline[sort.field], id: pipeline.id });

function matches(pipeline: Pipeline, filter: PipelineFilter): boolean {
  if (filter.archived !== "all" && pipeline.archived !== (filter.archived === "true")) return false;
  if (filter.name !== undefined && pipeline.name !== filter.name) return false;
  return filter.config.every(([key, value]) => Object.hasOwn(pipeline.configuration, key) && pipeline.configuration[key] === value);
}

/** One workspace's pipelines, in memory (a model per workspace: they share nothing). */
export function memoryPipelineRepository(
  clock: () => Date = () => new Date(),
  settings: { revisionsKeep: number; metricsKeep?: number; maxPipelines?: number } = { revisionsKeep: HISTORY_DEFAULTS.revisionsKeep },
): PipelineRepository {
  const maxPipelines = settings.maxPipelines ?? WORKSPACE_DEFAULTS.maxPipelines;
  const pipelines = new Map<string, Pipeline>();
  /** Each pipeline's metrics history, oldest first (the latest metrics are its last); `seq` is the order of recording. */
  const metrics = new Map<string, { seq: number; metrics: Metrics }[]>();
  let metricsSeq = 0;
  const claims = new Map<string, { fingerprint: string; record: string; expiresAt: string }>();
  /** Each pipeline's kept revisions, oldest first. */
  const revisions = new Map<string, Revision[]>();
  /** The audit log in commit order; `seq` is its position. */
  const events: (AuditEvent & { seq: number })[] = [];
  /** The change feed in commit order; `seq` is its position. Nothing is pruned here, so nothing expires. */
  const changes: ChangeEvent[] = [];

  /** A change's audit event and, for a pipeline (`after` it: as it now is, or null once deleted), its change event of the same id. */
  function audit(event: Omit<AuditEvent, "id" | "actor" | "requestId">, meta: WriteMeta, after?: Pipeline | null) {
    const { actor, requestId } = writeContextOf(meta);
    const id = newId();
    events.push({ ...event, id, actor: { ...actor }, requestId, seq: events.length + 1 });
    if (after === undefined) return;
    const { at, version } = event;
    const type = event.action as ChangeEventType;
    const resource = { type: "pipeline", id: event.resource.id } as const;
    const pipeline = after && structuredClone(after);
    changes.push({ id, seq: changes.length + 1, type, at, actor: { ...actor }, requestId, resource, version, pipeline });
  }

  /** Stores a changed pipeline with its revision and audit event, pruning the oldest revisions beyond the kept number. */
  function changed(pipeline: Pipeline, change: Change, meta: WriteMeta): Pipeline {
    const { actor, requestId } = writeContextOf(meta);
    const kept = [...(revisions.get(pipeline.id) ?? [])];
    kept.push({
      pipelineId: pipeline.id,
      version: pipeline.version,
      change,
      actor: { ...actor },
      requestId,
      changedAt: pipeline.updatedAt,
      pipeline: structuredClone(pipeline),
    });
    revisions.set(
      pipeline.id,
      kept.filter((revision) => revision.version > pipeline.version - settings.revisionsKeep),
    );
    audit(
      { at: pipeline.updatedAt, action: `pipeline.${change}`, resource: { type: "pipeline", id: pipeline.id }, version: pipeline.version },
      meta,
      pipeline,
    );
    return store(pipeline);
  }

  const nameIsTaken = (name: string, exceptId?: string) =>
    [...pipelines.values()].some((p) => !p.archived && p.name === name && p.id !== exceptId);

  /** The checks every conditional write makes, in the order the D1 batches make them. */
  function current(id: string, options: WriteOptions): Pipeline {
    const pipeline = pipelines.get(id);
    if (!pipeline) throw pipelineNotFound(id);
    if (options.expectedVersion !== undefined && pipeline.version !== options.expectedVersion) throw versionMismatch();
    return pipeline;
  }

  function writable(id: string, options: WriteOptions): Pipeline {
    const pipeline = current(id, options);
    if (pipeline.archived) throw pipelineArchived();
    return pipeline;
  }

  function store(pipeline: Pipeline): Pipeline {
    pipelines.set(pipeline.id, structuredClone(pipeline));
    return structuredClone(pipeline);
  }

  function list(query: ListQuery): Page {
    const sorted = [...pipelines.values()]
      .filter((p) => matches(p, query))
      .map((p) => ({ p, key: keysetOf(p, query.sort) }))
      .sort((a, b) => compareKeysets(a.key, b.key) * (query.sort.descending ? -1 : 1));
    const after = query.after;
    const start = after
      ? sorted.filter(({ key }) => compareKeysets(key, after) * (query.sort.descending ? -1 : 1) > 0)
      : sorted.slice(query.offset ?? 0);
    const page = start.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ p }) => structuredClone(p)),
      next: start.length > query.limit && last ? last.key : null,
    };
  }

  async function saveMany(inputs: NewPipeline[], meta: WriteMeta = {}): Promise<Pipeline[]> {
    // Archived pipelines count too; the quota is judged before the names, as the databases' guards do.
    if (pipelines.size + inputs.length > maxPipelines) throw quotaExceeded();
    const names = new Set<string>();
    for (const { name } of inputs) {
      if (nameIsTaken(name) || names.has(name)) throw nameTaken();
      names.add(name);
    }
    const now = clock().toISOString();
    const created = inputs.map((input) => newPipeline(input, now));
    // D1 records the events of one write in the order of the pipelines' ids.
    for (const pipeline of [...created].sort((a, b) => compareCodePoints(a.id, b.id))) changed(pipeline, "created", meta);
    return created.map((pipeline) => structuredClone(pipeline));
  }

  function setArchived(id: string, archived: boolean, options: WriteOptions): Pipeline {
    const pipeline = current(id, options);
    if (pipeline.archived === archived) return structuredClone(pipeline);
    if (!archived && nameIsTaken(pipeline.name)) throw nameTaken();
    const next = { ...pipeline, archived, version: pipeline.version + 1, updatedAt: clock().toISOString() };
    return changed(next, archived ? "archived" : "restored", options);
  }

  return {
    saveMany,

    async saveManyOnce(inputs, claim, meta = {}) {
      const claimKey = `${claim.scope}\n${claim.key}`;
      const earlier = claims.get(claimKey);
      if (earlier && earlier.expiresAt > clock().toISOString()) {
        return { kind: "claimed-before", fingerprint: earlier.fingerprint, record: earlier.record };
      }
      const pipelines = await saveMany(inputs, meta);
      claims.set(claimKey, { fingerprint: claim.fingerprint, record: claim.record(pipelines), expiresAt: claim.expiresAt });
      return { kind: "created", pipelines };
    },

    async findById(id) {
      const pipeline = pipelines.get(id);
      return pipeline ? structuredClone(pipeline) : null;
    },

    async update(id, input, options = {}) {
      const pipeline = writable(id, options);
      if (nameIsTaken(input.name, id)) throw nameTaken();
      const existing = new Map(pipeline.stages.map((stage) => [stage.id, stage]));
      if (input.stages.some((stage) => stage.id !== undefined && !existing.has(stage.id))) {
        throw new ValidationError([{ path: "/stages", message: "a stage id must be the id of one of this pipeline's stages" }]);
      }
      const now = clock().toISOString();
      const stages = stagesFrom(input.stages, now).map((stage) => ({
        ...stage,
        createdAt: existing.get(stage.id)?.createdAt ?? stage.createdAt,
      }));
      const next = {
        ...pipeline,
        name: input.name,
        configuration: { ...input.configuration },
        stages,
        version: pipeline.version + 1,
        updatedAt: now,
      };
      return changed(next, "replaced", options);
    },

    async rollback(id, version, options = {}) {
      const pipeline = writable(id, options);
      const revision = revisions.get(id)?.find((kept) => kept.version === version);
      if (!revision) throw revisionNotFound(id);
      if (nameIsTaken(revision.pipeline.name, id)) throw nameTaken();
      const now = clock().toISOString();
      const existing = new Map(pipeline.stages.map((stage) => [stage.id, stage]));
      const stages = structuredClone(revision.pipeline.stages).map((stage) => ({
        ...stage,
        createdAt: existing.get(stage.id)?.createdAt ?? stage.createdAt,
        updatedAt: now,
      }));
      const { name, configuration } = structuredClone(revision.pipeline);
      return changed({ ...pipeline, name, configuration, stages, version: pipeline.version + 1, updatedAt: now }, "rolledBack", options);
    },

    async patch(id, input, options = {}) {
      const pipeline = writable(id, options);
      const name = input.name ?? pipeline.name;
      if (nameIsTaken(name, id)) throw nameTaken();
      // A Map, not assignment: `configuration["__proto__"] = v` would set the prototype, not an entry.
      const entries = new Map(input.configuration === null ? [] : Object.entries(pipeline.configuration));
      for (const [key, value] of Object.entries(input.configuration ?? {})) {
        if (value === null) entries.delete(key);
        else entries.set(key, value);
      }
      const configuration = Object.fromEntries(entries);
      if (Object.keys(configuration).length > LIMITS.mapEntries) {
        throw new ValidationError([{ path: "/configuration", message: `at most ${LIMITS.mapEntries} entries` }]);
      }
      const next = { ...pipeline, name, configuration, version: pipeline.version + 1, updatedAt: clock().toISOString() };
      return changed(next, "patched", options);
    },

    async delete(id, options = {}) {
      current(id, options);
      audit({ at: clock().toISOString(), action: "pipeline.deleted", resource: { type: "pipeline", id }, version: null }, options, null);
      pipelines.delete(id);
      metrics.delete(id);
      revisions.delete(id);
    },

    async archive(id, options = {}) {
      return setArchived(id, true, options);
    },

    async restore(id, options = {}) {
      return setArchived(id, false, options);
    },

    async exists(id) {
      return pipelines.has(id);
    },

    async count(filter) {
      return [...pipelines.values()].filter((p) => matches(p, filter)).length;
    },

    async list(query) {
      return list(query);
    },

    async getMetrics(pipelineId) {
      if (!pipelines.has(pipelineId)) throw pipelineNotFound(pipelineId);
      const recorded = metrics.get(pipelineId)?.at(-1);
      return recorded ? structuredClone(recorded.metrics) : null;
    },

    async putMetrics(pipelineId, input, meta = {}) {
      const pipeline = writable(pipelineId, {});
      const recorded: Metrics = { ...input, pipelineId, updatedAt: clock().toISOString() };
      const kept = [...(metrics.get(pipelineId) ?? []), { seq: ++metricsSeq, metrics: structuredClone(recorded) }];
      metrics.set(pipelineId, kept.slice(-(settings.metricsKeep ?? METRICS_DEFAULTS.keep)));
      const resource = { type: "pipeline", id: pipelineId } as const;
      audit({ at: recorded.updatedAt, action: "pipeline.metricsRecorded", resource, version: pipeline.version }, meta, pipeline);
      return recorded;
    },

    async listMetricsHistory(pipelineId, query) {
      if (!pipelines.has(pipelineId)) throw pipelineNotFound(pipelineId);
      const newestFirst = [...(metrics.get(pipelineId) ?? [])]
        .reverse()
        .filter(({ seq }) => query.before === undefined || seq < query.before);
      const page = newestFirst.slice(0, query.limit);
      return {
        items: structuredClone(page.map((entry) => entry.metrics)),
        next: newestFirst.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
      };
    },

    async listRevisions(pipelineId, query) {
      if (!pipelines.has(pipelineId)) throw pipelineNotFound(pipelineId);
      const newestFirst = [...(revisions.get(pipelineId) ?? [])]
        .reverse()
        .filter((revision) => query.before === undefined || revision.version < query.before);
      const items = newestFirst.slice(0, query.limit).map(({ pipeline: _, ...summary }) => structuredClone(summary));
      return { items, next: newestFirst.length > query.limit ? (items.at(-1)?.version ?? null) : null };
    },

    async getRevisions(pipelineId, versions) {
      const kept = revisions.get(pipelineId) ?? [];
      return structuredClone(kept.filter((revision) => versions.includes(revision.version)));
    },

    async listAuditEvents(query) {
      const matching = events
        .filter(
          (event) =>
            (query.resourceId === undefined || event.resource.id === query.resourceId) &&
            (query.action === undefined || event.action === query.action) &&
            (query.actorId === undefined || event.actor.id === query.actorId) &&
            (query.before === undefined || event.seq < query.before),
        )
        .reverse();
      const page = matching.slice(0, query.limit);
      return {
        items: page.map(({ seq: _, ...event }) => structuredClone(event)),
        next: matching.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
      };
    },

    async listChangeEvents(query) {
      const after = query.after ?? 0;
      const matching = changes.filter(
        (event) =>
          event.seq > after &&
          (query.type === undefined || event.type === query.type) &&
          (query.resourceId === undefined || event.resource.id === query.resourceId),
      );
      return feedPage(structuredClone(matching.slice(0, query.limit)), query.after, 0);
    },
  };
}
